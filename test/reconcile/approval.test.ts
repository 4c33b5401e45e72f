import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { RegionResult } from '../../shared/engine/reconcile-region.js';
import type { Policy } from '../../shared/policy/types.js';
import { eniId, webPolicy, worldSession } from '../engine/cloud.js';
import { quiet, regionWorld, runRegion } from './support.js';

// RegionOptions.approve: an enforce run asks once, with its first pass as a report-mode run would end on it, before
// anything is written, the disabling of unapproved sessions included (what `automirror apply` shows and asks about).

const disabling = (): Policy => ({ ...webPolicy(), unapproved: 'disable' });
let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});
const writesIn = (c: LocalCloud) => c.controls.calls.list().filter((x) => !/^(Describe|List)/.test(x.action));
const world = () => regionWorld({ instances: 2, options: { asyncDelayMs: 20 }, sessions: [worldSession('tms-rogue', [eniId(0)], 5, null, { trafficMirrorTargetId: 'lb-b' })] });

describe('an enforce run with an approval', () => {
  it('asks before any write with the plan as a report run has it; a no writes nothing at all', async () => {
    cloud = await startLocalCloud({ world: world() });
    const asked: RegionResult[] = [];
    const { result } = await runRegion(cloud, 'enforce', disabling(), { approve: async (r) => (asked.push(r), false) });
    expect(asked.map((r) => [r.mode, r.passes.length, r.passes[0].plan.actions.map((a) => a.kind), r.foreign.unapproved.map((u) => u.response)])).toEqual([
      ['report', 1, ['create', 'create'], ['would-disable']],
    ]);
    expect(writesIn(cloud)).toEqual([]);
    expect([result.passes.length, result.passes[0].outcomes]).toEqual([1, []]);
  });

  it('a yes disables the unapproved session and applies that plan', async () => {
    cloud = await startLocalCloud({ world: world() });
    const told: string[] = [];
    const { result } = await runRegion(cloud, 'enforce', disabling(), { approve: async () => true, maxPasses: 1, onOutcome: (o) => told.push(`${o.action.id} ${o.status}`) });
    await quiet(cloud);
    expect(result.passes[0].outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    // Each action's outcome is told once as it is known (the progress line counts these).
    expect(told.sort()).toEqual(result.passes[0].plan.actions.map((a) => `${a.id} done`).sort());
    expect(result.foreign.unapproved.map((u) => u.response)).toEqual(['disabled']);
  });

  it('is not asked in report mode', async () => {
    cloud = await startLocalCloud({ world: world() });
    let asked = 0;
    await runRegion(cloud, 'report', disabling(), { approve: async () => (asked++, true) });
    expect(asked).toBe(0);
  });
});
