import * as $Ecs from '@alicloud/ecs20140526';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { ecsClient, eventPathForFile, eventually, FROM_QUEUE, FROM_RULE, listSessions, onEventRuns, REGION, recordSends, runInstances, tags } from './support.js';

// Item 8 of issue 6: 200 instances launched at once through the ECS SDK, their events delivered at least once
// (some twice) and out of order by EventBridge, end with exactly the sessions the policy asks for.

const path = eventPathForFile({ secondMs: 20, maxInstances: 4, delivery: { duplicates: 0.5, reorderWindowMs: 150, seed: 7 } });

/** Launch groups: 40 RunInstances calls of 5 instances each, every kind of instance the policy must tell apart. */
const GROUPS: Array<{ tags: Record<string, string>; secondary: boolean; mirrored: boolean }> = [
  { tags: { mirror: 'on', app: 'web' }, secondary: true, mirrored: true },
  { tags: { mirror: 'on', app: 'api' }, secondary: false, mirrored: true },
  { tags: { app: 'batch' }, secondary: true, mirrored: false },
  // The opt-out tag wins over mirror=on.
  { tags: { mirror: 'on', automirror: 'off' }, secondary: false, mirrored: false },
];
const CALLS = 40;
const PER_CALL = 5;

/** Every ENI of the region with its instance, as DescribeNetworkInterfaces pages them. */
async function allEnis(cloud = path.cloud): Promise<Array<{ eniId: string; instanceId?: string }>> {
  const out: Array<{ eniId: string; instanceId?: string }> = [];
  let nextToken: string | undefined;
  do {
    const r = await ecsClient(cloud).describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, maxResults: 500, nextToken }));
    for (const e of r.body?.networkInterfaceSets?.networkInterfaceSet ?? []) out.push({ eniId: e.networkInterfaceId!, instanceId: e.instanceId || undefined });
    nextToken = r.body?.nextToken || undefined;
  } while (nextToken);
  return out;
}

describe('a burst of 200 launches', () => {
  it('ends with one session per opted-in ENI, distinct priorities, none for the others, nothing failed, despite duplicated and reordered deliveries', async () => {
    const cloud = path.cloud;
    const started = Date.now();
    const failed = recordSends(cloud, DEFAULT_SETTINGS.failedQueue);
    const launched = await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const g = GROUPS[i % GROUPS.length];
        const ids = await runInstances(cloud, {
          amount: PER_CALL,
          tag: tags(g.tags).map((t) => new $Ecs.RunInstancesRequestTag(t)),
          networkInterface: g.secondary
            ? [new $Ecs.RunInstancesRequestNetworkInterface({ instanceType: 'Primary' }), new $Ecs.RunInstancesRequestNetworkInterface({ instanceType: 'Secondary' })]
            : undefined,
        });
        return ids.map((id) => ({ id, mirrored: g.mirrored }));
      }),
    );
    const instances = launched.flat();
    expect(instances).toHaveLength(CALLS * PER_CALL);
    const optedIn = new Set(instances.filter((i) => i.mirrored).map((i) => i.id));
    const enis = (await allEnis()).filter((e) => e.instanceId && instances.some((i) => i.id === e.instanceId));
    const wanted = enis.filter((e) => optedIn.has(e.instanceId!)).map((e) => e.eniId);
    const others = enis.filter((e) => !optedIn.has(e.instanceId!)).map((e) => e.eniId);
    expect(wanted).toHaveLength(150);
    expect(others).toHaveLength(150);

    // Wait for the cloud to settle: every wanted ENI mirrored, nothing in flight, no deferral pending.
    const sessions = await eventually(
      async () => {
        const s = (await listSessions(cloud)).filter((x) => x.trafficMirrorSourceIds!.some((id) => enis.some((e) => e.eniId === id)));
        return s.length >= wanted.length && s.every((x) => x.trafficMirrorSessionStatus === 'Created') && s;
      },
      240_000,
      'a session for every opted-in ENI',
    );
    await eventually(
      async () => {
        await cloud.platform.idle();
        const q = cloud.mns.queue(DEFAULT_SETTINGS.deferQueue).counts();
        return q.active + q.inactive + q.delayed === 0;
      },
      120_000,
      'the deferral queue to drain',
    );
    const settled = (await listSessions(cloud)).filter((x) => x.trafficMirrorSourceIds!.some((id) => enis.some((e) => e.eniId === id)));

    // Exactly the sessions the policy asks for: one per opted-in ENI, per-ENI, its collector, a priority of its own.
    expect(settled.map((s) => s.trafficMirrorSessionId).sort()).toEqual(sessions.map((s) => s.trafficMirrorSessionId).sort());
    expect(settled.flatMap((s) => s.trafficMirrorSourceIds!).sort()).toEqual([...wanted].sort());
    for (const s of settled) {
      expect(s).toMatchObject({ trafficMirrorSourceIds: [expect.any(String)], trafficMirrorTargetId: 'lb-collector01', trafficMirrorFilterId: 'tmf-allipv4', enabled: true });
      expect(s.priority).toBeGreaterThanOrEqual(1000);
      expect(s.priority).toBeLessThanOrEqual(1999);
    }
    expect(new Set(settled.map((s) => s.priority)).size).toBe(settled.length);
    for (const id of others) expect(settled.some((s) => s.trafficMirrorSourceIds!.includes(id))).toBe(false);

    // Nothing failed or was given up on: no failed attempt, nothing sent to the failed-events queue.
    const runs = onEventRuns(cloud);
    expect(runs.filter((r) => !r.ok).map((r) => r.errorMessage)).toEqual([]);
    for (const r of runs) expect([FROM_RULE, FROM_QUEUE]).toContain(r.source);
    expect(failed).toEqual([]);
    expect(cloud.fc.async.destinations.filter((d) => d.kind === 'onFailure')).toEqual([]);
    for (const r of runs.filter((x) => x.response.includes('"abandoned"'))) {
      for (const result of JSON.parse(r.response).results ?? []) expect(result.deferral.abandoned).toEqual([]);
    }

    // The delivery really was at least once and out of order.
    const toOnEvent = cloud.bus.deliveries.filter((d) => d.rule === runs[0].source.slice('eventbridge:'.length));
    const perEvent = new Map<string, number>();
    for (const d of toOnEvent) perEvent.set(d.eventId, (perEvent.get(d.eventId) ?? 0) + 1);
    expect([...perEvent.values()].filter((n) => n === 2).length).toBeGreaterThan(100);
    const received = cloud.bus.received.map((e) => e.id).filter((id) => perEvent.has(id));
    const firstDelivered = [...new Set(toOnEvent.map((d) => d.eventId))];
    expect(firstDelivered).not.toEqual(received);

    expect(Date.now() - started).toBeLessThan(300_000);
  }, 600_000);
});
