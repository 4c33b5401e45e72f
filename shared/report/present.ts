/** What the Markdown and HTML renderings say alike: values, times, coverage, run state and the order of findings. */
import { ACTION_STATUSES, type ActionStatus, type DriftItem, type FieldValue, type RunInfo, type Totals } from './model.js';

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

/** The one line a person reads first. */
export function coverageHeadline(t: Totals): string {
  if (t.coveragePercent === null) return `No ENI is opted in by the policy (${t.excluded} excluded)`;
  return `${formatPercent(t.coveragePercent)} coverage: ${t.mirrored} of ${plural(t.mirrored + t.unmirrored, 'opted-in ENI')} mirrored`;
}

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
