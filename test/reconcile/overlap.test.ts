import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { eniId, sessionsIn, type WorldSpec, webPolicy, worldSession } from '../engine/cloud.js';
import { quiet, regionWorld, runRegion } from './support.js';

/** Two region reconciles over the same region at once (a scheduled run and a CLI apply, say) must not fight. */

let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const N = 24;
/** Creates take a while, so the runs really overlap. */
const SLOW: WorldSpec = { instances: N, options: { faults: [{ operation: 'CreateTrafficMirrorSession', latencyMs: 150 }] } };

async function start(w: WorldSpec): Promise<LocalCloud> {
  cloud = await startLocalCloud({ world: regionWorld(w) });
  return cloud;
}

/** How many sessions hold each opted-in ENI. */
const holdings = (c: LocalCloud) => Array.from({ length: N }, (_, i) => sessionsIn(c).filter((s) => s.trafficMirrorSourceIds.includes(eniId(i))).length);

describe('overlapping region reconciles', () => {
  it('started together, end with one session per ENI: the second finds each of the first’s creates done', async () => {
    const c = await start(SLOW);
    const [a, b] = await Promise.all([runRegion(c, 'enforce', webPolicy(), { runId: 'run-a' }), runRegion(c, 'enforce', webPolicy(), { runId: 'run-b' })]);
    await quiet(c);
    expect(holdings(c)).toEqual(Array(N).fill(1));
    expect(sessionsIn(c)).toHaveLength(N);
    // Same state, same plan, same priorities: whichever lost a priority found the winner already mirroring the ENI.
    const converged = [...a.report.items, ...b.report.items].filter((i) => i.action.reason.includes('already so'));
    expect(converged.length).toBeGreaterThan(0);
    for (const r of [a, b]) expect([r.report.totals.coveragePercent, r.report.totals.statuses.failed]).toEqual([100, 0]);
  });

  it('started while the other is applying, end converged with no duplicates, the later one re-reading the region', async () => {
    const c = await start(SLOW);
    const first = runRegion(c, 'enforce', webPolicy(), { runId: 'run-a' });
    while (sessionsIn(c).length < N / 3) await new Promise((r) => setTimeout(r, 10));
    const second = await runRegion(c, 'enforce', webPolicy(), { runId: 'run-b' });
    await first;
    await quiet(c);
    expect(holdings(c)).toEqual(Array(N).fill(1));
    // It saw the first run's sessions mid-creation, so it scanned again after applying.
    expect(second.result.passes.length).toBeGreaterThan(1);
    expect(second.report.totals.coveragePercent).toBe(100);
  });

  it('removes the second session a lost race left on an ENI, keeping one', async () => {
    const c = await start({ instances: 2, sessions: [worldSession('tms-a', [eniId(0)], 1000), worldSession('tms-b', [eniId(0)], 1001), worldSession('tms-c', [eniId(1)], 1002)] });
    const { report } = await runRegion(c, 'enforce');
    await quiet(c);
    expect(report.items).toMatchObject([
      { kind: 'session', id: 'tms-b', action: { kind: 'delete', status: 'applied', reason: expect.stringContaining('also mirrored by tms-a under the same rule') } },
    ]);
    expect(
      sessionsIn(c)
        .map((s) => s.trafficMirrorSessionId)
        .sort(),
    ).toEqual(['tms-a', 'tms-c']);
  });
});
