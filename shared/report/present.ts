/** What the Markdown and HTML renderings say alike: values, times, coverage, run state and the order of findings. */
import { ACTION_STATUSES, type ActionStatus, type DriftItem, type DriftReport, type FieldValue, type OptOutInfo, type RunInfo, type Totals } from './model.js';

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

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

/** The one line a person reads first: opted-out ENIs count against coverage, so an opt-out never reads as 100 %. */
export function coverageHeadline(t: Totals): string {
  if (t.coveragePercent === null) return `No ENI is opted in by the policy (${t.excluded} not in scope)`;
  return `${formatPercent(t.coveragePercent)} coverage: ${t.mirrored} of ${plural(t.mirrored + t.unmirrored + t.optedOut, 'opted-in ENI')} mirrored`;
}

/** Who opted ENIs out, most first: at most `n` principals (RAM names, or "principal unknown"), then how many more. */
export function optedOutBy(r: DriftReport, n = 3): string {
  const counts = new Map<string, number>();
  for (const o of r.coverage.optedOut) counts.set(o.principal ?? 'principal unknown', (counts.get(o.principal ?? 'principal unknown') ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = ranked.slice(0, n).map(([who, k]) => `${who} ${k}`);
  return ranked.length > n ? `${shown.join(', ')} and ${ranked.length - n} more` : shown.join(', ');
}

/** The headline's split: mirrored of opted in, opted out (by whom), not in scope, and overridden opt-outs. */
export function scopeParts(r: DriftReport): string[] {
  const t = r.totals;
  return [
    `${t.mirrored} mirrored of ${t.mirrored + t.unmirrored + t.optedOut} opted in`,
    `${t.optedOut} opted out${t.optedOut ? ` (by ${optedOutBy(r)})` : ''}`,
    `${t.excluded} not in scope`,
    ...(t.overriddenOptOuts ? [`${plural(t.overriddenOptOuts, 'opt-out')} overridden`] : []),
  ];
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
