import { DescribeCustomMetricListRequest } from '@alicloud/cms20190101/dist/models/DescribeCustomMetricListRequest';
import { DescribeCustomMetricListResponse } from '@alicloud/cms20190101/dist/models/DescribeCustomMetricListResponse';
import { PutCustomMetricRequest, PutCustomMetricRequestMetricList } from '@alicloud/cms20190101/dist/models/PutCustomMetricRequest';
import { PutCustomMetricResponse } from '@alicloud/cms20190101/dist/models/PutCustomMetricResponse';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { CmsMetrics, METRICS_PER_CALL, publishMetrics } from '../../shared/cloud/metrics.js';
import { CMS, PopClient } from '../../shared/cloud/pop-client.js';
import { metricsAdapter } from '../../shared/engine/call-policy.js';
import { DEMO_KEY, withCloud } from '../support/localcloud.js';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await withCloud();
});
afterAll(() => cloud?.close());
beforeEach(() => {
  cloud.cms.points.length = 0;
  cloud.controls.setFaults([]);
});

const cfg = () => ({ regionId: 'cn-hangzhou', credentials: DEMO_KEY, endpoint: cloud.endpoint });
const point = (i: number) => ({ name: 'automirror_mirrored_enis', dimensions: { account: '1', region: 'cn-hangzhou', rule: `r${i}` }, value: i, time: 1_700_000_000_000 + i });
const putCalls = () => cloud.controls.calls.list().filter((c) => c.action === 'PutCustomMetric');

describe('custom metrics through PutCustomMetric to localcloud’s CloudMonitor', () => {
  it('splits more than 21 points into calls of at most 21, and every point reads back', async () => {
    const before = putCalls().length;
    await new CmsMetrics(cfg(), '0').put(Array.from({ length: 50 }, (_, i) => point(i)));
    const calls = putCalls().slice(before);
    expect(calls.map((c) => Object.keys(c.params).filter((k) => /^MetricList\.\d+\.MetricName$/.test(k)).length)).toEqual([21, 21, 8]);
    expect(cloud.cms.pointsOf('automirror_mirrored_enis')).toHaveLength(50);
    expect(cloud.cms.pointsOf('automirror_mirrored_enis', { rule: 'r7' })).toMatchObject([{ groupId: '0', values: { value: 7 }, time: 1_700_000_000_007, type: 0 }]);
    // And through the documented read-back: the metrics reported, by name and dimensions.
    const pop = new PopClient(CMS, cfg());
    const res = await pop.call('DescribeCustomMetricList', new DescribeCustomMetricListRequest({ metricName: 'automirror_mirrored_enis', pageSize: '100' }), new DescribeCustomMetricListResponse({}));
    const listed = JSON.parse(res.body?.result ?? '{}');
    expect(listed.all).toBe(50);
    expect(listed.list).toContainEqual({ metricName: 'automirror_mirrored_enis', groupId: 0, dimension: 'account=1&region=cn-hangzhou&rule=r7' });
  });

  it('refuses more than 21 entries in one call, and a bad entry refuses the whole call', async () => {
    const pop = new PopClient(CMS, cfg());
    const entry = (name: string) => new PutCustomMetricRequestMetricList({ groupId: '0', metricName: name, dimensions: '{"a":"b"}', type: '0', values: '{"value":1}' });
    const send = (list: PutCustomMetricRequestMetricList[]) => pop.call('PutCustomMetric', new PutCustomMetricRequest({ regionId: 'cn-hangzhou', metricList: list }), new PutCustomMetricResponse({}));
    await expect(send(Array.from({ length: METRICS_PER_CALL + 1 }, () => entry('ok')))).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(send([entry('ok'), entry('9bad name')])).rejects.toMatchObject({ code: 'InvalidParameter' });
    expect(cloud.cms.points).toEqual([]);
  });

  it('a failure that outlasts the retries is a warning, never a throw; a transient one is retried', async () => {
    const warnings: unknown[] = [];
    const log = { warn: (...a: unknown[]) => void warnings.push(a) };
    cloud.controls.setFaults([{ operation: 'PutCustomMetric', code: 'InternalError', status: 500, count: 1 }]);
    const sink = metricsAdapter(cfg(), '0', { retry: { maxAttempts: 3, baseMs: 1, capMs: 5 } });
    expect(await publishMetrics(sink, [point(1)], log)).toEqual({ points: 1 });
    expect(warnings).toEqual([]);
    cloud.controls.setFaults([{ operation: 'PutCustomMetric', code: 'Forbidden.RAM', status: 403 }]);
    const out = await publishMetrics(sink, [point(2)], log);
    expect(out).toMatchObject({ points: 0, error: { code: 'Forbidden.RAM' } });
    expect(warnings).toHaveLength(1);
    expect(cloud.cms.pointsOf('automirror_mirrored_enis')).toHaveLength(1);
  });
});
