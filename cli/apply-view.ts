import type { Outcome } from '../shared/engine/actions.js';
import { REPORT_STATUS } from '../shared/engine/kinds.js';
import { coverageHeadline } from '../shared/report/present.js';
import { unapprovedSummary } from '../shared/report/unapproved.js';
import type { RegionRun } from './region-run.js';
import type { StyledLine } from './terminal.js';

/** At most this many unsuccessful changes are listed per region; the rest are counted. */
const LISTED = 20;

type Tally = Record<'applied' | 'failed' | 'deferred', number>;

const tally = (outcomes: readonly Outcome[]): Tally => {
  const t: Tally = { applied: 0, failed: 0, deferred: 0 };
  for (const o of outcomes) t[REPORT_STATUS[o.status]]++;
  return t;
};

const why = (o: Outcome): string | undefined => {
  if (o.status === 'failed') return `failed: ${o.code}: ${o.error}`;
  if (o.status === 'blocked') return `failed: ${o.reason}`;
  if (o.status === 'deferred') return `not started: ${o.reason}`;
  return undefined;
};

const counted = (t: Tally): string => `${t.applied} applied, ${t.failed} failed, ${t.deferred} not started`;

/**
 * What an apply did, as text for a terminal (the report's Markdown is for files): per region the changes applied,
 * those that failed or did not start with why, unapproved mirroring and the coverage it ends on; then the totals.
 */
export function appliedLines(runs: readonly RegionRun[]): StyledLine[] {
  const total: Tally = { applied: 0, failed: 0, deferred: 0 };
  const lines: StyledLine[] = [];
  for (const { result, report } of runs) {
    const outcomes = result.passes.flatMap((p) => p.outcomes);
    const t = tally(outcomes);
    for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += t[k];
    lines.push([{ text: `${result.regionId}: `, paint: 'bold' }, `${counted(t)}`]);
    const unsuccessful = outcomes.flatMap((o) => {
      const w = why(o);
      return w ? [{ o, w }] : [];
    });
    for (const { o, w } of unsuccessful.slice(0, LISTED)) {
      const a = o.action;
      lines.push(['  ', { text: '!', paint: o.status === 'deferred' ? 'yellow' : 'red' }, ` ${a.kind} ${'sessionId' in a ? a.sessionId : a.eniIds.join(', ')}: ${w}`]);
    }
    if (unsuccessful.length > LISTED) lines.push(`  and ${unsuccessful.length - LISTED} more (the report lists them all)`);
    if (report.foreignSessions.unapproved.length > 0) lines.push(`${result.regionId}: ${unapprovedSummary(report.foreignSessions)}`);
    lines.push(`${result.regionId}: ${coverageHeadline(report.totals)}`);
  }
  const ok = total.failed === 0 && total.deferred === 0;
  lines.push('', [{ text: `Apply ${ok ? 'complete' : 'incomplete'}: ${counted(total)}`, paint: ok ? 'bold' : 'red' }]);
  return lines;
}
