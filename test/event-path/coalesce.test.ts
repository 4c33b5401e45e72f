import * as $Ecs from '@alicloud/ecs20140526';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { enisOf, eventPathForFile, eventually, FROM_EVENTS_QUEUE, listSessions, onEventRuns, runInstances, tags } from './support.js';

// Issue 13 item 1: a launch's events (StateChange Pending/Starting/Running, at-least-once repeats) reach on-event
// through setup's route (default-bus rule → events queue → queue trigger with a batch window) in one invocation.
// A documented second is 50 ms, so the 15 s window (750 ms) spans a launch's state steps (30 ms each here).
const path = eventPathForFile({ secondMs: 50, delivery: { duplicates: 1, seed: 3 }, eventsRoute: { ...DEFAULT_SETTINGS, eventsWindowSeconds: 15 } });

const mirrored = tags({ mirror: 'on', app: 'web' }).map((t) => new $Ecs.RunInstancesRequestTag(t));

describe('the events queue route', () => {
  it("delivers one launch's events, every one of them twice, in one on-event invocation, which makes its session once", async () => {
    const cloud = path.cloud;
    const since = cloud.fc.invocations.length;
    const [id] = await runInstances(cloud, { amount: 1, tag: mirrored });
    const [eni] = await enisOf(cloud, id);
    await eventually(async () => (await listSessions(cloud)).some((s) => s.trafficMirrorSourceIds!.includes(eni)), 30_000, 'the session');
    await cloud.platform.idle();
    const runs = onEventRuns(cloud, since).filter((r) => r.source === FROM_EVENTS_QUEUE);
    expect(runs).toHaveLength(1);
    expect(runs[0].ok).toBe(true);
    const batch = JSON.parse(runs[0].event) as { data: { messageBody: string } }[];
    const inner = batch.map((m) => JSON.parse(m.data.messageBody) as { id: string; data: { resourceId?: string } });
    // Each event twice (duplicates: 1): the batch holds them all, on-event counts each once.
    expect(inner.length).toBeGreaterThanOrEqual(4);
    expect(new Set(inner.map((e) => e.id)).size).toBe(inner.length / 2);
    expect((await listSessions(cloud)).filter((s) => s.trafficMirrorSourceIds!.includes(eni))).toHaveLength(1);
  });

  it('converges for a burst of launches: one session per opted-in ENI, in fewer invocations than launches', async () => {
    const cloud = path.cloud;
    const since = cloud.fc.invocations.length;
    const ids = (await Promise.all(Array.from({ length: 10 }, () => runInstances(cloud, { amount: 2, tag: mirrored })))).flat();
    const enis = (await Promise.all(ids.map((i) => enisOf(cloud, i)))).flat();
    const sessions = await eventually(
      async () => {
        const s = (await listSessions(cloud)).filter((x) => x.trafficMirrorSourceIds!.some((e) => enis.includes(e)));
        return s.length >= enis.length && s;
      },
      60_000,
      'a session for every ENI',
    );
    await cloud.platform.idle();
    expect(sessions.flatMap((s) => s.trafficMirrorSourceIds).sort()).toEqual([...enis].sort());
    expect(new Set(sessions.map((s) => s.priority)).size).toBe(sessions.length);
    expect(onEventRuns(cloud, since).filter((r) => r.source === FROM_EVENTS_QUEUE).length).toBeLessThan(ids.length);
  });
});
