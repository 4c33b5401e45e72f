import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { createHistoryBucket, historyKey, OssHistoryStore } from '../../shared/cloud/history-store.js';
import { HISTORY_MAX_BYTES, parseHistory } from '../../shared/report/history.js';
import type { DriftReport } from '../../shared/report/model.js';
import { assertReport } from '../../shared/report/validate.js';
import { DEFAULT_SETTINGS as S } from '../../shared/settings.js';
import { REGION, sessionsIn } from '../engine/cloud.js';
import { DEMO_KEY, ecsClient, vpcClient, waitFor } from '../support/localcloud.js';
import { appWorld, buildApp, eniId, instanceId, POLICY, regionRuns, removeScratch, scratch, startApp } from './app.js';

/**
 * reconcile-region as deployed (built bundle, s.yaml, FC on localcloud) with a history bucket: consecutive runs of
 * a region, and what each report says changed since the one before; a history object someone broke.
 */

const BUCKET = 'automirror-history-test';
let dir: string;
beforeAll(() => {
  dir = scratch();
  buildApp(dir);
  writeFileSync(join(dir, 'policy.yaml'), `${POLICY}\noptOut: { tag: automirror, value: "off" }\n`);
}, 60_000);
afterAll(() => removeScratch(dir));

async function withHistoryApp(test: (c: LocalCloud, store: OssHistoryStore) => Promise<void>): Promise<void> {
  const c = await startApp(dir, { world: appWorld(3), env: { 'reconcile-region': { AUTOMIRROR_HISTORY_BUCKET: BUCKET } } });
  try {
    const cfg = { regionId: REGION, credentials: DEMO_KEY, bucket: BUCKET, ossEndpoint: c.endpoints.oss };
    await createHistoryBucket(cfg);
    await test(c, new OssHistoryStore(cfg, historyKey(c.state.accountId, REGION)));
  } finally {
    await c.close();
  }
}

/** One reconcile of the region through FC, as the fan-out starts it; its report. */
async function reconcile(c: LocalCloud, mode: 'report' | 'enforce', runId: string): Promise<DriftReport> {
  await c.fc.invoke(S.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode, runId })));
  await c.platform.idle();
  const run = regionRuns(c).at(-1);
  expect(run?.record.ok, run?.record.errorMessage).toBe(true);
  return assertReport(run?.report);
}

const named = (list: ReadonlyArray<{ eniId: string }> | undefined) => list?.map((e) => e.eniId);

describe('the change since the previous run, kept in OSS', () => {
  it('is absent on the first run, then names the ENIs fixed, newly unmirrored and newly opted out', async () => {
    await withHistoryApp(async (c, store) => {
      const first = await reconcile(c, 'report', 'h1');
      expect(first.change).toBeUndefined();
      expect(first.errors).toEqual([]);
      expect(first.totals).toMatchObject({ unmirrored: 3, coveragePercent: 0 });

      const second = await reconcile(c, 'enforce', 'h2');
      expect(second.change).toMatchObject({ previousRunAt: first.run.finishedAt, previousCoveragePercent: 0, counts: { newUnmirrored: 0, fixed: 3, newOptOuts: 0 } });
      expect(named(second.change?.fixed)).toEqual([eniId(0), eniId(1), eniId(2)]);

      // Between runs: someone deletes eni-t0001p's session, and opts eni-t0002p's instance out.
      const session = await waitFor(() => sessionsIn(c).find((s) => s.trafficMirrorSourceIds.includes(eniId(1)) && s.status === 'Created'));
      await vpcClient(c).deleteTrafficMirrorSession(new $Vpc.DeleteTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: session.trafficMirrorSessionId }));
      await ecsClient(c).tagResources(
        new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: [instanceId(2)], tag: [new $Ecs.TagResourcesRequestTag({ key: 'automirror', value: 'off' })] }),
      );
      await waitFor(() => !sessionsIn(c).some((s) => s.trafficMirrorSessionId === session.trafficMirrorSessionId));

      const third = await reconcile(c, 'report', 'h3');
      expect(third.change).toEqual({
        previousRunAt: second.run.finishedAt,
        previousCoveragePercent: 100,
        previousCounts: { mirrored: 3, unmirrored: 0, optedOut: 0 },
        newUnmirrored: [{ eniId: eniId(1), regionId: REGION, rule: 'web' }],
        fixed: [],
        newOptOuts: [{ eniId: eniId(2), regionId: REGION, rule: 'web' }],
        counts: { newUnmirrored: 1, fixed: 0, newOptOuts: 1 },
      });

      const kept = parseHistory((await store.get(HISTORY_MAX_BYTES)) ?? '');
      expect(kept.runs.map((r) => [r.runId, r.coveragePercent])).toEqual([
        [`${c.state.accountId}-h1`, 0],
        [`${c.state.accountId}-h2`, 100],
        [`${c.state.accountId}-h3`, third.totals.coveragePercent],
      ]);
    });
  });

  it('reports a history object someone broke or blew up, starts a fresh one, and still reconciles', async () => {
    await withHistoryApp(async (c, store) => {
      for (const [what, body] of [
        ['not JSON', '{"schema": "automirror.report-history", "runs": [ {'],
        ['oversized', `${' '.repeat(HISTORY_MAX_BYTES)}{}`],
      ]) {
        await store.put(body);
        const report = await reconcile(c, 'enforce', `broken-${what.replace(/\W/g, '')}`);
        expect(report.change, what).toBeUndefined();
        expect(report.errors, what).toEqual([
          { regionId: REGION, context: `read the report history ${store.where} (starting a fresh one)`, message: expect.stringMatching(/^the report history is unreadable: /) },
        ]);
        expect(report.totals.coveragePercent, what).toBe(100);
        expect(parseHistory((await store.get(HISTORY_MAX_BYTES)) ?? '').runs).toHaveLength(1);
      }
      // The next run compares with the fresh history's run.
      const next = await reconcile(c, 'report', 'after');
      expect(next.errors).toEqual([]);
      expect(next.change?.counts).toEqual({ newUnmirrored: 0, fixed: 0, newOptOuts: 0 });
    });
  });

  it('turns a store it cannot reach into report errors, never a failed reconcile', async () => {
    const c = await startApp(dir, { world: appWorld(1), env: { 'reconcile-region': { AUTOMIRROR_HISTORY_BUCKET: 'no-such-bucket' } } });
    try {
      const report = await reconcile(c, 'enforce', 'no-bucket');
      expect(report.change).toBeUndefined();
      expect(report.errors.map((e) => [e.context, e.code])).toEqual([
        [`read the report history oss://no-such-bucket/${historyKey(c.state.accountId, REGION)} (starting a fresh one)`, 'NoSuchBucket'],
        [`write the report history oss://no-such-bucket/${historyKey(c.state.accountId, REGION)}`, 'NoSuchBucket'],
      ]);
      expect(report.totals.mirrored).toBe(1);
    } finally {
      await c.close();
    }
  });
});
