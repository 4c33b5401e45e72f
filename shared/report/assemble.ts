import { costSection, type RegionUsage, type RuleUsage } from './cost.js';
import {
  type CollectorBreakdown,
  type DriftItem,
  type DriftReport,
  type ExcludedEni,
  type FailedEvent,
  type ForgedClaim,
  type MirroredEni,
  type OptedOutEni,
  type PolicyInfo,
  REPORT_SCHEMA,
  REPORT_VERSION,
  type ReportError,
  type ReportMode,
  type RunInfo,
  type TemporaryMirror,
  type UnapprovedSession,
  type UnmirroredEni,
} from './model.js';
import { ruleCounts } from './rule-counts.js';
import { computeTotals } from './totals.js';

/** One ENI's coverage state, as the builder takes it. */
export type CoverageEntry =
  | ({ readonly state: 'mirrored' } & MirroredEni)
  | ({ readonly state: 'opted-out' } & OptedOutEni)
  | ({ readonly state: 'excluded' } & ExcludedEni)
  | ({ readonly state: 'unmirrored' } & UnmirroredEni);

/** Everything about a report but its contents and what is derived from them. */
export interface ReportHeader {
  readonly generatedAt: string;
  readonly accountId?: string;
  readonly regions: readonly string[];
  readonly mode: ReportMode;
  readonly policy: PolicyInfo;
  readonly run: Omit<RunInfo, 'complete'>;
}

/** Contents in the order they were learnt: where one resource comes twice, the later entry wins. */
export interface ReportContents {
  readonly items: readonly DriftItem[];
  readonly coverage: readonly CoverageEntry[];
  readonly failedEvents: readonly FailedEvent[];
  readonly errors: readonly ReportError[];
  readonly unapproved: readonly UnapprovedSession[];
  /** Sessions toward approved collectors, per region: a later count for a region replaces an earlier one. */
  readonly approved: ReadonlyArray<{ readonly regionId: string; readonly count: number }>;
  readonly forgedClaims?: readonly ForgedClaim[];
  /** A later entry for the same (region, ENI) replaces an earlier one. */
  readonly temporary?: readonly TemporaryMirror[];
  /**
   * automirror's sessions and their sources per (region, rule) and per region at the end of a region run, and that
   * region's collectors: a later entry for the same one replaces an earlier one. Given, the report has `rules`,
   * `collectors` and `cost`.
   */
  readonly ruleSessions?: readonly RuleUsage[];
  readonly regionUsage?: readonly RegionUsage[];
  readonly collectors?: readonly CollectorBreakdown[];
}

const byKey = <T>(list: readonly T[], key: (x: T) => string): T[] => [...new Map(list.map((x) => [key(x), x])).values()];
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Orders by the first key that differs; stable, so equal keys keep their insertion order. */
const sortBy = <T>(list: readonly T[], ...keys: Array<(x: T) => string>): T[] => [...list].sort((a, b) => keys.reduce((c, k) => c || compare(k(a), k(b)), 0));

const itemKey = (i: DriftItem) => [i.regionId, i.kind, i.id, i.rule ?? ''].join('\u0000');
const eniKey = (e: { regionId: string; eniId: string }) => `${e.regionId}\u0000${e.eniId}`;

/** Strips the builder's `state` tag off a coverage entry. */
function entry<E extends CoverageEntry>(e: E): Omit<E, 'state'> {
  const { state: _state, ...rest } = e;
  return rest;
}

/**
 * The finished document: an item per (region, kind, id, rule), an ENI in one coverage state, an unapproved session
 * per (region, id) and a failed event per message id (the later entry wins: work deferred in one invocation and
 * done in the next, a message received twice), everything sorted so that the same findings always give the same
 * document, and the totals counted.
 */
export function assembleReport(head: ReportHeader, contents: ReportContents): DriftReport {
  const items = sortBy(
    byKey(contents.items, itemKey),
    (i) => i.regionId,
    (i) => i.kind,
    (i) => i.id,
    (i) => i.rule ?? '',
  );
  const enis = sortBy(
    byKey(contents.coverage, eniKey),
    (e) => e.regionId,
    (e) => e.eniId,
  );
  const coverage = {
    mirrored: enis.flatMap((e) => (e.state === 'mirrored' ? [entry(e)] : [])),
    optedOut: enis.flatMap((e) => (e.state === 'opted-out' ? [entry(e)] : [])),
    excluded: enis.flatMap((e) => (e.state === 'excluded' ? [entry(e)] : [])),
    unmirrored: enis.flatMap((e) => (e.state === 'unmirrored' ? [entry(e)] : [])),
  };
  const failedEvents = sortBy(
    byKey(contents.failedEvents, (f) => f.messageId),
    (f) => f.failedAt ?? '',
    (f) => f.messageId,
  );
  const errors = sortBy(contents.errors, (e) => e.regionId ?? '');
  const forgedClaims = sortBy(
    byKey(contents.forgedClaims ?? [], (c) => `${c.regionId}\u0000${c.sessionId}`),
    (c) => c.regionId,
    (c) => c.sessionId,
  );
  const temporary = sortBy(
    byKey(contents.temporary ?? [], eniKey),
    (t) => t.regionId,
    (t) => t.eniId,
  );
  const unapproved = sortBy(
    byKey(contents.unapproved, (u) => `${u.regionId}\u0000${u.sessionId}`),
    (u) => u.regionId,
    (u) => u.sessionId,
  );
  const approvedIn = new Map(contents.approved.map((a) => [a.regionId, a.count]));
  const foreignSessions = { unapproved, approved: Object.fromEntries([...approvedIn].sort(([a], [b]) => compare(a, b))) };
  const regions = [...new Set([...head.regions, ...items.map((i) => i.regionId), ...enis.map((e) => e.regionId), ...unapproved.map((u) => u.regionId)])].sort(compare);
  const { run } = head;
  const body = { items, coverage, failedEvents, errors };
  const breakdown = contents.ruleSessions || contents.collectors ? { ...rulesAndCost(coverage, head.policy, contents), collectors: collectorsOf(contents.collectors ?? []) } : {};
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    generatedAt: head.generatedAt,
    ...(head.accountId !== undefined ? { accountId: head.accountId } : {}),
    regions,
    mode: head.mode,
    policy: head.policy,
    run: { ...run, complete: !run.truncated && run.handedOff.length === 0 },
    totals: computeTotals(body),
    foreignSessions,
    ...body,
    ...(forgedClaims.length > 0 ? { forgedClaims } : {}),
    ...(temporary.length > 0 ? { temporary } : {}),
    ...breakdown,
  };
}

/**
 * Every rule with sessions or ENIs, its ENIs counted from the coverage (so the two always agree), and the cost of
 * the sessions held, per rule in the same order and per region, at the policy's prices.
 */
function rulesAndCost(coverage: DriftReport['coverage'], policy: PolicyInfo, contents: ReportContents): Pick<DriftReport, 'rules' | 'cost'> {
  const held = new Map((contents.ruleSessions ?? []).map((s) => [`${s.regionId}\u0000${s.rule}`, s]));
  const rows = ruleCounts(coverage, contents.ruleSessions ?? []);
  const usage = rows.map(({ regionId, rule }) => held.get(`${regionId}\u0000${rule}`) ?? { regionId, rule, sessions: 0, sources: 0 });
  const regions = sortBy(
    byKey(contents.regionUsage ?? [], (r) => r.regionId),
    (r) => r.regionId,
  );
  return { rules: rows.map((r, i) => ({ ...r, sessions: usage[i].sessions })), cost: costSection(usage, regions, policy.cost) };
}

const collectorsOf = (list: readonly CollectorBreakdown[]) =>
  sortBy(
    byKey(list, (c) => [c.regionId, c.target.kind, c.target.id].join('\u0000')),
    (c) => c.regionId,
    (c) => c.target.id,
    (c) => c.target.kind,
  );
