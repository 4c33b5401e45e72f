import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { DEFAULT_RETRY } from '../../shared/engine/retry.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import {
  type BuiltApp,
  buildApp,
  ecsOps,
  editRegion,
  eventPathWorld,
  eventually,
  FROM_QUEUE,
  FROM_RULE,
  logLines,
  onEventRuns,
  ownedSession,
  REGION,
  recordSends,
  runsNaming,
  sample,
  sessionsOn,
  settledSessionsOn,
  startEventPath,
} from './support.js';

// Item 3 of issue 6, deferral: an ENI that can't be handled yet goes to the automirror-deferred MNS queue with a
// delay and comes back through the queue's trigger, until it is done: not lost (its session exists in the end),
// not duplicated (exactly one, and each deferral message handled once).

let app: BuiltApp;
/** The same app with a 4 s function timeout (scratch s.yaml): the invocation's budget ends 2 s after it starts. */
let shortApp: BuiltApp;
/** The same app giving up after 2 deferrals (scratch s.yaml; the repo's allows 10). */
let impatientApp: BuiltApp;
let cloud: LocalCloud | undefined;
beforeAll(() => {
  app = buildApp();
  shortApp = buildApp((props) => {
    props.timeout = 4;
  });
  impatientApp = buildApp((props) => {
    (props.environmentVariables as Record<string, string>).AUTOMIRROR_MAX_DEFERRALS = '2';
  });
}, 120_000);
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});
afterAll(() => {
  app?.remove();
  shortApp?.remove();
  impatientApp?.remove();
});

interface Deferred {
  automirror: string;
  key: string;
  eniIds: string[];
  reason: string;
  attempt: number;
}

/**
 * Waits until every deferral sent so far has come back through the queue trigger and nothing is pending, then
 * returns the deferrals: parsed bodies with their delays.
 */
async function deferralsSettled(c: LocalCloud, sent: ReturnType<typeof recordSends>) {
  await eventually(
    async () => {
      await c.platform.idle();
      const counts = c.mns.queue(DEFAULT_SETTINGS.deferQueue).counts();
      return counts.active + counts.inactive + counts.delayed === 0 && onEventRuns(c).filter((r) => r.source === FROM_QUEUE).length >= sent.length;
    },
    120_000,
    'every deferral to come back and be handled',
  );
  await c.platform.idle();
  return sent.map((s) => ({ ...(JSON.parse(s.body) as Deferred), delaySeconds: s.delaySeconds }));
}

/** Every on-event run succeeded (but `failedFromRule` attempts FC retried); each deferral message was handled by exactly one run from the queue trigger. */
function expectEachDeferralHandledOnce(c: LocalCloud, deferred: Deferred[], failedFromRule = 0) {
  const runs = onEventRuns(c);
  expect(runs.filter((r) => !r.ok)).toHaveLength(failedFromRule);
  expect(runs.filter((r) => !r.ok && r.source !== FROM_RULE)).toEqual([]);
  const fromQueue = runs.filter((r) => r.source === FROM_QUEUE);
  expect(fromQueue).toHaveLength(deferred.length);
  expect(fromQueue.map((r) => JSON.parse(JSON.parse(r.event).data.messageBody)).sort(byBody)).toEqual(
    [...deferred]
      .map(({ automirror, eniIds, reason, attempt, key }) => ({ automirror, version: 1, key, accountId: c.state.accountId, regionId: 'cn-hangzhou', instanceIds: [], eniIds, reason, attempt }))
      .sort(byBody),
  );
  // Each message is one piece of work: its deterministic key names it once.
  expect(new Set(deferred.map((d) => d.key)).size).toBe(deferred.length);
  expect(c.fc.async.destinations.filter((d) => d.kind === 'onFailure')).toEqual([]);
}
const byBody = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

/**
 * A cloud whose asynchronous steps take `asyncDelayMs`, and a new untagged ENI attached there to i-web01 (tagged
 * mirror=on, so the ENI inherits it once attached), once on-event has seen its creation and deferred nothing.
 */
async function attachNewEni(built: BuiltApp, asyncDelayMs: number, secondMs: number) {
  cloud = await startEventPath(built, { world: eventPathWorld({ asyncDelayMs }), secondMs });
  const c = cloud;
  const sent = recordSends(c, DEFAULT_SETTINGS.deferQueue);
  const ops = ecsOps(c);
  const eni = await ops.createEni();
  await eventually(() => runsNaming(c, eni).length > 0, 30_000, 'on-event to see the new ENI');
  await c.platform.idle();
  expect(sent).toEqual([]); // Available and untagged: nothing to do, nothing deferred
  await ops.attach(eni, 'i-web01');
  return { c, sent, eni };
}

describe('deferral through the automirror-deferred queue', () => {
  it('defers an ENI still Attaching when its event arrives, and mirrors it once the queue brings it back', async () => {
    // Every asynchronous step takes 3 s here, so the ENI is still Attaching when on-event sees the Attach call.
    // A deferral waits 30 documented seconds (4.5 s here), longer than the attachment takes.
    const { c, sent, eni } = await attachNewEni(app, 3000, 150);

    const [first] = await eventually(
      () => {
        const runs = onEventRuns(c).filter((r) => r.source === FROM_RULE && JSON.parse(r.event).data?.eventName === 'AttachNetworkInterface');
        return runs.length > 0 && runs;
      },
      30_000,
      'on-event to see the Attach call',
    );
    const result = JSON.parse(first.response).results[0];
    expect(result.created).toEqual([]);
    expect(result.deferred).toEqual([{ eniIds: [eni], reason: expect.stringMatching(/Attaching/) }]);
    expect(result.deferral.queued).toEqual([expect.objectContaining({ eniIds: [eni], messageId: expect.any(String) })]);

    const [session] = await settledSessionsOn(c, [eni], (s) => s.length === 1, `a session for ${eni}`);
    expect(session.trafficMirrorSourceIds).toEqual([eni]);
    const deferred = await deferralsSettled(c, sent);
    expect(deferred[0]).toMatchObject({ automirror: 'deferred', eniIds: [eni], attempt: 1, delaySeconds: DEFAULT_SETTINGS.deferDelaySeconds });
    // A pass that still found it Attaching would defer it again, with a longer delay; none may make a second session.
    deferred.forEach((d, i) => expect(d).toMatchObject({ eniIds: [eni], attempt: i + 1, delaySeconds: DEFAULT_SETTINGS.deferDelaySeconds * 2 ** i }));
    expectEachDeferralHandledOnce(c, deferred);
    await settledSessionsOn(c, [eni], (s) => s.length === 1 && s[0].trafficMirrorSessionId === session.trafficMirrorSessionId, 'still that one session');
  }, 180_000);

  it('defers a change to a session still Modifying past the invocation’s budget, and makes it once the session has settled', async () => {
    // automirror's session on eni-web01p has drifted (packet length 1400) and is being modified for 7 s.
    const world = editRegion(eventPathWorld({ asyncDelayMs: 7000 }), (r) => {
      r.trafficMirrorSessions = [{ ...ownedSession('tms-web01p', 'eni-web01p', 1029, 'i-web01'), packetLength: 1400, trafficMirrorSessionStatus: 'Modifying' }];
    });
    cloud = await startEventPath(shortApp, { world, secondMs: 100 });
    const c = cloud;
    const sent = recordSends(c, DEFAULT_SETTINGS.deferQueue);
    await ecsOps(c).tag('eni', ['eni-web01p'], { owner: 'ops' }); // any event naming the ENI will do

    const [first] = await eventually(
      () => {
        const runs = onEventRuns(c).filter((r) => r.source === FROM_RULE);
        return runs.length > 0 && runs;
      },
      30_000,
      'on-event to see the TagResources call',
    );
    const result = JSON.parse(first.response).results[0];
    expect(result.updated).toEqual([]);
    expect(result.deferred).toEqual([{ eniIds: ['eni-web01p'], reason: expect.stringMatching(/tms-web01p was still busy at the deadline/) }]);

    const [session] = await settledSessionsOn(c, ['eni-web01p'], (s) => s.length === 1 && s[0].packetLength === 1500, 'the packet length put right', 120_000);
    expect(session.trafficMirrorSessionId).toBe('tms-web01p');
    const deferred = await deferralsSettled(c, sent);
    expect(deferred.length).toBeGreaterThanOrEqual(1);
    deferred.forEach((d, i) => expect(d).toMatchObject({ eniIds: ['eni-web01p'], attempt: i + 1 }));
    expectEachDeferralHandledOnce(c, deferred);
    const updates = c.controls.calls.list({ action: 'UpdateTrafficMirrorSessionAttribute' });
    expect(updates.filter((u) => u.code === 'OK')).toHaveLength(1);
  }, 180_000);

  it('defers what throttling leaves undone when the invocation’s budget runs out, and finishes it from the queue: one session per ENI', async () => {
    // i-web01 has 12 ENIs to mirror; CreateTrafficMirrorSession is throttled to 2 a second.
    const enis = Array.from({ length: 10 }, (_, i) => `eni-web01x${i}`);
    const world = editRegion(eventPathWorld({ rateLimits: { CreateTrafficMirrorSession: { perSecond: 2, burst: 2 } } }), (r) => {
      r.instances!.find((i) => i.instanceId === 'i-web01')!.networkInterfaces!.push(...enis.map((networkInterfaceId) => ({ networkInterfaceId, type: 'Secondary' as const })));
    });
    cloud = await startEventPath(shortApp, { world, secondMs: 50 });
    const c = cloud;
    const all = ['eni-web01p', 'eni-web01s', ...enis];
    const sent = recordSends(c, DEFAULT_SETTINGS.deferQueue);
    c.bus.put(sample('ecs-instance-running.json'));

    const sessions = await settledSessionsOn(c, all, (s) => s.length >= all.length, 'a session for every ENI', 120_000);
    const deferred = await deferralsSettled(c, sent);
    expect(sessions).toHaveLength(all.length);
    for (const eni of all) expect(sessions.filter((s) => s.trafficMirrorSourceIds!.includes(eni))).toHaveLength(1);
    expect(new Set(sessions.map((s) => s.priority)).size).toBe(all.length);

    // The first run finished in its time (no FunctionTimeout, no FC retry), made what it could and deferred the rest.
    const fromRule = onEventRuns(c).filter((r) => r.source === FROM_RULE);
    expect(fromRule.map(({ ok, attempt, errorMessage }) => ({ ok, attempt, errorMessage }))).toEqual([{ ok: true, attempt: 1, errorMessage: undefined }]);
    const result = JSON.parse(fromRule[0].response).results[0];
    expect(result.created.length).toBeGreaterThan(0);
    expect(result.deferred.length).toBeGreaterThan(0);
    expect(result.deferred.every((d: { reason: string }) => /deadline/.test(d.reason))).toBe(true);
    expect(deferred.length).toBeGreaterThan(0);
    expectEachDeferralHandledOnce(c, deferred);
    expect(c.controls.calls.list({ action: 'CreateTrafficMirrorSession' }).some((x) => x.code === 'Throttling.User')).toBe(true);
  }, 180_000);

  it('gives up on work deferred too often, leaving it to the scheduled reconcile with an error line, rather than circling forever', async () => {
    // The ENI stays Attaching for a minute: every pass defers it again, until the limit.
    const { c, sent, eni } = await attachNewEni(impatientApp, 60_000, 20);

    const last = await eventually(() => onEventRuns(c).find((r) => r.response.includes('"abandoned":[{')), 60_000, 'the work to be given up on');
    const deferred = await deferralsSettled(c, sent);
    expect(deferred.map(({ eniIds, attempt, delaySeconds }) => ({ eniIds, attempt, delaySeconds }))).toEqual([
      { eniIds: [eni], attempt: 1, delaySeconds: DEFAULT_SETTINGS.deferDelaySeconds },
      { eniIds: [eni], attempt: 2, delaySeconds: 2 * DEFAULT_SETTINGS.deferDelaySeconds },
    ]);
    expectEachDeferralHandledOnce(c, deferred);
    expect(last.source).toBe(FROM_QUEUE);
    expect(JSON.parse(last.response).results[0].deferral).toEqual({ queued: [], abandoned: [{ eniIds: [eni], reason: expect.stringMatching(/Attaching/) }] });
    expect(logLines(c, last.requestId).filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({ msg: 'deferred too often: left to the scheduled reconcile', abandoned: [expect.objectContaining({ eniIds: [eni] })] }),
    ]);
    expect(await sessionsOn(c, [eni])).toEqual([]);
  }, 120_000);

  it('sends a deferral once when FC retries the invocation that deferred it: the retry defers, the failed attempt does not', async () => {
    // i-web01's secondary ENI is still Attaching; its primary's create fails transiently through every in-call
    // retry of the first attempt only, so on-event fails and FC retries the whole invocation once.
    cloud = await startEventPath(app, { world: eventPathWorld(), secondMs: 200 });
    const c = cloud;
    const attaching = c.state.region(REGION).enis.get('eni-web01s')!;
    attaching.status = 'Attaching';
    const sent = recordSends(c, DEFAULT_SETTINGS.deferQueue);
    c.controls.setFaults([{ operation: 'CreateTrafficMirrorSession', code: 'ServiceUnavailable', status: 503, count: DEFAULT_RETRY.maxAttempts }]);
    const event = c.bus.put(sample('ecs-instance-running.json'));
    // The attachment completes once FC's retry has succeeded (both attempts saw it Attaching), well before the
    // deferral (30 documented seconds, 6 s here) comes back.
    await eventually(() => runsNaming(c, event.id).some((r) => r.ok), 60_000, 'the retried attempt to succeed');
    attaching.status = 'InUse';

    const sessions = await settledSessionsOn(c, ['eni-web01p', 'eni-web01s'], (x) => x.length === 2, 'a session for each ENI', 120_000);
    const deferred = await deferralsSettled(c, sent);
    const attempts = runsNaming(c, event.id);
    expect(attempts.map(({ attempt, ok }) => ({ attempt, ok }))).toEqual([
      { attempt: 1, ok: false },
      { attempt: 2, ok: true },
    ]);
    expect(new Set(attempts.map((a) => a.requestId)).size).toBe(1);
    expect(attempts[0].errorMessage).toMatch(/transient failures, FC will retry: ServiceUnavailable/);
    // The failed attempt deferred eni-web01s too, but sent nothing: the retry deferred it, once.
    expect(deferred.map(({ eniIds, attempt }) => ({ eniIds, attempt }))).toEqual([{ eniIds: ['eni-web01s'], attempt: 1 }]);
    expect(JSON.parse(attempts[1].response).results[0]).toMatchObject({ result: 'requeue', deferral: { queued: [{ eniIds: ['eni-web01s'], key: deferred[0].key }], abandoned: [] } });
    expectEachDeferralHandledOnce(c, deferred, 1);
    for (const eni of ['eni-web01p', 'eni-web01s']) expect(sessions.filter((x) => x.trafficMirrorSourceIds!.includes(eni))).toHaveLength(1);
  }, 180_000);
});
