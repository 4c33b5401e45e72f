import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { deadlineClock } from '../../shared/engine/clock.js';
import { ensure, ensureUnits } from '../../shared/engine/ensure.js';
import { INSTANCE_TAG, OWNER_TAG, OWNER_VALUE, RULE_TAG } from '../../shared/engine/ownership.js';
import { callCodes, cloudConfig, engineDeps, eniId, FAST_RETRY, instanceId, sessionsIn, startCloud, subject, type WorldSpec, webPolicy, worldSession } from './cloud.js';

/** ensure() through the official SDKs against localcloud: what the cloud holds afterwards, and the calls it took. */

let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

async function start(w: WorldSpec): Promise<LocalCloud> {
  cloud = await startCloud(w);
  return cloud;
}

const WRITES = ['CreateTrafficMirrorSession', 'UpdateTrafficMirrorSessionAttribute', 'AddSourcesToTrafficMirrorSession', 'RemoveSourcesFromTrafficMirrorSession', 'DeleteTrafficMirrorSession'];
const writes = (c: LocalCloud) => c.controls.calls.list().filter((x) => WRITES.includes(x.action));

describe('ensure against localcloud', () => {
  it('creates one owned session per opted-in ENI, and nothing more on a second run', async () => {
    const c = await start({ instances: 1, enisPerInstance: 2 });
    const first = await ensure(subject([instanceId(0)]), engineDeps(c), { runId: 'run-1' });
    expect(first.outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    const all = sessionsIn(c);
    expect(all.map((s) => s.trafficMirrorSourceIds[0]).sort()).toEqual([eniId(0, 0), eniId(0, 1)].sort());
    for (const s of all) expect([s.tags.get(OWNER_TAG), s.tags.get(RULE_TAG), s.tags.get(INSTANCE_TAG)]).toEqual(['automirror', 'web', instanceId(0)]);
    const second = await ensure(subject([instanceId(0)]), engineDeps(c), { runId: 'run-2' });
    expect(second.actions).toEqual([]);
    expect(sessionsIn(c)).toHaveLength(2);
  });

  it('writes nothing in a dry run, and prints the same plan', async () => {
    const c = await start({ instances: 1 });
    const r = await ensure(subject([instanceId(0)]), engineDeps(c), { runId: 'dry', dryRun: true });
    expect(r.actions.map((a) => a.kind)).toEqual(['create']);
    expect(r.outcomes).toEqual([]);
    expect(writes(c)).toEqual([]);
  });

  it('starts nothing after the deadline and hands the actions back as deferred', async () => {
    // The last read (is the collector still there?) starts before the deadline and answers after it.
    const c = await start({ instances: 2, options: { faults: [{ operation: 'DescribeLoadBalancers', latencyMs: 1500 }] } });
    const r = await ensure(subject([instanceId(0), instanceId(1)]), engineDeps(c), { runId: 'late', deadline: Date.now() + 700 });
    expect(r.deferred.map((d) => [d.eniIds, d.reason])).toEqual([
      [[eniId(0)], 'the deadline passed before it started'],
      [[eniId(1)], 'the deadline passed before it started'],
    ]);
    expect(writes(c)).toEqual([]);
  });

  it('defers a change to a session still busy when the deadline comes, without waiting past it', async () => {
    const c = await start({
      instances: 1,
      options: { asyncDelayMs: 5_000 },
      sessions: [worldSession('tms-busy', [eniId(0)], 1500, 'web', { enabled: false, trafficMirrorSessionStatus: 'Modifying' })],
    });
    const t = Date.now();
    const r = await ensure(subject([instanceId(0)]), engineDeps(c), { runId: 'r', deadline: t + 400 });
    expect(Date.now() - t).toBeLessThan(2_000);
    expect(r.deferred).toMatchObject([{ eniIds: [eniId(0)], reason: 'tms-busy was still busy at the deadline', action: { kind: 'update' } }]);
    expect(writes(c)).toEqual([]);
  });

  it('defers an ENI still attaching instead of failing it', async () => {
    const c = await start({
      instances: 1,
      enisPerInstance: 2,
      instance: () => ({
        networkInterfaces: [
          { networkInterfaceId: eniId(0, 0), type: 'Primary' },
          { networkInterfaceId: eniId(0, 1), type: 'Secondary', status: 'Attaching' },
        ],
      }),
    });
    const r = await ensure(subject([instanceId(0)]), engineDeps(c), { runId: 'r' });
    expect(r.deferred).toEqual([{ eniIds: [eniId(0, 1)], reason: 'the ENI is Attaching; it is handled once that settles' }]);
    expect(sessionsIn(c).map((s) => s.trafficMirrorSourceIds)).toEqual([[eniId(0, 0)]]);
  });

  it('takes an ENI that no longer exists out of owned sessions, deleting a session left empty', async () => {
    const c = await start({ instances: 1, deleted: ['eni-vanished'], sessions: [worldSession('tms-solo', ['eni-vanished'], 1001), worldSession('tms-pair', ['eni-vanished', eniId(0)], 1002)] });
    const r = await ensure(subject([], ['eni-vanished']), engineDeps(c, webPolicy('layout: { pooled: 5 }')), { runId: 'r' });
    expect(r.actions.map((a) => `${a.kind} ${'sessionId' in a ? a.sessionId : ''}`)).toEqual(['remove-sources tms-pair', 'delete tms-solo']);
    expect(r.outcomes.every((o) => o.status === 'done')).toBe(true);
    await settle(c);
    expect(sessionsIn(c).map((s) => [s.trafficMirrorSessionId, s.trafficMirrorSourceIds])).toEqual([['tms-pair', [eniId(0)]]]);
  });

  it('follows a released instance to its per-ENI sessions: a deleted ENI leaves, a surviving one stays mirrored', async () => {
    const tags = { [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: 'web', [INSTANCE_TAG]: 'i-released' };
    const c = await start({
      instances: 0,
      deleted: ['eni-released'],
      freeEnis: [{ networkInterfaceId: 'eni-kept', vSwitchId: 'vsw-prod-h', tags: { mirror: 'on' } }],
      sessions: [worldSession('tms-deleted-eni', ['eni-released'], 1001, 'web', { tags }), worldSession('tms-kept-eni', ['eni-kept'], 1002, 'web', { tags })],
    });
    const r = await ensure(subject(['i-released']), engineDeps(c), { runId: 'r' });
    expect(r.observed.goneInstances).toEqual(['i-released']);
    expect(r.actions).toMatchObject([{ kind: 'delete', sessionId: 'tms-deleted-eni', perEni: [{ eniId: 'eni-released', reason: 'the ENI no longer exists' }] }]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['done']);
  });

  it('deletes the released instance’s owned sessions the cloud left with no source, found by its tag alone', async () => {
    const tags = { [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: 'web', [INSTANCE_TAG]: 'i-released' };
    const c = await start({
      instances: 0,
      sessions: [
        worldSession('tms-empty1', [], 1001, 'web', { tags }),
        worldSession('tms-empty2', [], 1002, 'web', { tags }),
        // Tagged with the instance but not ours: never touched.
        worldSession('tms-theirs', [], 1003, null, { tags: { [INSTANCE_TAG]: 'i-released' } }),
      ],
    });
    const r = await ensure(subject(['i-released']), engineDeps(c), { runId: 'r' });
    expect(r.actions.map((a) => `${a.kind} ${'sessionId' in a ? a.sessionId : ''}`).sort()).toEqual(['delete tms-empty1', 'delete tms-empty2']);
    expect(r.result).toEqual({ kind: 'done' });
    await settle(c);
    expect(sessionsIn(c).map((s) => s.trafficMirrorSessionId)).toEqual(['tms-theirs']);
  });

  it('defers the rest when the deadline comes while reading, writing nothing; ids found gone and settled are not deferred', async () => {
    // Placing needs DescribeLoadBalancers (is the collector still there?): slow, then throttled, past the deadline.
    const c = await start({ instances: 1, options: { faults: [{ operation: 'DescribeLoadBalancers', latencyMs: 400, code: 'Throttling.User', status: 400, count: 1 }] } });
    const deps = { policy: webPolicy(), ...engineAdapters(cloudConfig(c), { retry: FAST_RETRY, clock: deadlineClock(Date.now() + 200) }) };
    const r = await ensure(subject(['i-gone', instanceId(0)], ['eni-gone']), deps, { runId: 'r' });
    expect(r.result).toEqual({ kind: 'requeue', items: [{ eniIds: [], instanceIds: [instanceId(0)], reason: expect.stringMatching(/^out of time while reading the cloud, before any change/) }] });
    expect(r.actions).toEqual([]);
    expect(writes(c)).toEqual([]);
    // The deferral comes back with the instance alone, and completes.
    const again = await ensure({ ...subject([instanceId(0)]), attempt: 1 }, engineDeps(c), { runId: 'r2' });
    expect(again.result).toEqual({ kind: 'done' });
    expect(sessionsIn(c).map((s) => s.trafficMirrorSourceIds)).toEqual([[eniId(0)]]);
  });

  it('stops reading once the deadline has passed, however slow the reads, and defers the rest', async () => {
    const n = 20;
    const c = await start({ instances: n, options: { faults: [{ operation: 'ListTrafficMirrorSessions', latencyMs: 250 }] } });
    const ids = Array.from({ length: n }, (_, i) => instanceId(i));
    const r = await ensure(subject(ids), engineDeps(c), { runId: 'slow', deadline: Date.now() + 500 });
    expect(r.result).toEqual({ kind: 'requeue', items: [{ eniIds: [], instanceIds: ids, reason: expect.stringMatching(/^out of time while reading the cloud, before any change/) }] });
    // 8 reads at a time: the last round does not start.
    expect(c.controls.calls.list({ action: 'ListTrafficMirrorSessions' }).length).toBeLessThan(n);
    expect(writes(c)).toEqual([]);
  });

  it('requeues whole, unread, the units reached after the deadline', async () => {
    const c = await start({ instances: 2 });
    const deps = { policy: webPolicy(), adaptersFor: () => engineAdapters(cloudConfig(c), { retry: FAST_RETRY }) };
    const units = await ensureUnits([subject([instanceId(0)]), subject([instanceId(1)], [eniId(1)])], deps, { runId: 'late', deadline: Date.now() - 1 });
    expect(units.map((u) => u.result)).toEqual([
      { kind: 'requeue', items: [{ eniIds: [], instanceIds: [instanceId(0)], reason: 'out of time before this unit of work started' }] },
      { kind: 'requeue', items: [{ eniIds: [eniId(1)], instanceIds: [instanceId(1)], reason: 'out of time before this unit of work started' }] },
    ]);
    expect(c.controls.calls.list()).toEqual([]);
  });

  it('leaves sessions it does not own alone, and reports the ENI whose 3 slots they fill', async () => {
    const theirs = [1, 2, 3].map((k) => worldSession(`tms-theirs${k}`, [eniId(0)], k, null));
    const c = await start({ instances: 1, sessions: theirs });
    const r = await ensure(subject([instanceId(0)]), engineDeps(c), { runId: 'r' });
    expect(r.unmirrored).toMatchObject([{ eniId: eniId(0), rule: 'web', blockers: ['tms-theirs1', 'tms-theirs2', 'tms-theirs3'] }]);
    expect(writes(c)).toEqual([]);
  });

  it('updates drifting attributes of an owned session in place', async () => {
    const c = await start({ instances: 1, sessions: [worldSession('tms-1', [eniId(0)], 1500, 'web', { enabled: false, packetLength: 8000, trafficMirrorTargetId: 'lb-b' })] });
    const r = await ensure(subject([instanceId(0)]), engineDeps(c), { runId: 'r' });
    expect(r.actions).toMatchObject([
      {
        kind: 'update',
        changes: [
          { field: 'enabled', wanted: true, actual: false },
          { field: 'packetLength', wanted: 1500, actual: 8000 },
          { field: 'target', wanted: 'SLB:lb-a', actual: 'SLB:lb-b' },
        ],
      },
    ]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['done']);
    expect(sessionsIn(c)[0]).toMatchObject({ enabled: true, packetLength: 1500, trafficMirrorTargetId: 'lb-a' });
  });

  it('replaces a session whose ENI moved to another rule, new first', async () => {
    const c = await start({ instances: 1, sessions: [worldSession('tms-old', [eniId(0)], 1500, 'legacy')] });
    const policy = webPolicy();
    const withLegacy = { ...policy, rules: [...policy.rules, { ...policy.rules[0], name: 'legacy', spec: { ...policy.rules[0].spec, rule: 'legacy' } }] };
    const r = await ensure(subject([instanceId(0)]), engineDeps(c, withLegacy), { runId: 'r' });
    expect(r.actions.map((a) => a.kind)).toEqual(['replace']);
    expect(r.outcomes.map((o) => o.status)).toEqual(['done']);
    await settle(c);
    const [s] = sessionsIn(c);
    expect([s.trafficMirrorSessionId === 'tms-old', s.tags.get(RULE_TAG), s.trafficMirrorSourceIds]).toEqual([false, 'web', [eniId(0)]]);
    const order = callCodes(c).filter((x) => /Create|Delete/.test(x));
    expect(order).toEqual(['CreateTrafficMirrorSession OK', 'DeleteTrafficMirrorSession OK']);
  });

  it('fills a pooled session, waiting for it to settle instead of hitting IncorrectStatus', async () => {
    const c = await start({ instances: 3, options: { asyncDelayMs: 300 } });
    const deps = engineDeps(c, webPolicy('layout: { pooled: 10 }'));
    await ensure(subject([instanceId(0)]), deps, { runId: 'a' });
    const r = await ensure(subject([instanceId(1), instanceId(2)]), deps, { runId: 'b' });
    expect(r.actions.map((a) => a.kind)).toEqual(['add-sources']);
    expect(r.outcomes.map((o) => o.status)).toEqual(['done']);
    expect(callCodes(c, 'AddSourcesToTrafficMirrorSession')).toEqual(['AddSourcesToTrafficMirrorSession OK']);
    await settle(c);
    expect(sessionsIn(c).map((s) => s.trafficMirrorSourceIds.length)).toEqual([3]);
  });

  it('removes more than 10 sources in chunks of 10, one at a time on the session', async () => {
    const members = Array.from({ length: 15 }, (_, i) => `eni-gone${String(i).padStart(2, '0')}`);
    const c = await start({ instances: 1, deleted: members, options: { quotas: { sourcesPerSession: 20 } }, sessions: [worldSession('tms-big', [...members, eniId(0)], 1500)] });
    const r = await ensure(subject([], members), engineDeps(c, webPolicy('layout: { pooled: 10 }')), { runId: 'r' });
    expect(r.actions.map((a) => [a.kind, a.eniIds.length])).toEqual([
      ['remove-sources', 10],
      ['remove-sources', 5],
    ]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    expect(callCodes(c, 'RemoveSourcesFromTrafficMirrorSession')).toEqual(['RemoveSourcesFromTrafficMirrorSession OK', 'RemoveSourcesFromTrafficMirrorSession OK']);
    await settle(c);
    expect(sessionsIn(c)[0].trafficMirrorSourceIds).toEqual([eniId(0)]);
  });

  it('creates nothing toward a rule target the region no longer has, and says why, as the region reconcile does', async () => {
    const c = await start({ instances: 1 });
    const r = await ensure(subject([instanceId(0)]), engineDeps(c, webPolicy('target: { slb: lb-released }')), { runId: 'r' });
    expect(r.actions).toEqual([]);
    expect(r.unmirrored).toEqual([
      { eniId: eniId(0), rule: 'web', goneTargets: ['SLB:lb-released'], reason: expect.stringMatching(/^rule web's target SLB:lb-released no longer exists in the region/) },
    ]);
    expect(r.result).toEqual({ kind: 'done' });
    expect(writes(c)).toEqual([]);
    expect(callCodes(c, 'DescribeLoadBalancers')).toEqual(['DescribeLoadBalancers OK']);
  });
});

/** Lets localcloud's asynchronous transitions finish (Creating/Modifying → Created, Deleting → gone). */
async function settle(c: LocalCloud): Promise<void> {
  for (;;) {
    const busy = sessionsIn(c).some((s) => s.status !== 'Created');
    if (!busy) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
