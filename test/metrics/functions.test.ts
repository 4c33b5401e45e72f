import { readFileSync, writeFileSync } from 'node:fs';
import * as $Ecs from '@alicloud/ecs20140526';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { LocalCloud } from '../../localcloud/index.js';
import { METRIC } from '../../shared/report/metrics.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { type BuiltApp, buildApp, ecsClient, eventually, REGION, startEventPath } from '../event-path/support.js';

// The deployed functions (built bundles, the repo's s.yaml with AUTOMIRROR_METRICS=on) publish to localcloud's
// CloudMonitor: a region reconcile its counts, the event path a launch's time to mirror.
let app: BuiltApp;
let cloud: LocalCloud;

beforeAll(async () => {
  app = buildApp();
  const doc = parseDocument(readFileSync(app.sYaml, 'utf8'));
  for (const fn of ['on-event', 'reconcile-region']) doc.setIn(['resources', fn, 'props', 'environmentVariables', 'AUTOMIRROR_METRICS'], 'on');
  writeFileSync(app.sYaml, doc.toString());
  cloud = await startEventPath(app);
}, 120_000);
afterAll(async () => {
  await cloud?.close();
  app?.remove();
});

const account = () => cloud.state.accountId;

describe('metrics from the deployed functions', () => {
  it('a region reconcile publishes its counts, readable back from CloudMonitor', async () => {
    const out = await cloud.fc.invoke(DEFAULT_SETTINGS.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode: 'report', runId: 'm1' })));
    await cloud.platform.idle();
    expect(out.ok, out.error?.errorMessage).toBe(true);
    const { report, metrics } = JSON.parse(out.body.toString('utf8'));
    expect(metrics.error).toBeUndefined();
    expect(metrics.points).toBeGreaterThan(0);
    const region = { account: account(), region: REGION };
    const last = (name: string, where: Record<string, string> = region) => cloud.cms.pointsOf(name, where).at(-1)?.values.value;
    expect(last(METRIC.mirrored)).toBe(report.totals.mirrored);
    expect(last(METRIC.unmirrored)).toBe(report.totals.unmirrored);
    expect(last(METRIC.optedOut)).toBe(report.totals.optedOut);
    expect(last(METRIC.coverage)).toBe(report.totals.coveragePercent);
    expect(last(METRIC.reconciles)).toBe(1);
    expect(last(METRIC.unapproved)).toBe(report.foreignSessions.unapproved.length);
    expect(last(METRIC.failedEvents, { account: account() })).toBe(report.failedEvents.length);
    expect(cloud.cms.pointsOf(METRIC.mirrored, { ...region, rule: 'mirror-tagged' })).toHaveLength(1);
    expect(cloud.cms.pointsOf(METRIC.collectorSources, { ...region, collector: 'lb-collector01' })).toHaveLength(1);
  });

  it('a launch publishes its time to mirror: launch event → session Created', async () => {
    const r = await ecsClient(cloud).runInstances(
      new $Ecs.RunInstancesRequest({
        regionId: REGION,
        imageId: 'aliyun_3_x64_20G_alibase_20240819.vhd',
        instanceType: 'ecs.g7.large',
        vSwitchId: 'vsw-prod-h',
        securityGroupId: 'sg-prod01',
        tag: [new $Ecs.RunInstancesRequestTag({ key: 'mirror', value: 'on' })],
      }),
    );
    const instanceId = r.body?.instanceIdSets?.instanceIdSet?.[0] ?? '';
    const points = await eventually(
      () => cloud.cms.pointsOf(METRIC.timeToMirror, { account: account(), region: REGION }).length > 0 && cloud.cms.pointsOf(METRIC.timeToMirror),
      60_000,
      `time to mirror of ${instanceId}`,
    );
    await cloud.platform.idle();
    const eniIds = cloud.state.region(REGION).instances.get(instanceId)?.eniIds ?? [];
    const made = [...cloud.state.region(REGION).sessions.values()].filter((s) => s.trafficMirrorSourceIds.some((e) => eniIds.includes(e)));
    expect(made.map((s) => s.status)).toEqual(['Created']);
    // At least the cloud's own asynchronous step (Creating → Created) lies between the event and the point.
    expect(points[0].values.value).toBeGreaterThanOrEqual(cloud.state.options.asyncDelayMs / 1000);
    expect(points[0].values.value).toBeLessThan(60);
  });
});
