import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { Fc3Invoker, invokerFor } from '../../shared/cloud/invoker.js';
import { MnsQueue, mnsClient } from '../../shared/cloud/mns.js';
import { taskIdOf } from '../../shared/events/region-task.js';
import { mergeReports } from '../../shared/report/merge.js';
import { assertReport } from '../../shared/report/validate.js';
import { DEFAULT_SETTINGS as S } from '../../shared/settings.js';
import { REGION } from '../engine/cloud.js';
import { fcFailure } from '../report/fixture.js';
import { appWorld, buildApp, clientConfig, holdings, regionRuns, removeScratch, SHANGHAI, scratch, startApp } from './app.js';

/**
 * The two functions as deployed (the repo's s.yaml, the built bundles) on localcloud: the hourly timer on the
 * virtual clock, the fan-out through FC 3.0 and FC 2.0, reconcile-region's report in its result and on the report
 * topic, the failed-events queue drained, and a run continued across invocations from checkpoints.
 */

let dir: string;
beforeAll(() => {
  dir = scratch();
  buildApp(dir);
}, 60_000);
afterAll(() => removeScratch(dir));

const INBOX = 'reports-inbox';
const TWO_REGIONS = { reconcile: { AUTOMIRROR_REGIONS: `${REGION},${SHANGHAI}` } };

/** Lets every async invocation, retry and hand-off finish. */
const settle = (c: LocalCloud) => c.platform.idle();

async function withApp<T>(opts: Parameters<typeof startApp>[1], test: (c: LocalCloud) => Promise<T>): Promise<T> {
  const c = await startApp(dir, opts);
  try {
    return await test(c);
  } finally {
    await c.close();
  }
}

describe('the hourly timer, fanned out through FC 3.0', () => {
  it('fires on the hour and starts one reconcile-region per region, which mirror every opted-in ENI and report', async () => {
    await withApp({ world: appWorld(3, 2), env: TWO_REGIONS, subscriber: INBOX }, async (c) => {
      const next = c.fc.timers.nextFiring(S.reconcileFunction, 'hourly') as number;
      expect(new Date(next).toISOString()).toMatch(/T\d\d:00:00\.000Z$/);
      expect(c.fc.timers.advance(next - c.fc.timers.now() - 1)).toEqual([]);
      expect(c.fc.timers.advance(1)).toHaveLength(1);
      await settle(c);

      const fanOut = c.fc.invocations.filter((i) => i.functionName === S.reconcileFunction);
      expect(fanOut.map((i) => [i.source, i.ok])).toEqual([['timer:hourly', true]]);
      const runs = regionRuns(c);
      expect(runs.map((r) => [r.record.source, r.task.regionId, r.task.mode]).sort()).toEqual([
        ['api', REGION, 'enforce'],
        ['api', SHANGHAI, 'enforce'],
      ]);
      expect(new Set(runs.map((r) => r.task.runId)).size).toBe(1);
      expect(holdings(c, 3)).toEqual({ 'eni-t0000p': 1, 'eni-t0001p': 1, 'eni-t0002p': 1 });
      expect(holdings(c, 2, SHANGHAI)).toEqual({ 'eni-sh0': 1, 'eni-sh1': 1 });
      for (const r of runs) {
        const report = assertReport(r.report);
        expect([report.regions, report.mode, report.run.complete, report.totals.coveragePercent]).toEqual([[r.task.regionId], 'enforce', true, 100]);
        expect(report.totals.statuses.applied).toBe(r.task.regionId === REGION ? 3 : 2);
        expect(report.run.apiCalls).toBeGreaterThan(0);
      }

      // Each region's Markdown summary went to the report topic, and so to the queue subscribed to it.
      const inbox = new MnsQueue(clientConfig(c), INBOX);
      const got = await inbox.receive(16);
      expect(got.map((m) => m.body).sort()).toEqual(runs.map((r) => r.markdown).sort());
      expect(got[0].body).toMatch(
        /^## automirror drift report\n\n### Unapproved mirroring\nNo unapproved mirroring; [^\n]*\n\n\*\*Opted-in coverage 100\.0% \(\d of \d ENIs a rule selects\) · fleet coverage /,
      );
    });
  });

  it('starts nothing twice when the same firing is delivered again (run id from the trigger time, FC task dedup)', async () => {
    await withApp({ world: appWorld(2, 1), env: TWO_REGIONS }, async (c) => {
      const firing = Buffer.from(JSON.stringify({ triggerTime: '2026-11-25T21:00:00Z', triggerName: 'hourly', payload: '{"mode":"report"}' }));
      const first = JSON.parse((await c.fc.invoke(S.reconcileFunction, firing)).body.toString());
      const again = JSON.parse((await c.fc.invoke(S.reconcileFunction, firing)).body.toString());
      await settle(c);
      expect(first.regions.map((r: { started: boolean }) => r.started)).toEqual([true, true]);
      expect(again).toMatchObject({ runId: first.runId, regions: [{ started: false }, { started: false }] });
      expect(regionRuns(c)).toHaveLength(2);
      expect(regionRuns(c).every((r) => r.report?.mode === 'report')).toBe(true);
    });
  });

  it('refuses a payload it cannot trust, once, without retries', async () => {
    await withApp({ world: appWorld(1) }, async (c) => {
      const bad = [
        { regionId: 'cn-hangzhou; rm -rf', mode: 'report', runId: 'x' },
        { regionId: REGION, mode: 'destroy', runId: 'x' },
        { regionId: REGION, mode: 'report', runId: 'x', extra: 1 },
      ];
      for (const payload of bad) {
        const out = JSON.parse((await c.fc.invoke(S.reconcileRegionFunction, Buffer.from(JSON.stringify(payload)))).body.toString());
        expect(out.dropped).toBeTruthy();
      }
      expect(c.controls.calls.list()).toEqual([]);
    });
  });
});

describe('the fan-out through FC 2.0 (@alicloud/fc2)', () => {
  it('reaches reconcile-region in the FC 2.0 service it runs in', async () => {
    const env = { reconcile: { ...TWO_REGIONS.reconcile, AUTOMIRROR_INVOKER: 'fc2', AUTOMIRROR_FC2_SERVICE: 'automirror' } };
    await withApp({ world: appWorld(2, 1), env }, async (c) => {
      c.fc.timers.fire(S.reconcileFunction, 'hourly');
      await settle(c);
      expect(
        regionRuns(c)
          .map((r) => [r.task.regionId, r.record.ok])
          .sort(),
      ).toEqual([
        [REGION, true],
        [SHANGHAI, true],
      ]);
      expect(holdings(c, 2)).toEqual({ 'eni-t0000p': 1, 'eni-t0001p': 1 });
      expect(holdings(c, 1, SHANGHAI)).toEqual({ 'eni-sh0': 1 });
    });
  });

  it('reports a reused task id as not started, as the FC 3.0 adapter does', async () => {
    await withApp({ world: appWorld(1) }, async (c) => {
      const task = { regionId: REGION, mode: 'report' as const, runId: 'dup' };
      const fc2 = invokerFor('fc2', { ...clientConfig(c), fcEndpoint: c.endpoints.fc2 }, 'automirror');
      const fc3 = new Fc3Invoker(clientConfig(c));
      expect((await fc2.invokeAsync(S.reconcileRegionFunction, task, { taskId: taskIdOf(task) })).started).toBe(true);
      expect(await fc2.invokeAsync(S.reconcileRegionFunction, task, { taskId: taskIdOf(task) })).toEqual({ requestId: '', started: false });
      expect(await fc3.invokeAsync(S.reconcileRegionFunction, task, { taskId: taskIdOf(task) })).toEqual({ requestId: '', started: false });
      await settle(c);
      expect(regionRuns(c)).toHaveLength(1);
    });
  });
});

describe('the failed-events queue', () => {
  it('is drained into the report that is published, and emptied only then', async () => {
    await withApp({ world: appWorld(1), subscriber: INBOX }, async (c) => {
      const failed = new MnsQueue(clientConfig(c), S.failedQueue);
      await failed.send(fcFailure('evt-1', 'Throttling.User: flow control'));
      await failed.send('not json at all');
      await c.fc.invoke(S.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode: 'report', runId: 'drain' })));
      await settle(c);
      const [run] = regionRuns(c);
      expect(run.report?.failedEvents.map((f) => [f.origin?.id, f.error])).toEqual(
        expect.arrayContaining([
          ['evt-1', 'UnhandledInvocationError; CloudError: Throttling.User: flow control'],
          [undefined, 'not an FC async-invocation failure record; see the excerpt'],
        ]),
      );
      expect(run.report?.totals.failedEvents).toBe(2);
      expect(run.markdown).toContain('2 failed events drained from the failed-events queue');
      expect(await failed.receive(16)).toEqual([]);
      expect((await new MnsQueue(clientConfig(c), INBOX).receive(1))[0].body).toBe(run.markdown);
    });
  });

  it('reads each message on its own: unreadable ones are reported as such (id, size) and deleted, the rest drain', async () => {
    await withApp({ world: appWorld(1), subscriber: INBOX }, async (c) => {
      const failed = new MnsQueue(clientConfig(c), S.failedQueue);
      // Nesting the failed payload deep enough to overflow any recursive reader, just under MNS's 64 KiB.
      const deep = (n: number) => JSON.stringify({ requestContext: { condition: 'UnhandledInvocationError' }, requestPayload: `${'['.repeat(n)}${']'.repeat(n)}` });
      const bodies = [
        fcFailure('evt-a', 'Throttling.User: flow control'),
        deep(30_000),
        'not json at all',
        fcFailure('evt-b', 'ServiceUnavailable'),
        '{"requestContext": ',
        deep(16_000),
        JSON.stringify({ requestContext: { approximateInvokeCount: { toString: null } }, requestPayload: { toString: null, valueOf: null, __proto__: [] }, responsePayload: [[[]]] }),
        fcFailure('evt-c', 'InternalError'),
      ];
      const ids: string[] = [];
      for (const body of bodies) ids.push(await failed.send(body));
      // Sent through the MNS SDK as is (it escapes nothing): the markup is read as XML on the way, not as the body.
      const raw = await mnsClient(clientConfig(c));
      const sentRaw = (await raw.sendMessage(S.failedQueue, { MessageBody: '<Evil><Nested>1</Nested></Evil>', DelaySeconds: 0, Priority: 8 })) as { body?: { MessageId?: string } };
      const rawId = String(sentRaw.body?.MessageId);
      await c.fc.invoke(S.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode: 'report', runId: 'poison' })));
      await settle(c);
      const [run] = regionRuns(c);
      expect(run.report?.errors).toEqual([]);
      const byId = new Map(run.report?.failedEvents.map((f) => [f.messageId, f]));
      // Every message is in the report once, as sent.
      expect([...byId.keys()].sort()).toEqual([...ids, rawId].sort());
      ids.forEach((id, i) => expect(byId.get(id)?.bodyLength).toBe(bodies[i].length));
      expect([0, 3, 7].map((i) => byId.get(ids[i])?.origin?.id)).toEqual(['evt-a', 'evt-b', 'evt-c']);
      for (const i of [1, 2, 4, 5, 6]) expect(byId.get(ids[i])?.error).toEqual(expect.any(String));
      expect(byId.get(rawId)?.error).toEqual(expect.any(String));
      expect(run.report?.totals.failedEvents).toBe(bodies.length + 1);
      expect(await failed.receive(16)).toEqual([]);

      // The next report starts from an empty queue.
      await c.fc.invoke(S.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode: 'report', runId: 'after-poison' })));
      await settle(c);
      const next = regionRuns(c)[1];
      expect(next.report?.failedEvents).toEqual([]);
      expect(next.report?.errors).toEqual([]);
    });
  });

  it('that cannot be read becomes an error in the report, which is still published', async () => {
    await withApp({ world: appWorld(1), subscriber: INBOX, env: { 'reconcile-region': { AUTOMIRROR_FAILED_QUEUE: 'no-such-queue' } } }, async (c) => {
      await c.fc.invoke(S.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode: 'report', runId: 'no-queue' })));
      const [run] = regionRuns(c);
      expect(run.report?.errors).toEqual([{ context: 'drain failed-events queue', code: 'QueueNotExist', message: expect.any(String) }]);
      expect((await new MnsQueue(clientConfig(c), INBOX).receive(1))[0].body).toBe(run.markdown);
    });
  });
});

describe('a region that cannot finish in one invocation', () => {
  // Each create takes 1.5 s and a part may start work for 1 s: a part starts one round of 8 creates (apply's
  // concurrency) and hands the rest off, so 20 ENIs take 3 parts (more on a machine so loaded that a scan
  // outlasts a part's second).
  const N = 20;
  const slow = (maxParts: string) => ({
    world: appWorld(N, 0, { faults: [{ operation: 'CreateTrafficMirrorSession', latencyMs: 1500 }] }),
    env: { 'reconcile-region': { AUTOMIRROR_RECONCILE_PART_SECONDS: '1', AUTOMIRROR_RECONCILE_MAX_PARTS: maxParts } },
    subscriber: INBOX,
  });
  it('ends the run with its report when the hand-off is refused, saying why', async () => {
    const opts = slow('8');
    const env = { 'reconcile-region': { ...opts.env['reconcile-region'], AUTOMIRROR_RECONCILE_REGION_FUNCTION: 'no-such-function' } };
    await withApp({ ...opts, env }, async (c) => {
      start(c);
      await settle(c);
      const runs = regionRuns(c);
      expect(runs).toHaveLength(1);
      const report = assertReport(runs[0].report);
      expect(report.run).toMatchObject({ complete: false, truncated: true, handedOff: [] });
      expect(report.errors).toEqual([{ regionId: REGION, context: 'hand-off to part 2', code: 'FunctionNotFound', message: expect.any(String) }]);
      expect(await new MnsQueue(clientConfig(c), INBOX).receive(16)).toHaveLength(1);
    });
  }, 60_000);

  const start = (c: LocalCloud) => c.fc.invokeAsync(S.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode: 'enforce', runId: 'long' })));

  it('continues from checkpoints in follow-up invocations until done: one session per ENI, one summary published', async () => {
    await withApp(slow('8'), async (c) => {
      start(c);
      await settle(c);
      const runs = regionRuns(c);
      expect(runs.length).toBeGreaterThanOrEqual(3);
      expect(runs.map((r) => r.task.checkpoint?.part ?? 1)).toEqual(runs.map((_, i) => i + 1));
      expect(new Set(runs.map((r) => r.task.runId))).toEqual(new Set(['long']));
      const reports = runs.map((r) => assertReport(r.report));
      // A task that names no account is the deployment's own; the parts it hands off to name it (the unit of work).
      const acct = c.state.accountId;
      expect(runs.slice(1).every((r) => r.task.accountId === acct)).toBe(true);
      reports.slice(0, -1).forEach((r, i) => expect([r.run.complete, r.run.handedOff]).toEqual([false, [`long/${acct}/${REGION}/part-${i + 2}`]]));
      const last = reports[reports.length - 1];
      expect([last.run.complete, last.run.continuedFrom, last.totals.coveragePercent]).toEqual([true, [`long/${acct}/${REGION}/part-${runs.length}`], 100]);
      expect(mergeReports(reports).run).toMatchObject({ complete: true, continuedFrom: [], handedOff: [], parts: runs.length });
      expect(Object.values(holdings(c, N))).toEqual(Array(N).fill(1));
      expect(c.controls.calls.list({ action: 'CreateTrafficMirrorSession' }).filter((x) => x.code === 'OK')).toHaveLength(N);
      expect(await new MnsQueue(clientConfig(c), INBOX).receive(16)).toHaveLength(1);
    });
  }, 60_000);

  it('stops at the configured number of parts and says the run is incomplete', async () => {
    await withApp(slow('2'), async (c) => {
      start(c);
      await settle(c);
      const runs = regionRuns(c);
      expect(runs).toHaveLength(2);
      const last = assertReport(runs[1].report);
      expect(last.run).toMatchObject({ complete: false, truncated: true, handedOff: [] });
      const made = Object.values(holdings(c, N)).filter((n) => n === 1).length;
      expect(made).toBeLessThanOrEqual(16);
      expect(last.totals.statuses.deferred).toBe(N - made);
      expect(runs[1].markdown).toContain('Run: incomplete: a scan stopped early');
      expect(await new MnsQueue(clientConfig(c), INBOX).receive(16)).toHaveLength(1);
    });
  }, 60_000);
});

// DEBUG=* makes the SDKs' `debug` logs print request headers, the STS token among them (the MNS client's
// `request headers: %j`). The functions clear DEBUG before any SDK loads (shared/middleware/clear-debug.ts).
describe('a function deployed with DEBUG=*', () => {
  it('logs no secret of its role: the hourly run (FC invoke, MNS receive and publish) prints neither token nor key secret', async () => {
    await withApp({ world: appWorld(2), env: { reconcile: { DEBUG: '*' }, 'reconcile-region': { DEBUG: '*' } } }, async (c) => {
      c.fc.timers.advance((c.fc.timers.nextFiring(S.reconcileFunction, 'hourly') as number) - c.fc.timers.now());
      await c.platform.idle();
      const runs = c.fc.invocations.filter((i) => i.functionName === S.reconcileRegionFunction);
      expect(runs.map((r) => r.ok)).toEqual([true]);
      const secrets = [S.reconcileFunction, S.reconcileRegionFunction].flatMap((f) => {
        const k = c.fc.get(f).credentials;
        return [k.securityToken, k.accessKeySecret].filter((x): x is string => Boolean(x));
      });
      expect(secrets.length).toBeGreaterThan(2);
      const logs = c.platform.logs.join('\n');
      expect(logs).toContain(`[${S.reconcileRegionFunction}]`);
      for (const s of secrets) expect(logs).not.toContain(s);
    });
  }, 60_000);
});
