import { type Html, type HtmlValue, html } from './html-template.js';
import type { Coverage, DriftItem, DriftReport, FailedEvent } from './model.js';
import { coverageHeadline, formatPercent, formatTime, formatValue, optOutWho, overriddenOptOuts, plural, rankItems, runState, scopeParts, statusCounts } from './present.js';
import { coveragePercent } from './totals.js';
import { UNAPPROVED_HEAD, unapprovedCells, unapprovedSummary } from './unapproved.js';

/** Coverage colours, shared by the chart, its legend and the cards; status colours live in the style sheet. */
const SHADES = { mirrored: '#1a7f37', optedOut: '#bf8700', excluded: '#8c959f', unmirrored: '#cf222e' } as const;
type State = keyof typeof SHADES;
const STATES: readonly State[] = ['mirrored', 'optedOut', 'excluded', 'unmirrored'];
const LABELS: Readonly<Record<State, string>> = { mirrored: 'Mirrored', optedOut: 'Opted out', excluded: 'Not in scope', unmirrored: 'Unmirrored' };

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
.meta dd { margin: 0; overflow-wrap: anywhere; }
.banner { margin: 16px 0 0; padding: 10px 14px; border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin: 24px 0 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; border-top: 4px solid var(--line); }
.card .n { display: block; font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); font-size: 13px; }
.card.mirrored { border-top-color: var(--ok); } .card.excluded { border-top-color: var(--grey); } .card.opted-out { border-top-color: ${SHADES.optedOut}; }
.card.unmirrored, .card.bad { border-top-color: var(--bad); }
.sub { color: var(--muted); margin: 0 0 12px; }
.chart { display: block; width: 100%; max-width: 1000px; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 24px; list-style: none; padding: 0; margin: 8px 0 0; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.scroll { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
tbody.item:nth-of-type(even) td { background: #fbfcfd; }
/* Ids and payloads have no spaces to wrap at: let them break anywhere rather than widen the table. */
code, pre { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 9em; overflow: auto; background: var(--soft); padding: 4px 6px; border-radius: 4px; }
td.actual code { background: #ffebe9; padding: 0 3px; border-radius: 3px; }
td.wanted code { background: #dafbe1; padding: 0 3px; border-radius: 3px; }
.small { display: block; color: var(--muted); font-size: 13px; }
.whole { color: var(--muted); font-style: italic; }
table.failed td:last-child { width: 40%; }
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
  th, td { overflow-wrap: anywhere; } .scroll { overflow: visible; }
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
  const [labelW, barX, barW, rowH, gap] = [190, 200, 640, 28, 14];
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
    }<text x="${barX + barW + 12}" y="${y + rowH / 2}" class="pct">${total ? `${formatPercent(pct)} covered` : 'no ENIs examined'}</text></g>`;
  });
  return html`<svg class="chart" viewBox="0 0 1000 ${height}" width="1000" height="${height}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">ENIs by coverage state: ${STATES.map((s) => `${rows[0].counts[s]} ${LABELS[s].toLowerCase()}`).join(', ')}</title>
<style>text { font: 14px system-ui, sans-serif; dominant-baseline: central; } .label { text-anchor: end; fill: #1f2328; }
.in { text-anchor: middle; fill: #fff; font-weight: 600; } .pct { fill: #59636e; }</style>
${bars}</svg>`;
}

const legend = (r: DriftReport) => html`<ul class="legend">${STATES.map((s) => html`<li><i style="background:${SHADES[s]}"></i>${LABELS[s]}: ${r.totals[s]}</li>`)}</ul>`;

function tableOf(head: readonly string[], body: HtmlValue, empty: string, present: boolean, cls = ''): Html {
  if (!present) return html`<p class="empty">${empty}</p>`;
  return html`<div class="scroll"><table class="${cls}"><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>${body}</table></div>`;
}

const code = (s: string | undefined) => (s ? html`<code>${s}</code>` : html`<span class="small">—</span>`);
const small = (s: string | undefined | false) => (s ? html`<span class="small">${s}</span>` : '');

/** One `tbody` per item, a row per differing field, so the item's action and status span its fields. */
function driftRows(i: DriftItem): Html {
  const fields = i.fields.length ? i.fields : [undefined];
  const span = fields.length;
  const head = html`<td rowspan="${span}">${code(i.id)}${small(`${i.kind === 'eni' ? 'ENI' : 'session'} · ${i.regionId}`)}${small(
    i.related?.length ? `with ${i.related.join(', ')}` : false,
  )}</td><td rowspan="${span}">${i.rule ?? '—'}</td>`;
  const tail = html`<td rowspan="${span}"><strong>${i.action.kind}</strong>${small(i.action.reason)}</td><td rowspan="${span}"><span class="badge ${i.action.status}">${i.action.status}</span>${
    i.action.error ? html`<span class="small error">${i.action.error}</span>` : ''
  }</td>`;
  return html`<tbody class="item">${fields.map(
    (f, n) =>
      html`<tr>${n === 0 ? head : ''}${
        f
          ? html`<td>${f.field}</td><td class="wanted">${code(formatValue(f.wanted))}</td><td class="actual">${code(formatValue(f.actual))}</td>`
          : html`<td colspan="3" class="whole">the whole resource</td>`
      }${n === 0 ? tail : ''}</tr>`,
  )}</tbody>`;
}

function origin(f: FailedEvent): Html {
  const o = f.origin;
  if (!o) return html`<span class="small">not recoverable</span>`;
  return html`${o.type ?? 'event'}${small(o.id && `id ${o.id}`)}${small(o.source)}${small(o.count !== undefined && `batch of ${o.count}`)}`;
}

const rows = <T>(list: readonly T[], cells: (x: T) => HtmlValue[]) => html`<tbody>${list.map((x) => html`<tr>${cells(x).map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>`;

/** Sessions claiming automirror's ownership without a valid proof: first, since someone wrote automirror's tags. */
function forged(r: DriftReport): Html | string {
  const claims = r.forgedClaims ?? [];
  if (claims.length === 0) return '';
  return html`<section><h2 id="forged-claims">Forged ownership claims</h2>
<p class="sub error">${plural(claims.length, 'session')} carry automirror's ownership tag without a valid proof: never modified or deleted by automirror. Find who tagged them (ActionTrail, TagResources).</p>
${tableOf(
  ['Session', 'Region', 'Claimed rule', 'Sources', 'Target', 'Why'],
  rows(claims, (c) => [code(c.sessionId), c.regionId, c.claimedRule ?? '—', c.sourceIds.join(', ') || '—', code(c.target), html`<strong>${c.verdict}</strong>${small(c.reason)}`]),
  '',
  true,
)}</section>`;
}

function sections(r: DriftReport): Html {
  const t = r.totals;
  const { mirrored, optedOut, excluded, unmirrored } = r.coverage;
  const foreign = r.foreignSessions;
  const overridden = overriddenOptOuts(r);
  return html`${forged(r)}
<section><h2 id="unapproved">Unapproved mirroring</h2>
<p class="sub${foreign.unapproved.length ? ' error' : ''}">${unapprovedSummary(foreign)}. Sessions automirror does not own, toward collectors the policy does not approve: each copies its sources' traffic.</p>
${tableOf(
  UNAPPROVED_HEAD,
  rows(foreign.unapproved, (u) => unapprovedCells(u).map((c, i) => (i === 0 || i === 3 ? code(c) : c))),
  'None.',
  foreign.unapproved.length > 0,
)}</section>${
    overridden.length
      ? html`
<section><h2 id="overridden-opt-outs" class="error">Overridden opt-outs</h2>
<p class="sub">Opt-outs the policy did not honour (an opt-out tag set, or the tag a rule selects on removed or changed): by a principal outside optOut.allowedPrincipals, by an unknown one, or on a protected resource. These ENIs stay mirrored.</p>
${tableOf(
  ['ENI', 'Instance', 'Region', 'Opted out by', 'Reason'],
  rows(overridden, (o) => [code(o.eniId), code(o.instanceId), o.regionId, optOutWho(o.optOut), o.optOut.reason]),
  '',
  true,
  'failed',
)}</section>`
      : ''
  }
<section><h2 id="coverage">Coverage</h2>
<p class="sub">${coverageHeadline(t)}; ${scopeParts(r).join('; ')}; ${plural(t.enis, 'ENI')} examined.</p>
${chart(r)}${legend(r)}
${
  mirrored.length
    ? html`<details><summary>Mirrored ENIs (${mirrored.length})</summary>${tableOf(
        ['ENI', 'Instance', 'Region', 'Rule', 'Sessions'],
        rows(mirrored, (m) => [code(m.eniId), code(m.instanceId), m.regionId, m.rule, m.sessionIds.join(', ')]),
        '',
        true,
      )}</details>`
    : ''
}</section>
<section><h2 id="drift">Drift</h2>
<p class="sub">${t.items ? `${plural(t.items, 'item')}, ${plural(t.fields, 'differing field')}: ${statusCounts(t)}. Failures first.` : 'Nothing differs from what the policy wants.'}</p>
${tableOf(['Resource', 'Rule', 'Field', 'Wanted', 'Actual', 'Action', 'Status'], rankItems(r.items).map(driftRows), 'No drift.', t.items > 0)}</section>
<section><h2 id="unmirrored">Unmirrored ENIs</h2>
<p class="sub">ENIs the policy opts in that were not mirrored when the run ended.</p>
${tableOf(
  ['ENI', 'Instance', 'Region', 'Rule', 'Reason'],
  rows(unmirrored, (u) => [code(u.eniId), code(u.instanceId), u.regionId, u.rule ?? '—', u.reason]),
  'None: every opted-in ENI is mirrored.',
  unmirrored.length > 0,
)}</section>
<section><h2 id="opted-out">Opted out</h2>
<p class="sub">ENIs a rule would mirror that an honoured opt-out tag takes out: who set it, and when.</p>
${tableOf(
  ['ENI', 'Instance', 'Region', 'Rule', 'Opted out by', 'Tag on'],
  rows(optedOut, (o) => [code(o.eniId), code(o.instanceId), o.regionId, o.rule, optOutWho(o), html`${o.on} ${code(o.resourceId)}${small(`${o.tag}=${o.value}`)}`]),
  'None.',
  optedOut.length > 0,
)}</section>
<section><h2 id="excluded">Not in scope</h2>
<p class="sub">ENIs no rule would mirror.</p>
${tableOf(
  ['ENI', 'Instance', 'Region', 'Reason'],
  rows(excluded, (e) => [code(e.eniId), code(e.instanceId), e.regionId, e.reason]),
  'None.',
  excluded.length > 0,
)}</section>
<section><h2 id="failed-events">Failed events</h2>
<p class="sub">Invocations that failed after all retries, drained from the failed-events queue.</p>
${tableOf(
  ['Message', 'Event', 'Attempts', 'Error', 'Body excerpt'],
  rows(r.failedEvents, (f) => [
    html`${code(f.messageId)}${small(f.failedAt ? formatTime(f.failedAt) : 'time unknown')}`,
    html`${origin(f)}${small(f.requestId && `request ${f.requestId}`)}${small(f.functionArn)}`,
    f.attempts ?? '—',
    html`<span class="error">${f.error}</span>`,
    html`<pre>${f.excerpt}</pre>${small(f.bodyLength > f.excerpt.length && `${f.excerpt.length} of ${f.bodyLength} characters`)}`,
  ]),
  'None.',
  r.failedEvents.length > 0,
  'failed',
)}</section>
<section><h2 id="errors">Errors</h2>
${tableOf(
  ['Context', 'Region', 'Code', 'Message'],
  rows(r.errors, (e) => [e.context, e.regionId ?? '—', code(e.code), html`<span class="error">${e.message}</span>`]),
  'None.',
  r.errors.length > 0,
)}</section>`;
}

/**
 * The report as one self-contained HTML page for a person: no script, no external resource (the content security
 * policy forbids both, so even a rendering bug can't load or run anything), every value from the report escaped.
 */
export function renderHtml(report: DriftReport): string {
  const r = report;
  const t = r.totals;
  const policy = `${r.policy.source}${r.policy.revision ? ` @ ${r.policy.revision}` : ''}`;
  const cards: Array<[string, string | number, string]> = [
    ['Unapproved sessions', r.foreignSessions.unapproved.length, r.foreignSessions.unapproved.length ? 'bad' : ''],
    ['Coverage', formatPercent(t.coveragePercent), t.unmirrored ? 'bad' : 'mirrored'],
    ['Mirrored', t.mirrored, 'mirrored'],
    ['Opted out', t.optedOut, t.optedOut ? 'opted-out' : ''],
    ['Not in scope', t.excluded, 'excluded'],
    ...(t.overriddenOptOuts ? [['Overridden opt-outs', t.overriddenOptOuts, 'bad'] as [string, number, string]] : []),
    ['Unmirrored', t.unmirrored, 'unmirrored'],
    ['Drift items', t.items, ''],
    ['Failed events', t.failedEvents, t.failedEvents ? 'bad' : ''],
    ['Errors', t.errors, t.errors ? 'bad' : ''],
  ];
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>automirror drift report · ${formatPercent(t.coveragePercent)} · ${formatTime(r.generatedAt)}</title>
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
<footer>${r.schema} version ${r.version}. The JSON report is the record; this page renders it.</footer>
</main></body>
</html>
`;
  return page.markup;
}
