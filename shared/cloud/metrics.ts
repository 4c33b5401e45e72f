import { PutCustomMetricRequest, PutCustomMetricRequestMetricList } from '@alicloud/cms20190101/dist/models/PutCustomMetricRequest';
import { PutCustomMetricResponse } from '@alicloud/cms20190101/dist/models/PutCustomMetricResponse';
import type { Logger } from '../middleware/logger.js';
import type { MetricPoint } from '../report/metrics.js';
import type { CloudConfig } from './config.js';
import { cloudCall, serviceError, toCloudError } from './errors.js';
import { CMS, PopClient } from './pop-client.js';

/** Where metrics go. */
export interface MetricsSink {
  put(points: readonly MetricPoint[]): Promise<void>;
}

/** PutCustomMetric takes MetricList.N for N 1–21 (https://www.alibabacloud.com/help/doc-detail/115004.html). */
export const METRICS_PER_CALL = 21;

/**
 * CloudMonitor custom metrics through PutCustomMetric, METRICS_PER_CALL a call, raw values (`Type` 0:
 * `{"value": x}`, which CloudMonitor aggregates per period). `groupId` is the application group, or 0 for none
 * (the request's documented value for a metric of no group).
 */
export class CmsMetrics implements MetricsSink {
  private readonly pop: PopClient;

  constructor(
    private readonly cfg: CloudConfig,
    private readonly groupId: string,
  ) {
    this.pop = new PopClient(CMS, cfg);
  }

  async put(points: readonly MetricPoint[]): Promise<void> {
    for (let i = 0; i < points.length; i += METRICS_PER_CALL) {
      const metricList = points.slice(i, i + METRICS_PER_CALL).map(
        (p) =>
          new PutCustomMetricRequestMetricList({
            groupId: this.groupId,
            metricName: p.name,
            // Ordered as given: the docs ask for the dimensions "in order".
            dimensions: JSON.stringify(p.dimensions),
            time: String(p.time),
            type: '0',
            values: JSON.stringify({ value: p.value }),
          }),
      );
      const req = new PutCustomMetricRequest({ regionId: this.cfg.regionId, metricList });
      const res = await cloudCall(() => this.pop.call('PutCustomMetric', req, new PutCustomMetricResponse({})));
      // CloudMonitor may answer a refusal in the body (Code other than 200) with HTTP 200.
      const code = res.body?.code;
      if (code !== undefined && code !== '200') throw serviceError(`Cms.${code}`, res.body?.message ?? 'PutCustomMetric refused');
    }
  }
}

/** What publishing came to: how many points went out, and the failure that stopped the rest. */
export interface Published {
  readonly points: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Publishes and never throws: metrics watch the work, they are not the work, so a failure (after the call policy's
 * retries) is a warning in the log and in the invocation's result, and the report and result stand. The next run
 * publishes its own figures; nothing is queued.
 */
export async function publishMetrics(sink: MetricsSink, points: readonly MetricPoint[], log: Pick<Logger, 'warn'>): Promise<Published> {
  try {
    await sink.put(points);
    return { points: points.length };
  } catch (err) {
    const e = toCloudError(err);
    log.warn('metrics not published', { code: e.code, message: e.message, points: points.length });
    return { points: 0, error: { code: e.code, message: e.message } };
  }
}
