import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { type BuiltApp, buildApp, eventPathWorld, eventually, FROM_QUEUE, FROM_RULE, onEventRuns, recordSends, sample, settledSessionsOn, startEventPath } from './support.js';

// Item 3 of issue 11: a deadline hit while on-event is still reading the cloud (before any write) defers the rest
// of the work once, through the deferral queue, instead of failing the invocation for FC to run it all again.

let app: BuiltApp;
let cloud: LocalCloud | undefined;
beforeAll(() => {
  // A 4 s function timeout: the invocation's budget ends 2 s after it starts.
  app = buildApp((props) => {
    props.timeout = 4;
  });
}, 120_000);
afterAll(async () => {
  await cloud?.close();
  app?.remove();
});

it('defers the rest once when the deadline comes during the reads, and completes it from the deferral queue', async () => {
  // Placing i-web01's ENIs asks whether the collector CLB is still there: that read answers after 2.5 s, throttled,
  // so its retry would wait past the deadline.
  const world = eventPathWorld({ faults: [{ operation: 'DescribeLoadBalancers', latencyMs: 2500, code: 'Throttling.User', status: 400, count: 1 }] });
  cloud = await startEventPath(app, { world, secondMs: 50 });
  const c = cloud;
  const sent = recordSends(c, DEFAULT_SETTINGS.deferQueue);
  c.bus.put(sample('ecs-instance-running.json'));

  const enis = ['eni-web01p', 'eni-web01s'];
  await settledSessionsOn(c, enis, (s) => s.length === enis.length, 'a session for each ENI of i-web01', 60_000);
  await eventually(async () => (await c.platform.idle(), onEventRuns(c).filter((r) => r.source === FROM_QUEUE).length >= 1), 30_000, 'the deferral to come back');
  await c.platform.idle();

  // The first invocation ended normally (no throw, so no FC retry), wrote nothing and deferred i-web01 once.
  const fromRule = onEventRuns(c).filter((r) => r.source === FROM_RULE);
  expect(fromRule.map(({ ok, attempt }) => ({ ok, attempt }))).toEqual([{ ok: true, attempt: 1 }]);
  const [first] = JSON.parse(fromRule[0].response).results;
  expect(first).toMatchObject({
    result: 'requeue',
    created: [],
    deferred: [{ eniIds: [], instanceIds: ['i-web01'], reason: expect.stringMatching(/^out of time while reading the cloud, before any change/) }],
  });
  expect(sent.map((s) => JSON.parse(s.body))).toEqual([expect.objectContaining({ instanceIds: ['i-web01'], eniIds: [], attempt: 1 })]);

  // The deferral came back once and did the work: one session per ENI, nothing failed, nothing deferred again.
  const fromQueue = onEventRuns(c).filter((r) => r.source === FROM_QUEUE);
  expect(fromQueue.map(({ ok, attempt }) => ({ ok, attempt }))).toEqual([{ ok: true, attempt: 1 }]);
  expect(JSON.parse(fromQueue[0].response).results[0]).toMatchObject({ result: 'done', deferred: [] });
  const sessions = await settledSessionsOn(c, enis, (s) => s.length === enis.length, 'still one session each');
  for (const eni of enis) expect(sessions.filter((s) => s.trafficMirrorSourceIds!.includes(eni))).toHaveLength(1);
  expect(c.fc.async.destinations.filter((d) => d.kind === 'onFailure')).toEqual([]);
}, 120_000);
