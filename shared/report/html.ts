import { type ConsoleResource, consoleUrl } from './console-links.js';
import { PAGE_SCRIPT, PAGE_SCRIPT_SOURCE } from './html-script.js';
import { Html, type HtmlValue, html } from './html-template.js';
import type { Coverage, DriftItem, DriftReport, FailedEvent } from './model.js';
import {
  COLLECTOR_HEAD,
  COST_HEAD,
  changeRows,
  changeSummary,
  collectorCells,
  collectorKind,
  costCells,
  costLead,
  costRows,
  coverageHeadline,
  fleetPercent,
  forgedClaimsLead,
  formatPercent,
  formatTime,
  formatValue,
  headlineNotes,
  nearlyFull,
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
  unownedLead,
} from './present.js';
import { coveragePercent } from './totals.js';
import { UNAPPROVED_HEAD, unapprovedCells, unapprovedSummary } from './unapproved.js';

/** Coverage colours, shared by the chart, its legend and the cards; status colours live in the style sheet. */
const SHADES = { mirrored: '#1a7f37', optedOut: '#bf8700', excluded: '#8c959f', unmirrored: '#cf222e' } as const;
type State = keyof typeof SHADES;
const STATES: readonly State[] = ['mirrored', 'optedOut', 'excluded', 'unmirrored'];
const LABELS: Readonly<Record<State, string>> = { mirrored: 'Mirrored', optedOut: 'Opted out', excluded: 'Not in scope', unmirrored: 'Opted in but unmirrored' };

const STYLE = `
:root { --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --soft:#f6f8fa; --ok:${SHADES.mirrored}; --bad:${SHADES.unmirrored};
  --grey:${SHADES.excluded}; --warn:#9a6700; --info:#0969da; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 32px 32px 56px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 40px 0 8px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.headline { font-size: 20px; font-weight: 600; margin: 4px 0 16px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; color: var(--muted); }
.meta dt { font-weight: 600; color: var(--ink); }
.meta { grid-template-columns: max-content minmax(0, 1fr); }
.meta dd { margin: 0; overflow-wrap: break-word; }
.banner { margin: 16px 0 0; padding: 10px 14px; border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin: 24px 0 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; border-top: 4px solid var(--line); }
.card .n { display: block; font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); font-size: 13px; }
.card.mirrored { border-top-color: var(--ok); } .card.excluded { border-top-color: var(--grey); } .card.opted-out { border-top-color: ${SHADES.optedOut}; }
.card.unmirrored, .card.bad { border-top-color: var(--bad); } .card.partial { border-top-color: ${SHADES.optedOut}; }
.sub { color: var(--muted); margin: 0 0 12px; }
.chart { display: block; width: 100%; max-width: 1000px; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 24px; list-style: none; padding: 0; margin: 8px 0 0; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
/* A wide table scrolls inside its own box, so the page itself never scrolls sideways. */
.scroll { overflow-x: auto; max-width: 100%; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
/* Ids, regions and values are single words: cells never wrap but where a sentence is (a reason, an error). */
td { white-space: nowrap; }
td .small, td .prose { white-space: normal; }
.prose { display: block; min-width: 14em; max-width: 40em; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
button.sort { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
button.sort::after { content: " ↕"; color: var(--muted); }
th[aria-sort="ascending"] button.sort::after { content: " ↑"; } th[aria-sort="descending"] button.sort::after { content: " ↓"; }
.filter { margin: 8px 0; } .filter input { font: inherit; padding: 3px 8px; border: 1px solid var(--line); border-radius: 6px; min-width: 16em; margin-right: 8px; }
a { color: var(--info); }
tbody.item:nth-of-type(even) td { background: #fbfcfd; }
code, pre { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
/* An id is one word: never broken (a table that gets too wide scrolls instead); values wrap at their spaces only. */
code.id { white-space: nowrap; }
.nw { white-space: nowrap; }
/* A payload excerpt is no word of ours: it may break anywhere, in a box of its own width. */
pre { margin: 0; min-width: 20em; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 9em; overflow: auto; background: var(--soft); padding: 4px 6px; border-radius: 4px; }
td.actual code { background: #ffebe9; padding: 0 3px; border-radius: 3px; }
td.wanted code { background: #dafbe1; padding: 0 3px; border-radius: 3px; }
.small { display: block; color: var(--muted); font-size: 13px; }
.whole { color: var(--muted); font-style: italic; }
table.failed td:last-child { width: 40%; }
.warn { color: var(--warn); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; background: var(--grey); }
.badge.applied { background: var(--ok); } .badge.failed { background: var(--bad); } .badge.deferred { background: var(--warn); }
.badge.proposed { background: var(--info); } .badge.enforce { background: var(--ink); }
.error { color: var(--bad); }
.empty { color: var(--muted); font-style: italic; }
details { margin-top: 16px; } summary { cursor: pointer; font-weight: 600; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; } tr, .card { break-inside: avoid; } thead { display: table-header-group; }
  pre { max-height: none; overflow: visible; }
  /* Paper can't scroll sideways: break long words rather than cut a table off at the margin. */
  th, td { overflow-wrap: anywhere; } td, code.id, .nw { white-space: normal; } .scroll { overflow: visible; } .filter { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@page { margin: 14mm; }
`;

interface Row {
  readonly label: string;
  readonly counts: Readonly<Record<State, number>>;
}

function rowsOf(r: DriftReport): Row[] {
  const count = (c: Coverage, region?: string) => Object.fromEntries(STATES.map((s) => [s, c[s].filter((e) => region === undefined || e.regionId === region).length])) as Record<State, number>;
  const all = { label: r.regions.length > 1 ? 'All regions' : (r.regions[0] ?? 'All regions'), counts: count(r.coverage) };
  return r.regions.length > 1 ? [all, ...r.regions.map((region) => ({ label: region, counts: count(r.coverage, region) }))] : [all];
}

/** Stacked bars of mirrored / opted-out / not-in-scope / unmirrored ENIs: all regions, then each region when there are several. */
function chart(r: DriftReport): Html {
  const rows = rowsOf(r);
  const [labelW, barX, barW, rowH, gap] = [190, 200, 600, 28, 14];
  const height = rows.length * (rowH + gap) + gap;
  const bars = rows.map((row, i) => {
    const y = gap + i * (rowH + gap);
    const total = STATES.reduce((n, s) => n + row.counts[s], 0);
    let x = barX;
    const segments = STATES.map((s) => {
      const w = total ? (barW * row.counts[s]) / total : 0;
      const seg =
        w > 0
          ? html`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH}" fill="${SHADES[s]}"><title>${LABELS[s]}: ${row.counts[s]}</title></rect>${
              w >= 36 ? html`<text x="${(x + w / 2).toFixed(1)}" y="${y + rowH / 2}" class="in">${row.counts[s]}</text>` : ''
            }`
          : '';
      x += w;
      return seg;
    });
    const pct = coveragePercent(row.counts.mirrored, row.counts.unmirrored, row.counts.optedOut);
    return html`<g><text x="${labelW}" y="${y + rowH / 2}" class="label">${row.label}</text>${
      total ? segments : html`<rect x="${barX}" y="${y}" width="${barW}" height="${rowH}" fill="none" stroke="${SHADES.excluded}" stroke-dasharray="4 3"/>`
    }<text x="${barX + barW + 12}" y="${y + rowH / 2}" class="pct">${total ? `opted-in coverage ${formatPercent(pct)}` : 'no ENIs examined'}</text></g>`;
  });
  return html`<svg class="chart" viewBox="0 0 1000 ${height}" width="1000" height="${height}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">ENIs by coverage state: ${STATES.map((s) => `${rows[0].counts[s]} ${LABELS[s].toLowerCase()}`).join(', ')}</title>
<style>text { font: 14px system-ui, sans-serif; dominant-baseline: central; } .label { text-anchor: end; fill: #1f2328; }
.in { text-anchor: middle; fill: #fff; font-weight: 600; } .pct { fill: #59636e; }</style>
${bars}</svg>`;
}

const legend = (r: DriftReport) => html`<ul class="legend">${STATES.map((s) => html`<li><i style="background:${SHADES[s]}"></i>${LABELS[s]}: ${r.totals[s]}</li>`)}</ul>`;

interface TableOptions {
  /** Extra classes: `failed` for failure tables. */
  readonly cls?: string;
  /** Sortable by a click on a header, and filterable by a text box (the page script). */
  readonly interactive?: boolean;
  /** The table's name, for the filter box's label. */
  readonly label?: string;
  /** Header indexes of numeric columns, right-aligned. */
  readonly numeric?: readonly number[];
}

function tableOf(head: readonly string[], body: HtmlValue, empty: string, present: boolean, opts: TableOptions = {}): Html {
  if (!present) return html`<p class="empty">${empty}</p>`;
  const cls = [opts.cls, ...(opts.interactive ? ['sortable', 'filterable'] : [])].filter(Boolean).join(' ');
  return html`<div class="scroll"><table class="${cls}"${opts.label ? html` aria-label="${opts.label}"` : ''}><thead><tr>${head.map(
    (h, i) => html`<th scope="col"${opts.numeric?.includes(i) ? html` class="n"` : ''}>${h}</th>`,
  )}</tr></thead>${body}</table></div>`;
}

/** An id as one unbreakable word, linked to its console page when it is a well-formed id of that kind. */
function id(s: string | undefined, kind?: ConsoleResource, regionId?: string): Html {
  if (!s) return html`<span class="small">—</span>`;
  const url = kind && regionId !== undefined ? consoleUrl(kind, s, regionId) : undefined;
  return url ? html`<code class="id"><a href="${url}" rel="noreferrer" target="_blank">${s}</a></code>` : html`<code class="id">${s}</code>`;
}
const ids = (list: readonly string[], kind?: ConsoleResource, regionId?: string): HtmlValue => (list.length ? list.map((s, i) => [i ? ', ' : '', id(s, kind, regionId)]) : '—');
/** A value compared (wanted, actual): wraps at its own spaces, never inside a word. */
const value = (s: string) => html`<code>${s}</code>`;
const small = (s: string | undefined | false) => (s ? html`<span class="small">${s}</span>` : '');
/** A sentence in a cell (a reason, an error): it wraps, at a readable width. */
const prose = (s: string | undefined, cls = '') => (s ? html`<span class="prose${cls}">${s}</span>` : '');
const why = (s: string) => prose(s, ' small');
const region = (s: string) => html`<span class="nw">${s}</span>`;

/** One `tbody` per item, a row per differing field, so the item's action and status span its fields. */
function driftRows(i: DriftItem): Html {
  const fields = i.fields.length ? i.fields : [undefined];
  const span = fields.length;
  const kind = i.kind === 'eni' ? 'eni' : 'session';
  const relatedKind = i.kind === 'eni' ? 'session' : 'eni';
  const head = html`<td rowspan="${span}">${id(i.id, kind, i.regionId)}<span class="small">${i.kind === 'eni' ? 'ENI' : 'session'} · ${region(i.regionId)}</span>${
    i.related?.length ? html`<span class="small">with ${ids(i.related, relatedKind, i.regionId)}</span>` : ''
  }</td><td rowspan="${span}">${i.rule ?? '—'}</td>`;
  const tail = html`<td rowspan="${span}"><strong>${i.action.kind}</strong>${why(i.action.reason)}</td><td rowspan="${span}"><span class="badge ${i.action.status}">${i.action.status}</span>${
    i.action.error ? prose(i.action.error, ' small error') : ''
  }</td>`;
  return html`<tbody class="item">${fields.map(
    (f, n) =>
      html`<tr>${n === 0 ? head : ''}${
        f
          ? html`<td>${f.field}</td><td class="wanted">${value(formatValue(f.wanted))}</td><td class="actual">${value(formatValue(f.actual))}</td>`
          : html`<td colspan="3" class="whole">the whole resource</td>`
      }${n === 0 ? tail : ''}</tr>`,
  )}</tbody>`;
}

function origin(f: FailedEvent): Html {
  const o = f.origin;
  if (!o) return html`<span class="small">not recoverable</span>`;
  return html`${o.type ?? 'event'}${small(o.id && `id ${o.id}`)}${small(o.source)}${small(o.count !== undefined && `batch of ${o.count}`)}`;
}

const rows = <T>(list: readonly T[], cells: (x: T) => HtmlValue[], numeric: readonly number[] = []) =>
  html`<tbody>${list.map((x) => html`<tr>${cells(x).map((c, i) => (numeric.includes(i) ? html`<td class="n">${c}</td>` : html`<td>${c}</td>`))}</tr>`)}</tbody>`;

/** Sessions claiming automirror's ownership without a valid proof: first, since someone wrote automirror's tags. */
function forged(r: DriftReport): Html | string {
  const claims = r.forgedClaims ?? [];
  if (claims.length === 0) return '';
  return html`<section><h2 id="forged-claims">Forged ownership claims</h2>
<p class="sub error">${forgedClaimsLead(claims.length)}</p>
${tableOf(
  ['Session', 'Region', 'Claimed rule', 'Sources', 'Target', 'Why'],
  rows(claims, (c) => [
    id(c.sessionId, 'session', c.regionId),
    c.regionId,
    c.claimedRule ?? '—',
    ids(c.sourceIds, 'eni', c.regionId),
    id(c.target),
    html`<strong>${c.verdict}</strong>${why(c.reason)}`,
  ]),
  '',
  true,
)}</section>`;
}

/** Temporary-mirroring tags and what became of them; only when some were found. */
function temporary(r: DriftReport): Html | string {
  const list = r.temporary ?? [];
  if (list.length === 0) return '';
  return html`<section><h2 id="temporary">Temporary mirroring</h2>
<p class="sub">${temporaryLead(list)}.</p>
${tableOf(
  [...TEMPORARY_HEAD],
  rows(list, (t) => {
    const c = temporaryCells(t);
    return [
      id(t.eniId, 'eni', t.regionId),
      c[1],
      html`<code>${c[2]}</code>`,
      t.status === 'invalid' || t.status === 'unusable' ? html`<strong class="error">${c[3]}</strong>` : c[3],
      c[4],
      c[5],
      ids(t.sessionIds, 'session', t.regionId),
      why(c[7]),
    ];
  }),
  '',
  true,
)}</section>`;
}

/** Sessions nobody claims for automirror, classified; only when there are any. */
function unowned(r: DriftReport): Html | string {
  const list = r.unownedSessions ?? [];
  if (list.length === 0) return '';
  return html`<section><h2 id="unowned">Sessions automirror does not own</h2>
<p class="sub">${unownedLead(list)}.</p>
${tableOf(
  ['Session', 'Region', 'Class', 'Sources', 'Target', 'Why'],
  rows(list, (u) => [
    id(u.sessionId, 'session', u.regionId),
    u.regionId,
    u.class === 'conflicting' ? html`<strong>${u.class}</strong>` : u.class,
    ids(u.sourceIds, 'eni', u.regionId),
    id(u.target),
    why(u.why),
  ]),
  '',
  true,
)}</section>`;
}

/** What changed since the previous run on record, or that there is none. */
function change(r: DriftReport): Html {
  const c = r.change;
  const listed = c ? changeRows(c) : [];
  const named = c ? c.counts.newUnmirrored + c.counts.fixed + c.counts.newOptOuts : 0;
  return html`<section><h2 id="change">Since the last run</h2>
<p class="sub${c?.counts.newUnmirrored ? ' error' : ''}">${changeSummary(r)}.</p>
${
  listed.length
    ? tableOf(
        ['Change', 'ENI', 'Region', 'Rule'],
        rows(listed, (x) => [x.what === 'newly unmirrored' ? html`<strong class="error">${x.what}</strong>` : x.what, id(x.eni.eniId, 'eni', x.eni.regionId), x.eni.regionId, x.eni.rule ?? '—']),
        '',
        true,
        { interactive: true, label: 'changes since the last run' },
      )
    : ''
}${named > listed.length ? html`<p class="small">…and ${named - listed.length} more in the JSON report's counts.</p>` : ''}</section>`;
}

/** Per rule (every rule of the policy) and per collector, with how full each collector is. */
function breakdown(r: DriftReport): Html {
  const collectors = r.collectors ?? [];
  return html`<section><h2 id="rules">Per rule</h2>
<p class="sub">The ENIs each rule selects, by state, and automirror's sessions of the rule when the run ended.</p>
${tableOf(
  RULE_HEAD,
  rows(ruleRows(r), (x) => ruleCells(x).map((c, i) => (i === 3 && x.unmirrored ? html`<span class="error">${c}</span>` : c)), [1, 2, 3, 4, 5, 6]),
  '',
  true,
  { interactive: true, label: 'rules', numeric: [1, 2, 3, 4, 5, 6], cls: 'rules' },
)}</section>
<section><h2 id="collectors">Collectors</h2>
<p class="sub">Each target of the rules' pools that selected ENIs: the sessions toward it (anyone's), the sources they hold and the capacity the policy gives it (by default the cloud's limit: 500 sources for an internal CLB, 20 for an ENI). The zone is the one the scan read (an ENI's own, a CLB's primary zone), else the one the policy's pool assigns it, marked "(policy)".</p>
${tableOf(
  COLLECTOR_HEAD,
  rows(
    collectors,
    (c) => {
      const [, ...cells] = collectorCells(c);
      const target = html`${collectorKind(c.target.kind)} ${id(c.target.id, c.target.kind === 'NetworkInterface' ? 'eni' : 'clb', c.regionId)}`;
      return [target, ...cells.slice(0, 5), nearlyFull(c) ? html`<strong class="warn">${cells[5]}</strong>` : cells[5]];
    },
    [4, 5, 6],
  ),
  r.collectors ? 'No rule selected an ENI, so no collector is in use.' : 'Not counted: this report was not made from a region run.',
  collectors.length > 0,
  { interactive: true, label: 'collectors', numeric: [4, 5, 6] },
)}</section>`;
}

/** What automirror's mirroring costs a month, per rule and for the account; only in a report made from a region run. */
function cost(r: DriftReport): Html | '' {
  const c = r.cost;
  if (!c) return '';
  const list = costRows(r, c);
  return html`
<section><h2 id="cost">Cost</h2>
<p class="sub">${costLead(c)}</p>
${tableOf(
  COST_HEAD,
  rows(list, (x) => costCells(c, x), [2, 3, 4, 5, 6]),
  'No rules.',
  list.length > 0,
  { interactive: true, label: 'cost', numeric: [2, 3, 4, 5] },
)}</section>`;
}

function sections(r: DriftReport): Html {
  const t = r.totals;
  const { mirrored, optedOut, excluded, unmirrored } = r.coverage;
  const foreign = r.foreignSessions;
  const overridden = overriddenOptOuts(r);
  const notes = headlineNotes(r);
  return html`${forged(r)}
<section><h2 id="unapproved">Unapproved mirroring</h2>
<p class="sub${foreign.unapproved.length ? ' error' : ''}">${unapprovedSummary(foreign)}. Sessions automirror does not own, toward collectors the policy does not approve: each copies its sources' traffic.</p>
${tableOf(
  UNAPPROVED_HEAD,
  rows(foreign.unapproved, (u) => {
    const c = unapprovedCells(u);
    return [html`${id(u.sessionId, 'session', u.regionId)}${small(u.name)}`, c[1], ids(u.sourceIds, 'eni', u.regionId), html`<code class="id">${c[3]}</code>`, prose(c[4]), prose(c[5])];
  }),
  'None.',
  foreign.unapproved.length > 0,
)}</section>${
    overridden.length
      ? html`
<section><h2 id="overridden-opt-outs" class="error">Overridden opt-outs</h2>
<p class="sub">Opt-outs the policy did not honour (an opt-out tag set, or the tag a rule selects on removed or changed): by a principal outside optOut.allowedPrincipals, by an unknown one, or on a protected resource. These ENIs stay mirrored.</p>
${tableOf(
  ['ENI', 'Instance', 'Region', 'Opted out by', 'Reason'],
  rows(overridden, (o) => [id(o.eniId, 'eni', o.regionId), id(o.instanceId, 'instance', o.regionId), o.regionId, optOutWho(o.optOut), prose(o.optOut.reason)]),
  '',
  true,
  { cls: 'failed' },
)}</section>`
      : ''
  }
<section><h2 id="coverage">Coverage</h2>
<p class="sub">${coverageHeadline(t)}${notes.length ? `; ${notes.join('; ')}` : ''}.</p>
${chart(r)}${legend(r)}
${
  mirrored.length
    ? html`<details><summary>Mirrored ENIs (${mirrored.length})</summary>${tableOf(
        ['ENI', 'Instance', 'Region', 'Rule', 'Sessions'],
        rows(mirrored, (m) => [id(m.eniId, 'eni', m.regionId), id(m.instanceId, 'instance', m.regionId), m.regionId, m.rule, ids(m.sessionIds, 'session', m.regionId)]),
        '',
        true,
        { interactive: true, label: 'mirrored ENIs' },
      )}</details>`
    : ''
}</section>
${change(r)}
${breakdown(r)}${cost(r)}
${temporary(r)}
${unowned(r)}
<section><h2 id="drift">Drift</h2>
<p class="sub">${t.items ? `${plural(t.items, 'item')}, ${plural(t.fields, 'differing field')}: ${statusCounts(t)}. Failures first.` : 'Nothing differs from what the policy wants.'}</p>
${tableOf(['Resource', 'Rule', 'Field', 'Wanted', 'Actual', 'Action', 'Status'], rankItems(r.items).map(driftRows), 'No drift.', t.items > 0, { interactive: true, label: 'drift items', cls: 'drift' })}</section>
<section><h2 id="unmirrored">Unmirrored ENIs</h2>
<p class="sub">ENIs the policy opts in that were not mirrored when the run ended.</p>
${tableOf(
  ['ENI', 'Instance', 'Region', 'Rule', 'Reason'],
  rows(unmirrored, (u) => [id(u.eniId, 'eni', u.regionId), id(u.instanceId, 'instance', u.regionId), u.regionId, u.rule ?? '—', prose(u.reason)]),
  'None: every opted-in ENI is mirrored.',
  unmirrored.length > 0,
  { interactive: true, label: 'unmirrored ENIs' },
)}</section>
<section><h2 id="opted-out">Opted out</h2>
<p class="sub">ENIs a rule would mirror that an honoured opt-out tag takes out: who set it, and when.</p>
${tableOf(
  ['ENI', 'Instance', 'Region', 'Rule', 'Opted out by', 'Tag on'],
  rows(optedOut, (o) => [
    id(o.eniId, 'eni', o.regionId),
    id(o.instanceId, 'instance', o.regionId),
    o.regionId,
    o.rule,
    optOutWho(o),
    html`${o.on} ${id(o.resourceId, o.on === 'ENI' ? 'eni' : 'instance', o.regionId)}${small(`${o.tag}=${o.value}`)}`,
  ]),
  'None.',
  optedOut.length > 0,
  { interactive: true, label: 'opted-out ENIs' },
)}</section>
<section><h2 id="excluded">Not in scope</h2>
<p class="sub">ENIs no rule would mirror.</p>
${tableOf(
  ['ENI', 'Instance', 'Region', 'Reason'],
  rows(excluded, (e) => [id(e.eniId, 'eni', e.regionId), id(e.instanceId, 'instance', e.regionId), e.regionId, prose(e.reason)]),
  'None.',
  excluded.length > 0,
  { interactive: true, label: 'ENIs not in scope' },
)}</section>
<section><h2 id="failed-events">Failed events</h2>
<p class="sub">Invocations that failed after all retries, drained from the failed-events queue.</p>
${tableOf(
  ['Message', 'Event', 'Attempts', 'Error', 'Body excerpt'],
  rows(r.failedEvents, (f) => [
    html`${id(f.messageId)}${small(f.failedAt ? formatTime(f.failedAt) : 'time unknown')}`,
    html`${origin(f)}${small(f.requestId && `request ${f.requestId}`)}${small(f.functionArn)}`,
    f.attempts ?? '—',
    prose(f.error, ' error'),
    html`<pre>${f.excerpt}</pre>${small(f.bodyLength > f.excerpt.length && `${f.excerpt.length} of ${f.bodyLength} characters`)}`,
  ]),
  'None.',
  r.failedEvents.length > 0,
  { cls: 'failed' },
)}</section>
<section><h2 id="errors">Errors</h2>
${tableOf(
  ['Context', 'Region', 'Code', 'Message'],
  rows(r.errors, (e) => [e.context, e.regionId ?? '—', id(e.code), prose(e.message, ' error')]),
  'None.',
  r.errors.length > 0,
)}</section>`;
}

/** The page's content security policy: nothing external, no script but the page's own (by its hash). */
export const PAGE_CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${PAGE_SCRIPT_SOURCE}`;

/**
 * The report as one self-contained HTML page for a person: no external resource and no script but its own sort and
 * filter script (the content security policy allows that one by its hash, so even a rendering bug can't load or run
 * anything), every value from the report escaped, console links only for well-formed ids.
 */
export function renderHtml(report: DriftReport): string {
  const r = report;
  const t = r.totals;
  const policy = `${r.policy.source}${r.policy.revision ? ` @ ${r.policy.revision}` : ''}`;
  const cards: Array<[string, string | number, string]> = [
    ['Unapproved sessions', r.foreignSessions.unapproved.length, r.foreignSessions.unapproved.length ? 'bad' : ''],
    ['Opted-in coverage', formatPercent(t.coveragePercent), t.unmirrored || t.optedOut ? 'bad' : 'mirrored'],
    ['Fleet coverage', formatPercent(fleetPercent(t)), t.mirrored < t.enis ? 'partial' : 'mirrored'],
    ['Mirrored', t.mirrored, 'mirrored'],
    ['Opted in but unmirrored', t.unmirrored, 'unmirrored'],
    ['Opted out', t.optedOut, t.optedOut ? 'opted-out' : ''],
    ['Not in scope', t.excluded, 'excluded'],
    ...(t.overriddenOptOuts ? [['Overridden opt-outs', t.overriddenOptOuts, 'bad'] as [string, number, string]] : []),
    ['Drift items', t.items, ''],
    ['Failed events', t.failedEvents, t.failedEvents ? 'bad' : ''],
    ['Errors', t.errors, t.errors ? 'bad' : ''],
  ];
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>automirror drift report · opted-in coverage ${formatPercent(t.coveragePercent)}, fleet coverage ${formatPercent(fleetPercent(t))} · ${formatTime(r.generatedAt)}</title>
<style>${STYLE}</style>
</head>
<body><main>
<header>
<h1>automirror drift report</h1>
<p class="headline">${coverageHeadline(t)}</p>
<dl class="meta">
<dt>Generated</dt><dd>${formatTime(r.generatedAt)}</dd>
<dt>Mode</dt><dd><span class="badge ${r.mode}">${r.mode}</span> ${r.mode === 'enforce' ? 'drift is repaired' : 'drift is reported, not repaired'}</dd>
${r.accountId !== undefined ? html`<dt>Account</dt><dd>${r.accountId}</dd>` : ''}
<dt>Regions</dt><dd>${r.regions.join(', ') || '—'}</dd>
<dt>Policy</dt><dd>${policy}; rules ${r.policy.rules.join(', ') || '—'}</dd>
<dt>Run</dt><dd>${runState(r.run)}; ${formatTime(r.run.startedAt)} to ${formatTime(r.run.finishedAt)}, ${plural(r.run.parts, 'invocation')}${
    r.run.apiCalls !== undefined ? `, ${plural(r.run.apiCalls, 'API call')}` : ''
  }</dd>
</dl>
${r.run.complete ? '' : html`<p class="banner"><strong>Incomplete run.</strong> Not every ENI in scope was examined: coverage below counts only those that were.</p>`}
<div class="cards">${cards.map(([label, n, tone]) => html`<div class="card ${tone}"><span class="n">${n}</span><span class="l">${label}</span></div>`)}</div>
</header>
${sections(r)}
<footer>${r.schema} version ${r.version}. The JSON report is the record; this page renders it. Sorting and filtering need JavaScript; without it the tables read as they are.</footer>
</main>
<script>${new Html(PAGE_SCRIPT)}</script>
</body>
</html>
`;
  return page.markup;
}
