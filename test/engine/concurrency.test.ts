import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { ensure } from '../../shared/engine/ensure.js';
import { eniPriorityKey, priorityStart } from '../../shared/engine/priority.js';
import { callCodes, engineDeps, eniId, instanceId, sessionsIn, startCloud, subject, webPolicy, worldSession } from './cloud.js';

/**
 * Concurrent invocations with no lock: each ensure has its own adapters (as separate function instances would),
 * and the cloud's one-priority-per-region rule is the only arbiter.
 */

let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const BAND = { min: 1000, max: 1199 };
/** Retries enough for 100 separate invocations' writes to get through a 10-per-second limit. */
const PATIENT_RETRY = { maxAttempts: 30, baseMs: 50, capMs: 2_000 };
const policy = webPolicy('', `{ min: ${BAND.min}, max: ${BAND.max} }`);

describe('priorities under concurrency', () => {
  it('100 concurrent ensures for 100 ENIs in one band end with 100 sessions at distinct priorities, none failed', async () => {
    cloud = await startCloud({ instances: 100 });
    const c = cloud;
    // 100 creates then 100 proofs at once: the proofs meet TagResources' flow control (10/s) and retry until through.
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => ensure(subject([instanceId(i)]), engineDeps(c, policy, {}, PATIENT_RETRY), { runId: `evt-${i}` })));
    expect(results.flatMap((r) => r.outcomes.filter((o) => o.status !== 'done' && o.status !== 'converged'))).toEqual([]);
    const all = sessionsIn(c);
    expect(all).toHaveLength(100);
    expect(all.flatMap((s) => s.trafficMirrorSourceIds).sort()).toEqual(Array.from({ length: 100 }, (_, i) => eniId(i)).sort());
    const priorities = all.map((s) => s.priority);
    expect(new Set(priorities).size).toBe(100);
    expect(priorities.every((p) => p >= BAND.min && p <= BAND.max)).toBe(true);
  });

  it('100 concurrent ensures for the same ENI end with exactly one session', async () => {
    cloud = await startCloud({ instances: 1 });
    const c = cloud;
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => ensure(subject([instanceId(0)]), engineDeps(c, policy), { runId: `evt-${i}` })));
    expect(results.flatMap((r) => r.outcomes.filter((o) => o.status === 'failed'))).toEqual([]);
    expect(sessionsIn(c).map((s) => s.trafficMirrorSourceIds)).toEqual([[eniId(0)]]);
    expect(results.flatMap((r) => r.outcomes).filter((o) => o.status === 'done')).toHaveLength(1);
  });

  it('the same event delivered 20 times at once: one session, the ClientToken answers the duplicates', async () => {
    cloud = await startCloud({ instances: 1 });
    const c = cloud;
    const results = await Promise.all(Array.from({ length: 20 }, () => ensure(subject([instanceId(0)]), engineDeps(c, policy), { runId: 'evt-dup' })));
    const ids = new Set(results.flatMap((r) => r.outcomes.flatMap((o) => ('sessionId' in o ? [o.sessionId] : []))));
    expect(ids.size).toBe(1);
    expect(sessionsIn(c)).toHaveLength(1);
  });

  it('probes past a priority held by a session it could not see, re-reading who holds it', async () => {
    const start = priorityStart(BAND, eniPriorityKey('web', eniId(0)));
    cloud = await startCloud({ instances: 2, sessions: [worldSession('tms-theirs', [eniId(1)], start, null, { trafficMirrorTargetId: 'lb-b' })] });
    const r = await ensure(subject([instanceId(0)]), engineDeps(cloud, policy), { runId: 'r' });
    expect(r.actions).toMatchObject([{ kind: 'create', draft: { priority: start } }]);
    expect(r.outcomes).toMatchObject([{ status: 'done', priority: start === BAND.max ? BAND.min : start + 1 }]);
    const calls = cloud.controls.calls.list().filter((x) => x.action !== 'DescribeInstances' && x.action !== 'DescribeNetworkInterfaces');
    expect(calls.slice(-4).map((x) => `${x.action} ${x.params.Priority ?? ''} ${x.code}`)).toEqual([
      `CreateTrafficMirrorSession ${start} InvalidPriority.Conflict`,
      `ListTrafficMirrorSessions ${start} OK`,
      `CreateTrafficMirrorSession ${start === BAND.max ? BAND.min : start + 1} OK`,
      // The ownership proof, once the session has its id.
      'TagResources  OK',
    ]);
  });

  it('reports the ENI unmirrored when every priority it probes is held, rather than probing forever', async () => {
    const held = [1000, 1001, 1002].map((p, i) => worldSession(`tms-held${i}`, [eniId(i + 1)], p, null, { trafficMirrorTargetId: 'lb-b' }));
    cloud = await startCloud({ instances: 4, sessions: held });
    const r = await ensure(subject([instanceId(0)]), engineDeps(cloud, webPolicy('', '{ min: 1000, max: 1002 }')), { runId: 'r' });
    expect(r.outcomes.map((o) => o.status)).toEqual(['blocked']);
    expect(r.unmirrored).toEqual([{ eniId: eniId(0), rule: 'web', reason: "no free priority for a new session in rule web's band 1000–1002 (tried 3); a wider band helps" }]);
    expect(callCodes(cloud, 'CreateTrafficMirrorSession')).toHaveLength(3);
  });
});
