/** What the Markdown and HTML renderings say alike: values, times, coverage, run state and the order of findings. */

import { formatHours, formatMoney, NO_PRICE_SHIPPED } from './cost.js';
import {
  ACTION_STATUSES,
  type ActionStatus,
  type ChangedEni,
  type ChangeSinceLast,
  type CollectorBreakdown,
  type CostLine,
  type CostSection,
  type DriftItem,
  type DriftReport,
  type FieldValue,
  type OptOutInfo,
  type RunInfo,
  type TemporaryMirror,
  type Totals,
} from './model.js';
import { ruleCounts } from './rule-counts.js';
import { coveragePercent } from './totals.js';

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The forged-claims section's lead sentence, the same in Markdown and HTML. */
export const forgedClaimsLead = (n: number): string =>
  `${n === 1 ? "1 session carries automirror's ownership tag" : `${n} sessions carry automirror's ownership tag`} without a valid proof: never modified or deleted by automirror. Find who tagged ${n === 1 ? 'it' : 'them'} (ActionTrail, TagResources).`;

/** The unowned-sessions section's lead sentence, the same in Markdown and HTML. */
export function unownedLead(list: readonly { class: 'adoptable' | 'conflicting' | 'unrelated' }[]): string {
  const n = (c: string) => list.filter((u) => u.class === c).length;
  return `${plural(list.length, 'session')} that automirror does not own: ${n('adoptable')} adoptable (automirror adopt would take ${n('adoptable') === 1 ? 'it' : 'them'} over), ${n('conflicting')} conflicting (holding an opted-in ENI's slot or a priority in a rule's band), ${n('unrelated')} unrelated. automirror never modifies them`;
}

/** `null` is an absent value; lists read as lists. */
export function formatValue(v: FieldValue): string {
  if (v === null) return '(absent)';
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return String(v);
}

/** `2025-06-01 03:00:12 UTC`; a string that is no time is shown as it is. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatPercent(p: number | null): string {
  return p === null ? 'n/a' : `${p.toFixed(1)}%`;
}

/** Mirrored of every ENI examined, opted in or not, rounded down like coverage; `null` when none was examined. */
export const fleetPercent = (t: Totals): number | null => coveragePercent(t.mirrored, t.enis - t.mirrored);

/**
 * The one line a person reads first, the same in every rendering and at the terminal: both coverages, named, and
 * the whole fleet split four ways. Opted-out ENIs count against opted-in coverage, so an opt-out never reads as
 * 100 %; fleet coverage counts what no rule selects too, so a policy that selects little never reads as full.
 */
export function coverageHeadline(t: Totals): string {
  // A rule selects the opted-out ENIs too: they count against opted-in coverage.
  const optedIn = t.mirrored + t.unmirrored + t.optedOut;
  const inScope =
    t.coveragePercent === null ? 'opted-in coverage n/a (no rule selects an ENI)' : `opted-in coverage ${formatPercent(t.coveragePercent)} (${t.mirrored} of ${plural(optedIn, 'ENI')} a rule selects)`;
  const fleet = t.enis === 0 ? 'fleet coverage n/a (no ENI examined)' : `fleet coverage ${formatPercent(fleetPercent(t))} (${t.mirrored} of ${plural(t.enis, 'ENI')})`;
  const split = `${t.mirrored} mirrored, ${t.unmirrored} opted in but unmirrored, ${t.optedOut} opted out, ${t.excluded} not in scope`;
  return `${inScope[0].toUpperCase()}${inScope.slice(1)} · ${fleet}: ${split}`;
}

/** Who opted ENIs out, most first: at most `n` principals (RAM names, or "principal unknown"), then how many more. */
export function optedOutBy(r: DriftReport, n = 3): string {
  const counts = new Map<string, number>();
  for (const o of r.coverage.optedOut) counts.set(o.principal ?? 'principal unknown', (counts.get(o.principal ?? 'principal unknown') ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = ranked.slice(0, n).map(([who, k]) => `${who} ${k}`);
  return ranked.length > n ? `${shown.join(', ')} and ${ranked.length - n} more` : shown.join(', ');
}

/** What the headline's split leaves out: who opted ENIs out, and opt-outs the policy overrode; empty when neither. */
export function headlineNotes(r: DriftReport): string[] {
  const t = r.totals;
  return [...(t.optedOut ? [`opted out by ${optedOutBy(r)}`] : []), ...(t.overriddenOptOuts ? [`${plural(t.overriddenOptOuts, 'opt-out')} overridden`] : [])];
}

/** An ENI's opt-out as one line: who and when, or that nobody knows. */
export const optOutWho = (o: OptOutInfo): string => (o.principal ? `${o.principal} at ${formatTime(o.at ?? '')}` : 'principal unknown');

/** Whether every ENI in scope was examined, and if not why. */
export function runState(run: RunInfo): string {
  if (run.complete) return 'complete';
  const why = [...(run.truncated ? ['a scan stopped early'] : []), ...(run.handedOff.length ? [`continued by follow-up invocations not included (${run.handedOff.length})`] : [])];
  return `incomplete: ${why.join('; ')}`;
}

/** `applied 3 · failed 1`, in status order, leaving out zeroes. */
export function statusCounts(t: Totals): string {
  return ACTION_STATUSES.filter((s) => t.statuses[s] > 0)
    .map((s) => `${s} ${t.statuses[s]}`)
    .join(' · ');
}

/** What needs a person first: failures, then deferred work, then proposals, then what was done or left alone. */
const severity: Record<ActionStatus, number> = { failed: 0, deferred: 1, proposed: 2, applied: 3, skipped: 4 };

export function rankItems(items: readonly DriftItem[]): DriftItem[] {
  return [...items].sort((a, b) => severity[a.action.status] - severity[b.action.status]);
}

/** ENIs whose opt-out the policy overrode, mirrored or not, in coverage order. */
export const overriddenOptOuts = (r: DriftReport): Array<{ eniId: string; regionId: string; instanceId?: string; optOut: OptOutInfo }> =>
  [...r.coverage.mirrored, ...r.coverage.unmirrored].flatMap((e) => (e.optOutOverridden ? [{ eniId: e.eniId, regionId: e.regionId, instanceId: e.instanceId, optOut: e.optOutOverridden }] : []));

/** One rule across the report's regions, as the per-rule tables show it. */
export interface RuleRow {
  readonly rule: string;
  /** ENIs the rule selects: mirrored + unmirrored + opted out. */
  readonly wanted: number;
  readonly mirrored: number;
  readonly unmirrored: number;
  readonly optedOut: number;
  /** automirror's sessions of the rule; undefined when the report has no breakdown (not made from a region run). */
  readonly sessions?: number;
  readonly coverage: string;
}

/** Every rule of the policy, in its order (then any other rule the report names), summed over the regions. */
export function ruleRows(r: DriftReport): RuleRow[] {
  const rows = new Map<string, { mirrored: number; unmirrored: number; optedOut: number; sessions?: number }>(r.policy.rules.map((rule) => [rule, { mirrored: 0, unmirrored: 0, optedOut: 0 }]));
  for (const c of r.rules ?? ruleCounts(r.coverage)) {
    const row = rows.get(c.rule) ?? { mirrored: 0, unmirrored: 0, optedOut: 0 };
    rows.set(c.rule, {
      mirrored: row.mirrored + c.mirrored,
      unmirrored: row.unmirrored + c.unmirrored,
      optedOut: row.optedOut + c.optedOut,
      ...('sessions' in c ? { sessions: (row.sessions ?? 0) + c.sessions } : {}),
    });
  }
  return [...rows].map(([rule, c]) => ({ rule, wanted: c.mirrored + c.unmirrored + c.optedOut, ...c, coverage: formatPercent(coveragePercent(c.mirrored, c.unmirrored, c.optedOut)) }));
}

/** The temporary-mirroring section's lead sentence and rows, the same in Markdown and HTML. */
export const temporaryLead = (list: readonly TemporaryMirror[]): string => {
  const active = list.filter((t) => t.status === 'active').length;
  const refused = list.filter((t) => t.status === 'invalid' || t.status === 'unusable').length;
  return `${plural(active, 'ENI')} mirrored temporarily; ${plural(refused, 'tag')} refused (a bad value or no temporary rule: never guessed)`;
};

export const TEMPORARY_HEAD = ['ENI', 'Region', 'Tag', 'Status', 'Until', 'Rule', 'Sessions', 'Why'] as const;

export const temporaryCells = (t: TemporaryMirror): string[] => [t.eniId, t.regionId, t.tag, t.status, t.until ?? '—', t.rule ?? '—', t.sessionIds.join(', ') || '—', t.reason];

export const RULE_HEAD = ['Rule', 'ENIs wanted', 'Mirrored', 'Unmirrored', 'Opted out', 'Sessions', 'Coverage'] as const;

/** One rule's row of plain text, in RULE_HEAD's order. */
export const ruleCells = (x: RuleRow): string[] => [
  x.rule,
  String(x.wanted),
  String(x.mirrored),
  String(x.unmirrored),
  String(x.optedOut),
  x.sessions === undefined ? '—' : String(x.sessions),
  x.coverage,
];

export const COST_HEAD = ['Rule', 'Region', 'Sessions', 'Session-hours/month', 'Sources', 'Source-hours/month', 'Estimated cost/month'] as const;

/** One rule's (or the account's) month, in COST_HEAD's order: the cost only where the region has a price. */
export const costCells = (c: Pick<CostSection, 'currency'>, x: CostLine & { readonly rule: string; readonly regionId: string }): string[] => [
  x.rule,
  x.regionId,
  String(x.sessions),
  formatHours(x.sessionHoursPerMonth),
  String(x.sources),
  formatHours(x.sourceHoursPerMonth),
  x.monthlyCost !== undefined && c.currency ? formatMoney(x.monthlyCost, c.currency) : '—',
];

/** The cost section's rows: each rule in each region, then the account's total when there is more than one row. */
export function costRows(r: DriftReport, c: CostSection): Array<CostLine & { rule: string; regionId: string }> {
  const total = { ...c.account, rule: `all rules${r.accountId ? ` of account ${r.accountId}` : ''}`, regionId: r.regions.length === 1 ? r.regions[0] : 'all' };
  return c.rules.length > 1 ? [...c.rules, total] : [...c.rules];
}

/** The cost section's lead sentence, the same in Markdown and HTML: the account's month, priced or why not. */
export function costLead(c: CostSection): string {
  const a = c.account;
  const use = `automirror maintains ${plural(a.sessions, 'session')} (${formatHours(a.sessionHoursPerMonth)} session-hours a month) mirroring ${plural(a.sources, 'source ENI')}: ${formatHours(a.sourceHoursPerMonth)} source-hours a month (a month counted as ${c.hoursPerMonth} hours; traffic mirroring is billed per source ENI per hour)`;
  if (a.monthlyCost === undefined || !c.currency) return `${use}. No price is configured: ${NO_PRICE_SHIPPED}.`;
  const unpriced = a.unpricedRegions.length ? `, for the priced regions only (no price for ${a.unpricedRegions.join(', ')})` : '';
  return `${use}; estimated ${formatMoney(a.monthlyCost, c.currency)} a month at the policy's prices${unpriced}.`;
}

export const COLLECTOR_HEAD = ['Collector', 'Region', 'Zone', 'Rules', 'Sources', 'Sessions', 'Capacity used'] as const;

/** One collector's row of plain text, in COLLECTOR_HEAD's order. */
export const collectorCells = (c: CollectorBreakdown): string[] => [
  `${collectorKind(c.target.kind)} ${c.target.id}`,
  c.regionId,
  collectorZone(c),
  c.rules.join(', '),
  String(c.sources),
  `${c.sessions} (${c.ownedSessions} automirror's)`,
  capacityUsed(c),
];

/** A collector's kind as people say it. */
export const collectorKind = (kind: 'SLB' | 'NetworkInterface'): string => (kind === 'SLB' ? 'CLB' : 'ENI');

/** Where a collector is: its zone and who says so. */
function collectorZone(c: CollectorBreakdown): string {
  if (c.zone === undefined) return 'unknown';
  return c.zoneFrom === 'policy' ? `${c.zone} (policy)` : c.zone;
}

/** `4 / 500 (0.8%)`: sources placed of what the collector takes. */
const capacityUsed = (c: CollectorBreakdown): string => `${c.sources} / ${c.capacity} (${formatPercent(Math.floor((1000 * c.sources) / c.capacity) / 10)})`;

/** A collector at or past 90 % of its capacity: the next ENIs may find no room. */
export const nearlyFull = (c: CollectorBreakdown): boolean => c.sources * 10 >= c.capacity * 9;

/** The change since the previous run in one line; what to say when there was none on record. */
export function changeSummary(r: DriftReport): string {
  const c = r.change;
  if (!c) return 'No earlier run on record';
  const was = formatPercent(c.previousCoveragePercent);
  const now = formatPercent(r.totals.coveragePercent);
  return `Since the run of ${formatTime(c.previousRunAt)}: opted-in coverage ${was === now ? `unchanged at ${now}` : `${was} → ${now}`}; ${c.counts.newUnmirrored} newly unmirrored, ${c.counts.fixed} fixed, ${plural(c.counts.newOptOuts, 'new opt-out')}`;
}

/** The ENIs a change names, one row each: what changed, the ENI, its region and rule. */
export function changeRows(c: ChangeSinceLast): Array<{ what: string; eni: ChangedEni }> {
  return [...c.newUnmirrored.map((eni) => ({ what: 'newly unmirrored', eni })), ...c.fixed.map((eni) => ({ what: 'fixed', eni })), ...c.newOptOuts.map((eni) => ({ what: 'new opt-out', eni }))];
}
