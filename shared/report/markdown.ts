import type { DriftItem, DriftReport, ForeignSessions } from './model.js';
import {
  COLLECTOR_HEAD,
  COST_HEAD,
  changeRows,
  changeSummary,
  collectorCells,
  costCells,
  costLead,
  costRows,
  coverageHeadline,
  forgedClaimsLead,
  formatTime,
  formatValue,
  headlineNotes,
  optOutWho,
  overriddenOptOuts,
  plural,
  RULE_HEAD,
  rankItems,
  ruleCells,
  ruleRows,
  runState,
  statusCounts,
  TEMPORARY_HEAD,
  temporaryCells,
  temporaryLead,
} from './present.js';
import { clip, defuse } from './text.js';
import { UNAPPROVED_HEAD, unapprovedCells, unapprovedSummary } from './unapproved.js';

export interface MarkdownOptions {
  /** Most rows per table; fewer when the summary would not fit `maxBytes`. */
  readonly top?: number;
  readonly maxBytes?: number;
}

/**
 * MNS takes messages up to 64 KB, and the adapter XML-escapes the body on the way: even a summary made only of
 * characters that escape to five bytes stays under the limit at 12,000.
 */
export const MARKDOWN_MAX_BYTES = 12_000;
const CELL_CHARS = 160;
const LIST_NAMES = 8;
/** Most not-in-scope ENIs listed, whatever `top` allows: the full list is in the JSON report. */
export const EXCLUDED_SHOWN = 20;

/**
 * One hostile string made inert in Markdown: one line (line breaks become spaces, other controls and bidi
 * characters U+FFFD), bounded, with table pipes, code, emphasis, link brackets and HTML escaped, and URLs broken (a zero-width space after the scheme) so no chat client turns them into links.
 */
export function mdText(s: string, max = CELL_CHARS): string {
  return clip(defuse(s.replace(/[\t\n\v\f\r\u2028\u2029]+/g, ' ')), max)
    .replace(/[\\`*_~[\]<>|]/g, '\\$&')
    .replace(/\b(https?|ftp)(?=:)|\b(www)(?=\.)/gi, '$&\u200B');
}

/** At most `n` names, then how many more. */
function names(list: readonly string[], n = LIST_NAMES): string {
  const shown = list.slice(0, n).map((s) => mdText(s, 60));
  return list.length > n ? `${shown.join(', ')} and ${list.length - n} more` : shown.join(', ') || 'none';
}

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => mdText(c)).join(' | ')} |`)];
}

/** A table of the first `top` rows and a line for the rest. */
function bounded<T>(what: string, list: readonly T[], top: number, head: readonly string[], row: (x: T) => string[]): string[] {
  if (!list.length) return [`No ${what}.`];
  const more = list.length - top;
  return [...(top > 0 ? table(head, list.slice(0, top).map(row)) : []), ...(more > 0 ? ['', `_…and ${more} more ${what} in the full report._`] : [])];
}

/** Unapproved mirroring: the report's first section, and the body of the alert published the moment it is found. */
export function unapprovedMarkdown(f: ForeignSessions, top: number): string[] {
  const line = `${f.unapproved.length ? '**' : ''}${mdText(unapprovedSummary(f), 200)}${f.unapproved.length ? '**' : ''}`;
  return ['### Unapproved mirroring', line, ...(f.unapproved.length ? ['', ...bounded('unapproved sessions', f.unapproved, top, UNAPPROVED_HEAD, unapprovedCells)] : [])];
}

const differs = (i: DriftItem) => i.fields.map((f) => `${f.field}: wanted ${formatValue(f.wanted)}, actual ${formatValue(f.actual)}`).join('; ') || '—';
const status = (i: DriftItem) => (i.action.error ? `${i.action.status}: ${i.action.error}` : i.action.status);

/** Sessions claiming automirror's ownership without a valid proof: near the top, since someone wrote automirror's tags. */
function forged(r: DriftReport, top: number): string[] {
  const claims = r.forgedClaims ?? [];
  if (claims.length === 0) return [];
  return [
    '### Forged ownership claims',
    forgedClaimsLead(claims.length),
    '',
    ...bounded('forged claims', claims, top, ['Session', 'Region', 'Claimed rule', 'Sources', 'Target', 'Why'], (c) => [
      c.sessionId,
      c.regionId,
      c.claimedRule ?? '—',
      c.sourceIds.join(', ') || '—',
      c.target,
      `${c.verdict}: ${c.reason}`,
    ]),
    '',
  ];
}

/** Temporary-mirroring tags and what became of them; only when some were found. */
function temporary(r: DriftReport, top: number): string[] {
  const list = r.temporary ?? [];
  if (list.length === 0) return [];
  return ['### Temporary mirroring', mdText(temporaryLead(list), 200), '', ...bounded('temporary tags', list, top, TEMPORARY_HEAD, temporaryCells), ''];
}

/** The change since the previous run: the line, then what it names (the lists may be capped: the counts are whole). */
function change(r: DriftReport, top: number): string[] {
  const c = r.change;
  if (!c) return ['### Since the last run', mdText(changeSummary(r), 200)];
  const rows = changeRows(c);
  const named = c.counts.newUnmirrored + c.counts.fixed + c.counts.newOptOuts;
  const shown = rows.slice(0, top);
  return [
    '### Since the last run',
    mdText(changeSummary(r), 300),
    ...(shown.length
      ? [
          '',
          ...table(
            ['Change', 'ENI', 'Region', 'Rule'],
            shown.map((x) => [x.what, x.eni.eniId, x.eni.regionId, x.eni.rule ?? '—']),
          ),
        ]
      : []),
    ...(named > shown.length ? ['', `_…and ${named - shown.length} more changed ENIs in the full report._`] : []),
  ];
}

/** Per rule, then per collector (the collectors only in a report made from a region run). */
function breakdown(r: DriftReport, top: number): string[] {
  const collectors = r.collectors ?? [];
  return ['### Per rule', ...bounded('rules', ruleRows(r), top, RULE_HEAD, ruleCells), '', '### Collectors', ...bounded('collectors', collectors, top, COLLECTOR_HEAD, collectorCells)];
}

/** What automirror's mirroring costs a month, per rule and for the account; only in a report made from a region run. */
function cost(r: DriftReport, top: number): string[] {
  const c = r.cost;
  if (!c) return [];
  return ['### Cost', mdText(costLead(c), 600), '', ...bounded('rules', costRows(r, c), top, COST_HEAD, (x) => costCells(c, x)), ''];
}

function compose(r: DriftReport, top: number): string {
  const t = r.totals;
  const { policy, run } = r;
  const notes = headlineNotes(r).map((x) => mdText(x, 400));
  return [
    '## automirror drift report',
    '',
    ...unapprovedMarkdown(r.foreignSessions, top),
    '',
    ...forged(r, top),
    `**${coverageHeadline(t)}**${notes.length ? ` · ${notes.join(' · ')}` : ''}  `,
    `Mode: ${r.mode} · Regions: ${names(r.regions)} · Run: ${runState(run)} · Generated ${mdText(formatTime(r.generatedAt), 40)}  `,
    `Policy: ${mdText(policy.source, 120)}${policy.revision ? ` @ ${mdText(policy.revision, 40)}` : ''} (rules: ${names(policy.rules)})`,
    '',
    '| ENIs | Mirrored | Opted in, unmirrored | Opted out | Not in scope | Drift items | Failed events | Errors |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${t.enis} | ${t.mirrored} | ${t.unmirrored} | ${t.optedOut} | ${t.excluded} | ${t.items} | ${t.failedEvents} | ${t.errors} |`,
    '',
    ...(t.overriddenOptOuts
      ? [
          '### ⚠ Overridden opt-outs',
          ...bounded('overridden opt-outs', overriddenOptOuts(r), top, ['ENI', 'Region', 'Opted out by', 'Reason'], (o) => [o.eniId, o.regionId, optOutWho(o.optOut), o.optOut.reason]),
          '',
        ]
      : []),
    ...change(r, top),
    '',
    ...breakdown(r, top),
    '',
    ...cost(r, top),
    ...temporary(r, top),
    '### Opted out',
    ...bounded('opted-out ENIs', r.coverage.optedOut, top, ['ENI', 'Region', 'Rule', 'Opted out by', 'Tag on'], (o) => [o.eniId, o.regionId, o.rule, optOutWho(o), `${o.on} ${o.resourceId}`]),
    '',
    '### Drift',
    ...(t.items ? [`${plural(t.items, 'item')}: ${statusCounts(t)}`, ''] : []),
    ...bounded('drift items', rankItems(r.items), top, ['Resource', 'Region', 'Rule', 'Differs', 'Action', 'Status'], (i) => [
      `${i.kind === 'eni' ? 'ENI' : 'session'} ${i.id}`,
      i.regionId,
      i.rule ?? '—',
      differs(i),
      `${i.action.kind}: ${i.action.reason}`,
      status(i),
    ]),
    '',
    '### Unmirrored ENIs',
    ...bounded('unmirrored ENIs', r.coverage.unmirrored, top, ['ENI', 'Region', 'Rule', 'Reason'], (u) => [u.eniId, u.regionId, u.rule ?? '—', u.reason]),
    '',
    '### Not in scope',
    ...bounded('not-in-scope ENIs', r.coverage.excluded, Math.min(top, EXCLUDED_SHOWN), ['ENI', 'Region', 'Reason'], (e) => [e.eniId, e.regionId, e.reason]),
    '',
    '### Failed events',
    t.failedEvents ? `${plural(t.failedEvents, 'failed event')} drained from the failed-events queue; details in the full report.` : 'No failed events.',
    '',
    '### Errors',
    ...bounded('errors', r.errors, top, ['Context', 'Region', 'Error'], (e) => [e.context, e.regionId ?? '—', e.code ? `${e.code}: ${e.message}` : e.message]),
    '',
  ].join('\n');
}

/**
 * The summary for the MNS topic and chat: headline coverage, counts, the change since the last run, the tables per
 * rule and per collector, the top drift items and unmirrored ENIs (failures first) and the first not-in-scope ENIs,
 * each with "and N more", within `maxBytes` (UTF-8): tables shrink until it fits.
 */
export function renderMarkdown(report: DriftReport, opts: MarkdownOptions = {}): string {
  const maxBytes = opts.maxBytes ?? MARKDOWN_MAX_BYTES;
  for (let top = Math.max(0, Math.floor(opts.top ?? 10)); ; top = Math.floor(top / 2)) {
    const md = compose(report, top);
    if (top === 0 || Buffer.byteLength(md) <= maxBytes) return md;
  }
}
