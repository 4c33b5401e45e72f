import { ApiError, invalidParameter } from '../core/api-error.js';
import type { Params } from '../pop/params.js';
import type { PopContext, PopProduct } from '../pop/protocol.js';
import type { CloudState } from '../state.js';

/**
 * CloudMonitor (CMS) 2019-01-01: custom metrics and the alarm rules on them.
 * - PutCustomMetric (https://www.alibabacloud.com/help/doc-detail/115004.html): MetricList.N, "Valid values of N: 1
 *   to 21"; Dimensions and Values JSON objects; MetricName letters, digits and underscores, starting with a letter
 *   (custom monitoring limits, https://www.alibabacloud.com/help/doc-detail/63275.html). localcloud refuses what the
 *   real service would rewrite (it replaces invalid characters): a caller must not depend on the rewrite.
 * - DescribeCustomMetricList (https://help.aliyun.com/document_detail/115005.html): the metrics reported, `Result` a
 *   JSON string as the response model documents it.
 * - PutResourceMetricRule / DescribeMetricRuleList / DeleteMetricRules: alarm rules, upserted by RuleId.
 */
export interface MetricPointRec {
  readonly groupId: string;
  readonly metricName: string;
  /** Dimensions as sent (a JSON object of strings, in order). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly time: number;
  readonly type: 0 | 1;
  readonly period?: number;
  readonly values: Readonly<Record<string, number>>;
  readonly regionId: string;
}

export interface EscalationRec {
  readonly comparisonOperator: string;
  readonly statistics: string;
  readonly threshold: string;
  readonly times: number;
}

export interface AlarmRuleRec {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly resources: string;
  readonly contactGroups: string;
  readonly period?: number;
  readonly noDataPolicy: string;
  readonly silenceTime?: number;
  readonly webhook?: string;
  readonly escalations: Readonly<Partial<Record<'Critical' | 'Warn' | 'Info', EscalationRec>>>;
  readonly gmtCreate: number;
  readonly gmtUpdate: number;
}

/** Most data points localcloud keeps (oldest dropped first): a bound on memory, not an API limit. */
const POINT_LIMIT = 100_000;
export const METRICS_PER_CALL = 21;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const DIMENSION = /^[A-Za-z0-9._\-/\\]{1,64}$/;
const OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanOrEqualToThreshold', 'LessThanThreshold', 'NotEqualToThreshold', 'EqualToThreshold'];
const NO_DATA = ['KEEP_LAST_STATE', 'INSUFFICIENT_DATA', 'OK'];

export class CmsStore {
  readonly points: MetricPointRec[] = [];
  readonly rules = new Map<string, AlarmRuleRec>();

  /** Points of one metric, optionally only those whose dimensions include `where`, oldest first. */
  pointsOf(metricName: string, where: Readonly<Record<string, string>> = {}): MetricPointRec[] {
    return this.points.filter((p) => p.metricName === metricName && Object.entries(where).every(([k, v]) => p.dimensions[k] === v));
  }

  add(points: readonly MetricPointRec[]): void {
    this.points.push(...points);
    if (this.points.length > POINT_LIMIT) this.points.splice(0, this.points.length - POINT_LIMIT);
  }
}

function jsonObject(name: string, raw: string | undefined): Record<string, unknown> {
  if (!raw) throw new ApiError('InvalidParameter', `${name} is mandatory.`);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw invalidParameter(name, 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParameter(name, 'a JSON object');
  return v as Record<string, unknown>;
}

function pointOf(m: Record<string, string>, i: number, regionId: string, now: number): MetricPointRec {
  const at = `MetricList.${i + 1}`;
  const metricName = m.MetricName ?? '';
  if (!NAME.test(metricName)) throw invalidParameter(`${at}.MetricName`, 'letters, digits and underscores, starting with a letter, at most 64');
  const groupId = m.GroupId ?? '';
  if (!/^\d{1,20}$/.test(groupId)) throw invalidParameter(`${at}.GroupId`, 'an application group id, or 0');
  const dims = jsonObject(`${at}.Dimensions`, m.Dimensions);
  const entries = Object.entries(dims);
  if (entries.length === 0) throw invalidParameter(`${at}.Dimensions`, 'at least one dimension');
  for (const [k, v] of entries)
    if (!DIMENSION.test(k) || typeof v !== 'string' || !DIMENSION.test(v)) throw invalidParameter(`${at}.Dimensions`, 'keys and values of 1–64 letters, digits, . - _ / \\');
  const values = jsonObject(`${at}.Values`, m.Values);
  for (const v of Object.values(values)) if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidParameter(`${at}.Values`, 'numbers');
  if (m.Type !== '0' && m.Type !== '1') throw invalidParameter(`${at}.Type`, '0 (raw) or 1 (aggregate)');
  if (m.Type === '1' && m.Period !== '60' && m.Period !== '300') throw invalidParameter(`${at}.Period`, '60 or 300 for aggregate data');
  const time = m.Time ? (/^\d+$/.test(m.Time) ? Number(m.Time) : Date.parse(m.Time)) : now;
  if (!Number.isFinite(time)) throw invalidParameter(`${at}.Time`, 'a millisecond timestamp or an ISO 8601 time');
  return {
    groupId,
    metricName,
    dimensions: dims as Record<string, string>,
    time,
    type: m.Type === '1' ? 1 : 0,
    ...(m.Period ? { period: Number(m.Period) } : {}),
    values: values as Record<string, number>,
    regionId,
  };
}

function putCustomMetric(store: CmsStore, state: CloudState, ctx: PopContext) {
  const list = ctx.params.objects('MetricList', METRICS_PER_CALL);
  if (list.length === 0) throw new ApiError('InvalidParameter', 'MetricList is mandatory.');
  const regionId = ctx.params.str('RegionId') ?? '';
  // All or nothing: one bad entry refuses the call.
  store.add(list.map((m, i) => pointOf(m, i, regionId, state.now())));
  return { Code: '200', Message: '' };
}

function describeCustomMetricList(store: CmsStore, ctx: PopContext) {
  const p = ctx.params;
  const page = p.int('PageNumber', { min: 1 }) ?? 1;
  const size = p.int('PageSize', { min: 1, max: 100 }) ?? 10;
  const name = p.str('MetricName');
  const group = p.str('GroupId');
  const dim = p.str('Dimension');
  const seen = new Map<string, { metricName: string; groupId: number; dimension: string }>();
  for (const pt of store.points) {
    if ((name && pt.metricName !== name) || (group && pt.groupId !== group)) continue;
    const dimension = Object.entries(pt.dimensions)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    if (dim && dimension !== dim.replace(/^\{|\}$/g, '')) continue;
    const key = `${pt.groupId}\u0000${pt.metricName}\u0000${dimension}`;
    seen.set(key, { metricName: pt.metricName, groupId: Number(pt.groupId), dimension });
  }
  const all = [...seen.values()];
  const list = all.slice((page - 1) * size, page * size);
  return { Code: '200', Message: 'success', Result: JSON.stringify({ all: all.length, size, page, list }) };
}

function escalation(p: Params, level: 'Critical' | 'Warn' | 'Info'): EscalationRec | undefined {
  const at = `Escalations.${level}`;
  const op = p.str(`${at}.ComparisonOperator`);
  if (op === undefined && p.str(`${at}.Threshold`) === undefined) return undefined;
  if (!op || !OPERATORS.includes(op)) throw invalidParameter(`${at}.ComparisonOperator`, `one of ${OPERATORS.join(', ')}`);
  const threshold = p.str(`${at}.Threshold`) ?? '';
  if (!Number.isFinite(Number(threshold)) || threshold === '') throw invalidParameter(`${at}.Threshold`, 'a number');
  const statistics = p.str(`${at}.Statistics`);
  if (!statistics) throw invalidParameter(`${at}.Statistics`, 'mandatory');
  return { comparisonOperator: op, statistics, threshold, times: p.int(`${at}.Times`, { min: 1, max: 100 }) ?? 1 };
}

function putResourceMetricRule(store: CmsStore, state: CloudState, ctx: PopContext) {
  const p = ctx.params;
  const ruleId = p.required('RuleId');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(ruleId)) throw invalidParameter('RuleId', 'letters, digits, _ and -, at most 64');
  const escalations = Object.fromEntries((['Critical', 'Warn', 'Info'] as const).flatMap((l) => (escalation(p, l) ? [[l, escalation(p, l)]] : [])));
  if (Object.keys(escalations).length === 0) throw new ApiError('InvalidParameter', 'At least one of Escalations.Critical, Escalations.Warn or Escalations.Info is required.');
  const before = store.rules.get(ruleId);
  const now = state.now();
  store.rules.set(ruleId, {
    ruleId,
    ruleName: p.required('RuleName'),
    namespace: p.required('Namespace'),
    metricName: p.required('MetricName'),
    resources: p.required('Resources'),
    contactGroups: p.required('ContactGroups'),
    ...(p.int('Period', { min: 60 }) !== undefined ? { period: p.int('Period') } : {}),
    noDataPolicy: p.oneOf('NoDataPolicy', NO_DATA) ?? 'KEEP_LAST_STATE',
    ...(p.int('SilenceTime', { min: 0 }) !== undefined ? { silenceTime: p.int('SilenceTime') } : {}),
    ...(p.str('Webhook') ? { webhook: p.str('Webhook') } : {}),
    escalations,
    gmtCreate: before?.gmtCreate ?? now,
    gmtUpdate: now,
  });
  return { Success: true, Code: '200', Message: '' };
}

function ruleView(r: AlarmRuleRec) {
  const esc = (e?: EscalationRec) => (e ? { ComparisonOperator: e.comparisonOperator, Statistics: e.statistics, Threshold: e.threshold, Times: e.times } : {});
  return {
    RuleId: r.ruleId,
    RuleName: r.ruleName,
    Namespace: r.namespace,
    MetricName: r.metricName,
    Resources: r.resources,
    ContactGroups: r.contactGroups,
    Period: r.period === undefined ? '' : String(r.period),
    NoDataPolicy: r.noDataPolicy,
    SilenceTime: r.silenceTime,
    Webhook: r.webhook ?? '',
    EnableState: true,
    AlertState: 'OK',
    SourceType: 'METRIC',
    Escalations: { Critical: esc(r.escalations.Critical), Warn: esc(r.escalations.Warn), Info: esc(r.escalations.Info) },
    GmtCreate: r.gmtCreate,
    GmtUpdate: r.gmtUpdate,
  };
}

function describeMetricRuleList(store: CmsStore, ctx: PopContext) {
  const p = ctx.params;
  const ids = p.str('RuleIds');
  const want = ids ? new Set(ids.split(',').map((s) => s.trim())) : undefined;
  const filters = p.equalities<AlarmRuleRec>({ Namespace: (r) => r.namespace, MetricName: (r) => r.metricName, RuleName: (r) => r.ruleName });
  const page = p.int('Page', { min: 1 }) ?? 1;
  const size = p.int('PageSize', { min: 1, max: 10_000 }) ?? 100;
  const all = [...store.rules.values()].filter((r) => (!want || want.has(r.ruleId)) && filters.every((f) => f(r))).sort((a, b) => a.ruleId.localeCompare(b.ruleId));
  return { Success: true, Code: 200, Total: String(all.length), Alarms: { Alarm: all.slice((page - 1) * size, page * size).map(ruleView) } };
}

function deleteMetricRules(store: CmsStore, ctx: PopContext) {
  const ids = ctx.params.list('Id', 20);
  if (ids.length === 0) throw new ApiError('InvalidParameter', 'Id is mandatory.');
  for (const id of ids) store.rules.delete(id);
  return { Success: true, Code: '200', Message: '' };
}

export function cmsProduct(state: CloudState, store: CmsStore): PopProduct {
  return {
    product: 'Cms',
    version: '2019-01-01',
    hostId: 'metrics.aliyuncs.com',
    operations: {
      PutCustomMetric: (ctx) => putCustomMetric(store, state, ctx),
      DescribeCustomMetricList: (ctx) => describeCustomMetricList(store, ctx),
      PutResourceMetricRule: (ctx) => putResourceMetricRule(store, state, ctx),
      DescribeMetricRuleList: (ctx) => describeMetricRuleList(store, ctx),
      DeleteMetricRules: (ctx) => deleteMetricRules(store, ctx),
    },
  };
}
