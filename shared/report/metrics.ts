import type { DriftReport } from './model.js';

/** One data point of a custom metric: its name, the dimensions that tell its series apart, a value, a time. */
export interface MetricPoint {
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
  /** Epoch ms. */
  readonly time: number;
}

/** The custom metrics automirror publishes (CloudMonitor metric names: letters, digits, underscores). */
export const METRIC = {
  optedIn: 'automirror_opted_in_enis',
  mirrored: 'automirror_mirrored_enis',
  unmirrored: 'automirror_unmirrored_enis',
  optedOut: 'automirror_opted_out_enis',
  coverage: 'automirror_coverage_percent',
  ownedSessions: 'automirror_owned_sessions',
  unapproved: 'automirror_unapproved_sessions',
  failedEvents: 'automirror_failed_events',
  reconciles: 'automirror_reconciles',
  collectorSources: 'automirror_collector_sources',
  collectorCapacity: 'automirror_collector_capacity',
  collectorUsage: 'automirror_collector_usage_percent',
  timeToMirror: 'automirror_time_to_mirror_seconds',
} as const;

/**
 * A dimension value as CloudMonitor takes it: 1–64 letters, digits, `.`, `-`, `_`, `/`, `\` (custom monitoring
 * limits, https://www.alibabacloud.com/help/doc-detail/63275.html). Anything else (a rule name is the policy
 * author's text) becomes `_`, as CloudMonitor itself would rewrite it, and the value is clipped to 64.
 */
export function dimensionValue(s: string): string {
  const v = [...s]
    .slice(0, 64)
    .map((c) => (/[A-Za-z0-9._\-/\\]/.test(c) ? c : '_'))
    .join('');
  return v || '_';
}

const pct = (part: number, whole: number): number | undefined => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : undefined);

interface Counts {
  mirrored: number;
  unmirrored: number;
  optedOut: number;
  sessions: number;
}

function countPoints(counts: Counts, dimensions: Record<string, string>, time: number): MetricPoint[] {
  const optedIn = counts.mirrored + counts.unmirrored + counts.optedOut;
  const coverage = pct(counts.mirrored, optedIn);
  const at = (name: string, value: number): MetricPoint => ({ name, dimensions, value, time });
  return [
    at(METRIC.optedIn, optedIn),
    at(METRIC.mirrored, counts.mirrored),
    at(METRIC.unmirrored, counts.unmirrored),
    at(METRIC.optedOut, counts.optedOut),
    ...(coverage === undefined ? [] : [at(METRIC.coverage, coverage)]),
    at(METRIC.ownedSessions, counts.sessions),
  ];
}

/**
 * The metrics of one reconcile's report: per region and per rule, the ENIs the policy opts in (mirrored, unmirrored,
 * opted out), coverage % (when any ENI is opted in) and the sessions automirror owns; per region the unapproved
 * sessions and a heartbeat (`automirror_reconciles` = 1, what the "no reconcile" alarm watches); per collector its
 * sources against its capacity; per account the failed events the report drained. Pure: the report decides.
 */
export function reportMetrics(report: DriftReport, time: number): MetricPoint[] {
  const account = dimensionValue(report.accountId ?? 'unknown');
  const byRegion = new Map<string, Counts & { unapproved: number }>();
  const region = (r: string) => {
    let c = byRegion.get(r);
    if (!c) byRegion.set(r, (c = { mirrored: 0, unmirrored: 0, optedOut: 0, sessions: 0, unapproved: 0 }));
    return c;
  };
  for (const r of report.regions) region(r);
  for (const e of report.coverage.mirrored) region(e.regionId).mirrored++;
  for (const e of report.coverage.unmirrored) region(e.regionId).unmirrored++;
  for (const e of report.coverage.optedOut) region(e.regionId).optedOut++;
  for (const s of report.foreignSessions.unapproved) region(s.regionId).unapproved++;
  for (const b of report.rules ?? []) region(b.regionId).sessions += b.sessions;
  const points: MetricPoint[] = [];
  for (const [r, c] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
    const dims = { account, region: dimensionValue(r) };
    points.push(...countPoints(c, dims, time), { name: METRIC.unapproved, dimensions: dims, value: c.unapproved, time }, { name: METRIC.reconciles, dimensions: dims, value: 1, time });
  }
  for (const b of report.rules ?? []) points.push(...countPoints(b, { account, region: dimensionValue(b.regionId), rule: dimensionValue(b.rule) }, time));
  for (const c of report.collectors ?? []) {
    const dimensions = { account, region: dimensionValue(c.regionId), collector: dimensionValue(c.target.id) };
    const usage = pct(c.sources, c.capacity);
    points.push({ name: METRIC.collectorSources, dimensions, value: c.sources, time }, { name: METRIC.collectorCapacity, dimensions, value: c.capacity, time });
    if (usage !== undefined) points.push({ name: METRIC.collectorUsage, dimensions, value: usage, time });
  }
  points.push({ name: METRIC.failedEvents, dimensions: { account }, value: report.failedEvents.length, time });
  return points;
}

/**
 * Time to mirror of one invocation in one unit of work: from the earliest launch event's time to when its last new
 * session was seen Created, in seconds (to 0.001). Undefined without an event time or a session; a negative span
 * (an event stamped in the future: hostile or skewed) is none.
 */
export function timeToMirror(eventTimes: readonly number[], createdAt: readonly number[], dimensions: Readonly<Record<string, string>>): MetricPoint | undefined {
  if (eventTimes.length === 0 || createdAt.length === 0) return undefined;
  const from = Math.min(...eventTimes);
  const to = Math.max(...createdAt);
  if (to < from) return undefined;
  return { name: METRIC.timeToMirror, dimensions, value: Math.round(to - from) / 1000, time: to };
}
