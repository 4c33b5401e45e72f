import { DeleteMetricRulesRequest } from '@alicloud/cms20190101/dist/models/DeleteMetricRulesRequest';
import { DeleteMetricRulesResponse } from '@alicloud/cms20190101/dist/models/DeleteMetricRulesResponse';
import { DescribeMetricRuleListRequest } from '@alicloud/cms20190101/dist/models/DescribeMetricRuleListRequest';
import { DescribeMetricRuleListResponse } from '@alicloud/cms20190101/dist/models/DescribeMetricRuleListResponse';
import { PutResourceMetricRuleRequest, PutResourceMetricRuleRequestEscalations, PutResourceMetricRuleRequestEscalationsCritical } from '@alicloud/cms20190101/dist/models/PutResourceMetricRuleRequest';
import { PutResourceMetricRuleResponse } from '@alicloud/cms20190101/dist/models/PutResourceMetricRuleResponse';
import type { CloudConfig } from '../../shared/cloud/config.js';
import { cloudCall, serviceError } from '../../shared/cloud/errors.js';
import { CMS, PopClient } from '../../shared/cloud/pop-client.js';
import { METRIC } from '../../shared/report/metrics.js';
import { UsageError } from '../args.js';
import type { WiringChange } from './event-triggers.js';

/** One alarm rule on automirror's custom metrics: one Critical escalation on one metric of the account. */
export interface AlarmRule {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly metricName: string;
  readonly comparisonOperator: 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly statistics: 'Maximum' | 'Minimum' | 'Sum';
  readonly threshold: number;
  /** Seconds the statistic is taken over. */
  readonly period: number;
  /** What no data at all means: `INSUFFICIENT_DATA` raises an alarm (the heartbeat), `KEEP_LAST_STATE` does not. */
  readonly noDataPolicy: 'KEEP_LAST_STATE' | 'INSUFFICIENT_DATA';
}

export interface AlarmOptions {
  readonly accountId: string;
  /** The CloudMonitor alert contact group notified (it must exist: the console's Alert Contacts). */
  readonly contactGroup: string;
  /** Coverage % below which the coverage alarm fires. */
  readonly coverageThreshold: number;
  /** A collector's sources as % of its capacity above which the capacity alarm fires. */
  readonly collectorThreshold: number;
}

export const ALARM_DEFAULTS = { coverageThreshold: 95, collectorThreshold: 80 } as const;

/**
 * The four alarms. The scheduled reconcile runs hourly, so each is over an hour, except the heartbeat's, over two:
 * `automirror_reconciles` (1 per region per reconcile) summed below 1, and no data at all raising the alarm too
 * (NoDataPolicy INSUFFICIENT_DATA, PutResourceMetricRule of the CloudMonitor 2019-01-01 API), since
 * a reconcile that never runs publishes nothing.
 */
export function alarmRules(o: AlarmOptions): AlarmRule[] {
  checkOptions(o);
  return [
    {
      ruleId: 'automirror-coverage',
      ruleName: `automirror: coverage below ${o.coverageThreshold} %`,
      metricName: METRIC.coverage,
      comparisonOperator: 'LessThanThreshold',
      statistics: 'Minimum',
      threshold: o.coverageThreshold,
      period: 3600,
      noDataPolicy: 'KEEP_LAST_STATE',
    },
    {
      ruleId: 'automirror-dead-letters',
      ruleName: 'automirror: failed events waiting',
      metricName: METRIC.failedEvents,
      comparisonOperator: 'GreaterThanThreshold',
      statistics: 'Maximum',
      threshold: 0,
      period: 3600,
      noDataPolicy: 'KEEP_LAST_STATE',
    },
    {
      ruleId: 'automirror-no-reconcile',
      ruleName: 'automirror: no reconcile for 2 hours',
      metricName: METRIC.reconciles,
      comparisonOperator: 'LessThanThreshold',
      statistics: 'Sum',
      threshold: 1,
      period: 7200,
      noDataPolicy: 'INSUFFICIENT_DATA',
    },
    {
      ruleId: 'automirror-collector-capacity',
      ruleName: `automirror: collector above ${o.collectorThreshold} % of capacity`,
      metricName: METRIC.collectorUsage,
      comparisonOperator: 'GreaterThanThreshold',
      statistics: 'Maximum',
      threshold: o.collectorThreshold,
      period: 3600,
      noDataPolicy: 'KEEP_LAST_STATE',
    },
  ];
}

export const ALARM_IDS: readonly string[] = alarmRules({ accountId: '1', contactGroup: 'x', ...ALARM_DEFAULTS }).map((r) => r.ruleId);

function checkOptions(o: AlarmOptions): void {
  const percent = (v: number, flag: string) => {
    if (!Number.isFinite(v) || v < 0 || v > 100) throw new UsageError(`${flag} must be a percentage from 0 to 100, not ${String(v).slice(0, 20)}`);
  };
  percent(o.coverageThreshold, '--coverage-threshold');
  percent(o.collectorThreshold, '--collector-threshold');
  // A contact group name as the console takes it; anything else (quotes, control characters) is refused, not sent.
  if (!/^[\p{L}\p{N}_. -]{1,64}$/u.test(o.contactGroup)) throw new UsageError('--contact-group must name a CloudMonitor alert contact group (1–64 letters, digits, _ . - or spaces)');
  if (!/^\d{1,20}$/.test(o.accountId)) throw new UsageError('--account-id must be the account id (digits): the alarms watch its custom metrics');
}

/** Custom metrics live in the account's own namespace (DescribeCustomMetricList's `project`: acs_customMetric_<uid>). */
const namespaceOf = (accountId: string) => `acs_customMetric_${accountId}`;

function request(rule: AlarmRule, o: AlarmOptions): PutResourceMetricRuleRequest {
  return new PutResourceMetricRuleRequest({
    ruleId: rule.ruleId,
    ruleName: rule.ruleName,
    namespace: namespaceOf(o.accountId),
    metricName: rule.metricName,
    // Every series of the account's metric (whatever its region, rule or collector dimension).
    resources: JSON.stringify([{ userId: o.accountId }]),
    contactGroups: o.contactGroup,
    period: String(rule.period),
    noDataPolicy: rule.noDataPolicy,
    silenceTime: 86_400,
    escalations: new PutResourceMetricRuleRequestEscalations({
      critical: new PutResourceMetricRuleRequestEscalationsCritical({ comparisonOperator: rule.comparisonOperator, statistics: rule.statistics, threshold: String(rule.threshold), times: 1 }),
    }),
  });
}

/** What the request sets, as DescribeMetricRuleList answers it: equal means nothing to update. */
function fingerprint(r: {
  ruleName?: string;
  namespace?: string;
  metricName?: string;
  resources?: string;
  contactGroups?: string;
  period?: string;
  noDataPolicy?: string;
  critical?: { comparisonOperator?: string; statistics?: string; threshold?: string; times?: number };
}): string {
  const c = r.critical ?? {};
  return JSON.stringify([
    r.ruleName,
    r.namespace,
    r.metricName,
    r.resources,
    r.contactGroups,
    String(r.period ?? ''),
    r.noDataPolicy,
    c.comparisonOperator,
    c.statistics,
    String(c.threshold ?? ''),
    c.times,
  ]);
}

const succeeded = (body: { success?: boolean; code?: string | number; message?: string } | undefined, action: string) => {
  if (body?.success === false) throw serviceError(`Cms.${body.code ?? 'Refused'}`, body.message ?? `${action} refused`);
};

async function existing(pop: PopClient, ids: readonly string[]) {
  const res = await cloudCall(() => pop.call('DescribeMetricRuleList', new DescribeMetricRuleListRequest({ ruleIds: ids.join(','), pageSize: 100 }), new DescribeMetricRuleListResponse({})));
  succeeded(res.body, 'DescribeMetricRuleList');
  return new Map((res.body?.alarms?.alarm ?? []).map((a) => [a.ruleId ?? '', a]));
}

/** Creates or updates the four alarm rules (upserted by RuleId); one that already says the same is left unchanged. */
export async function ensureAlarms(cloud: CloudConfig, o: AlarmOptions): Promise<Array<{ ruleId: string; ruleName: string; change: WiringChange }>> {
  const rules = alarmRules(o);
  const pop = new PopClient(CMS, cloud);
  const found = await existing(
    pop,
    rules.map((r) => r.ruleId),
  );
  const out = [];
  for (const rule of rules) {
    const req = request(rule, o);
    const want = fingerprint({ ...req, period: req.period, critical: req.escalations?.critical });
    const had = found.get(rule.ruleId);
    const change: WiringChange = !had
      ? 'created'
      : fingerprint({ ...had, period: had.period === undefined ? undefined : String(had.period), critical: had.escalations?.critical }) === want
        ? 'unchanged'
        : 'updated';
    if (change !== 'unchanged') succeeded((await cloudCall(() => pop.call('PutResourceMetricRule', req, new PutResourceMetricRuleResponse({})))).body, 'PutResourceMetricRule');
    out.push({ ruleId: rule.ruleId, ruleName: rule.ruleName, change });
  }
  return out;
}

/** Deletes automirror's alarm rules (by their fixed ids), and only those. */
export async function removeAlarms(cloud: CloudConfig): Promise<Array<{ ruleId: string; change: WiringChange }>> {
  const pop = new PopClient(CMS, cloud);
  const found = await existing(pop, ALARM_IDS);
  const gone = ALARM_IDS.filter((id) => found.has(id));
  if (gone.length > 0) succeeded((await cloudCall(() => pop.call('DeleteMetricRules', new DeleteMetricRulesRequest({ id: gone }), new DeleteMetricRulesResponse({})))).body, 'DeleteMetricRules');
  return ALARM_IDS.map((ruleId) => ({ ruleId, change: found.has(ruleId) ? 'deleted' : 'absent' }));
}
