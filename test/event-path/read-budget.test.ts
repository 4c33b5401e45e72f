import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { ensure } from '../../shared/engine/ensure.js';
import { INSTANCE_TAG, OWNER_TAG } from '../../shared/engine/ownership.js';
import { engineDeps, eniId, instanceId, REGION, sessionsIn, startCloud, subject, type WorldSpec, webPolicy, worldSession } from '../engine/cloud.js';

/**
 * What the event path's ensure() costs, counted in localcloud's call log (every request the SDKs made): an instance
 * with k opted-in ENIs reads its instance, its ENIs and its owned sessions once each, then writes; a repeated event
 * reads 3 times and writes nothing. Reads beyond those come only with a refusal.
 */

/** `run` on a fresh cloud, closed afterwards whatever happens. */
async function on(w: WorldSpec, run: (c: LocalCloud) => Promise<void>): Promise<void> {
  const c = await startCloud(w);
  try {
    await run(c);
  } finally {
    await c.close();
  }
}

/** The calls since the log was last cleared, as "Action" (sorted), and the log cleared. */
function taken(c: LocalCloud): string[] {
  const out = c.controls.calls
    .list()
    .map((x) => x.action)
    .sort();
  c.controls.calls.clear();
  return out;
}

const times = (n: number, action: string) => Array.from({ length: n }, () => action);

/** What each ListTrafficMirrorSessions asked for: a source, a target, a priority's holder, sessions by id, or by tag. */
const lists = (c: LocalCloud): string[] =>
  c.controls.calls.list({ action: 'ListTrafficMirrorSessions' }).map((x) => {
    const p = x.params as Record<string, string | undefined>;
    if (p.TrafficMirrorSourceId) return `source ${p.TrafficMirrorSourceId}`;
    if (p.TrafficMirrorTargetId) return `target ${p.TrafficMirrorTargetId}`;
    if (p.Priority) return `priority ${p.Priority}`;
    if (p['TrafficMirrorSessionIds.1']) return 'by id';
    return Object.keys(p).some((k) => k.startsWith('Tags.')) ? 'by tag' : JSON.stringify(p);
  });

describe('the event path’s calls per instance', () => {
  it('launch with k=2 ENIs: 1 instance read, 1 ENI read, 1 owned-session read by the instance tag, 2 creates and their 2 proofs', () =>
    on({ instances: 2, enisPerInstance: 2 }, async (c) => {
      const deps = engineDeps(c);
      // The first launch this process sees also asks whether the collector CLB is still there; the next do not.
      await ensure(subject([instanceId(1)]), deps, { runId: 'warm' });
      expect(taken(c)).toContain('DescribeLoadBalancers');
      const r = await ensure(subject([instanceId(0)]), deps, { runId: 'launch' });
      expect(r.outcomes.map((o) => o.status)).toEqual(['done', 'done']);
      const calls = c.controls.calls.list({ action: 'ListTrafficMirrorSessions' });
      expect(calls.map((x) => x.params)).toEqual([expect.objectContaining({ 'Tags.1.Key': OWNER_TAG, 'Tags.2.Key': INSTANCE_TAG, 'Tags.2.Value': instanceId(0) })]);
      expect(taken(c)).toEqual(['DescribeInstances', 'DescribeNetworkInterfaces', 'ListTrafficMirrorSessions', ...times(2, 'CreateTrafficMirrorSession'), ...times(2, 'TagResources')].sort());
      // The same event again: the 3 reads, nothing to write.
      const again = await ensure(subject([instanceId(0)]), deps, { runId: 'again' });
      expect(again.actions).toEqual([]);
      expect(taken(c)).toEqual(['DescribeInstances', 'DescribeNetworkInterfaces', 'ListTrafficMirrorSessions']);
    }));

  it('launch with k=1: its one session read is by source, which also shows the sessions automirror does not own', () =>
    on({ instances: 2 }, async (c) => {
      const deps = engineDeps(c);
      await ensure(subject([instanceId(1)]), deps, { runId: 'warm' });
      c.controls.calls.clear();
      await ensure(subject([instanceId(0)]), deps, { runId: 'launch' });
      expect(c.controls.calls.list({ action: 'ListTrafficMirrorSessions' }).map((x) => x.params.TrafficMirrorSourceId)).toEqual([eniId(0)]);
      expect(taken(c)).toEqual(['CreateTrafficMirrorSession', 'DescribeInstances', 'DescribeNetworkInterfaces', 'ListTrafficMirrorSessions', 'TagResources']);
    }));

  it('an ENI whose 3 slots sessions it does not own fill is read by source only when its create is refused, and reported blocked', () =>
    on({ instances: 2, enisPerInstance: 2, sessions: [1, 2, 3].map((k) => worldSession(`tms-theirs${k}`, [eniId(0, 1)], k, null)) }, async (c) => {
      const deps = engineDeps(c);
      await ensure(subject([instanceId(1)]), deps, { runId: 'warm' });
      c.controls.calls.clear();
      const r = await ensure(subject([instanceId(0)]), deps, { runId: 'launch' });
      expect(r.outcomes.map((o) => [o.action.eniIds, o.status])).toEqual(
        expect.arrayContaining([
          [[eniId(0, 0)], 'done'],
          [[eniId(0, 1)], 'blocked'],
        ]),
      );
      expect(r.unmirrored).toEqual([{ eniId: eniId(0, 1), rule: 'web', reason: expect.stringMatching(/is already a source of 3 sessions \(tms-theirs1, tms-theirs2, tms-theirs3\)/) }]);
      // The refusal re-reads the truth: who holds the priority tried (nobody), then what is on the ENI.
      expect(lists(c)).toEqual(['by tag', expect.stringMatching(/^priority \d+$/), `source ${eniId(0, 1)}`]);
      expect(sessionsIn(c).filter((s) => s.trafficMirrorSourceIds.includes(eniId(0, 1)))).toHaveLength(3);
    }));

  it('a collector CLB released after this process found it: the create toward it is refused, and the next event asks again and mirrors nothing there', () =>
    on({ instances: 3 }, async (c) => {
      const deps = engineDeps(c);
      await ensure(subject([instanceId(2)]), deps, { runId: 'warm' });
      c.state.region(REGION).loadBalancers.delete('lb-a');
      c.controls.calls.clear();
      const refused = await ensure(subject([instanceId(0)]), deps, { runId: 'refused' });
      expect(refused.outcomes).toMatchObject([{ status: 'failed', code: 'ResourceNotFound.TrafficMirrorTarget' }]);
      expect(c.controls.calls.list({ action: 'DescribeLoadBalancers' })).toEqual([]);
      c.controls.calls.clear();
      const next = await ensure(subject([instanceId(1)]), deps, { runId: 'next' });
      expect(next.actions).toEqual([]);
      expect(next.unmirrored).toMatchObject([{ eniId: eniId(1), goneTargets: ['SLB:lb-a'] }]);
      expect(c.controls.calls.list({ action: 'DescribeLoadBalancers' })).toHaveLength(1);
    }));

  it('a pooled policy reads by source and the pool target, as before: a pooled session carries no instance tag', () =>
    on({ instances: 2, enisPerInstance: 2 }, async (c) => {
      const deps = engineDeps(c, webPolicy('layout: { pooled: 10 }'));
      await ensure(subject([instanceId(1)]), deps, { runId: 'a' });
      c.controls.calls.clear();
      const r = await ensure(subject([instanceId(0)]), deps, { runId: 'b' });
      expect(r.actions.map((a) => a.kind)).toEqual(['add-sources']);
      expect(lists(c).sort()).toEqual([`source ${eniId(0, 0)}`, `source ${eniId(0, 1)}`, 'target lb-a', 'by id', 'by id'].sort());
    }));
});
