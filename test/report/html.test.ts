import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consoleUrl } from '../../shared/report/console-links.js';
import { PAGE_CSP, renderHtml } from '../../shared/report/html.js';
import { PAGE_SCRIPT } from '../../shared/report/html-script.js';
import { escapeHtml, html } from '../../shared/report/html-template.js';
import { builder, SCRIPT, sampleReport } from './fixture.js';

describe('the HTML report', () => {
  const page = renderHtml(sampleReport());

  it('is one self-contained page: no external resource, no script but its own, a policy that allows that one by its hash', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/<link|<img|<iframe|\bsrc=|@import|url\(/i);
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain(`<script>${PAGE_SCRIPT}</script>`);
    const hash = createHash('sha256').update(PAGE_SCRIPT).digest('base64');
    expect(page).toContain(`content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; script-src &#39;sha256-${hash}&#39;"`);
    expect(PAGE_CSP).not.toMatch(/script-src[^;]*unsafe/);
    // Links only to the console, never loaded: the page's one host besides the SVG namespace.
    const urls = [...page.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0]).filter((u) => u !== 'http://www.w3.org/2000/svg');
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^https:\/\/(ecs|vpc|slb)\.console\.aliyun\.com\//);
  });

  it("links ENIs, instances and CLBs to their console pages in their region, sessions to their region's list, and only well-formed ids", () => {
    expect(page).toContain('<a href="https://ecs.console.aliyun.com/networkInterfaces/region/cn-shanghai/detail/eni-db2" rel="noreferrer" target="_blank">eni-db2</a>');
    expect(page).toContain('<a href="https://ecs.console.aliyun.com/server/i-db1/detail?regionId=cn-hangzhou" rel="noreferrer" target="_blank">i-db1</a>');
    expect(page).toContain('<a href="https://vpc.console.aliyun.com/traffic-mirror/cn-hangzhou/sessions" rel="noreferrer" target="_blank">tms-web5</a>');
    expect(consoleUrl('eni', 'eni-x"><b', 'cn-hangzhou')).toBeUndefined();
    expect(consoleUrl('eni', 'eni-ok1', 'cn-hangzhou/../../x')).toBeUndefined();
    expect(consoleUrl('instance', 'eni-ok1', 'cn-hangzhou')).toBeUndefined();
    expect(page).toContain('<a href="https://slb.console.aliyun.com/slb/cn-hangzhou/slbs/lb-web01h" rel="noreferrer" target="_blank">lb-web01h</a>');
    expect(consoleUrl('clb', 'lb-x/../y', 'cn-hangzhou')).toBeUndefined();
    expect(consoleUrl('clb', 'eni-ok1', 'cn-hangzhou')).toBeUndefined();
    expect(consoleUrl('clb', 'lb-ok1', 'cn-hangzhou?x')).toBeUndefined();
    const hostile = renderHtml(sampleReport({ hostile: true }));
    expect(hostile).not.toMatch(/href="[^"]*(onmouseover|alert|%22)/);
  });

  it('leads with both coverages, named, and the fleet split four ways', () => {
    expect(page).toContain(
      '<p class="headline">Opted-in coverage 92.3% (24 of 26 ENIs a rule selects) · fleet coverage 82.7% (24 of 29 ENIs): 24 mirrored, 2 opted in but unmirrored, 0 opted out, 3 not in scope</p>',
    );
    for (const card of ['Opted-in coverage', 'Fleet coverage', 'Opted in but unmirrored', 'Opted out', 'Not in scope']) expect(page).toContain(`<span class="l">${card}</span>`);
    expect(page).toMatch(/<title>automirror drift report · opted-in coverage 92\.3%, fleet coverage 82\.7% · [^<]+<\/title>/);
    expect(page).toMatch(/<text [^>]*class="pct">opted-in coverage 92\.3%<\/text>/);
  });

  it('shows the change since the last run, or says there is none on record', () => {
    expect(page).toContain('Since the run of 2025-06-01 02:00:00 UTC: opted-in coverage 88.4% → 92.3%; 1 newly unmirrored, 1 fixed, 0 new opt-outs.');
    expect(page).toContain('<strong class="error">newly unmirrored</strong>');
    expect(renderHtml(sampleReport({ firstRun: true }))).toContain('No earlier run on record.');
  });

  it('has the expected section headings, an inline SVG chart and the drift table', () => {
    const headings = [...page.matchAll(/<h2[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual([
      'Unapproved mirroring',
      'Coverage',
      'Since the last run',
      'Per rule',
      'Collectors',
      'Cost',
      'Drift',
      'Unmirrored ENIs',
      'Opted out',
      'Not in scope',
      'Failed events',
      'Errors',
    ]);
    expect(page).toMatch(/<svg class="chart"[^>]*role="img"/);
    for (const th of ['Field', 'Wanted', 'Actual', 'Action', 'Status', 'ENIs wanted', 'Capacity used']) expect(page).toMatch(new RegExp(`<th scope="col"( class="n")?>${th}</th>`));
    expect(page).toContain('<table class="drift sortable filterable" aria-label="drift items">');
    expect(page).toContain('<strong class="warn">19 / 20 (95.0%)</strong>');
    expect(page).toContain('<span class="badge failed">failed</span>');
    expect(page).toContain('secondary ENI; rule prod-web mirrors primary ENIs only');
    expect(page).toContain('CreateTrafficMirrorSession failed: QuotaExceeded.TrafficMirrorSession');
  });

  it('renders an empty report with empty states rather than empty tables', () => {
    const empty = renderHtml(builder().finish());
    expect(empty).toContain('No drift.');
    expect(empty).toContain('None: every opted-in ENI is mirrored.');
    expect(empty.match(/<table/g)).toHaveLength(1);
    expect(empty).toContain('<table class="rules sortable filterable"');
    expect(empty).toContain('Not counted: this report was not made from a region run.');
    expect(empty).toContain('no ENIs examined');
  });

  it('warns when the run is incomplete', () => {
    expect(renderHtml(builder().finish({ truncated: true }))).toContain('<strong>Incomplete run.</strong>');
    expect(page).not.toContain('Incomplete run.');
  });
});

describe('hostile strings in the HTML report', () => {
  it('escapes tags and both quotes, and defuses bidirectional overrides', () => {
    expect(escapeHtml(`${SCRIPT}"'&`)).toBe('&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#38;');
    expect(escapeHtml('eni-\u202Ecba')).toBe('eni-\uFFFDcba');
    expect(html`<td title="${'" onclick="x'}">${[SCRIPT, html`<b>ok</b>`]}</td>`.markup).toBe('<td title="&#34; onclick=&#34;x">&#60;script&#62;alert(1)&#60;/script&#62;<b>ok</b></td>');
  });

  it('leaves a script tag in any field inert', () => {
    const b = builder('enforce', { policy: { source: SCRIPT, revision: SCRIPT, rules: [SCRIPT] }, regions: [SCRIPT], accountId: SCRIPT });
    b.addItem({
      kind: 'eni',
      id: SCRIPT,
      regionId: SCRIPT,
      rule: SCRIPT,
      related: [SCRIPT],
      fields: [{ field: SCRIPT, wanted: SCRIPT, actual: [SCRIPT] }],
      action: { kind: 'create', reason: SCRIPT, status: 'failed', error: SCRIPT },
    });
    b.addCoverage({ state: 'mirrored', eniId: `${SCRIPT}1`, regionId: SCRIPT, instanceId: SCRIPT, rule: SCRIPT, sessionIds: [SCRIPT] });
    b.addCoverage({ state: 'excluded', eniId: `${SCRIPT}2`, regionId: SCRIPT, reason: `tag env=${SCRIPT}` });
    b.addCoverage({ state: 'unmirrored', eniId: `${SCRIPT}3`, regionId: SCRIPT, rule: SCRIPT, reason: SCRIPT });
    b.addFailedEvent({ messageId: SCRIPT, functionArn: SCRIPT, requestId: SCRIPT, origin: { id: SCRIPT, type: SCRIPT, source: SCRIPT }, error: SCRIPT, excerpt: `</pre>${SCRIPT}`, bodyLength: 99 });
    b.addError({ regionId: SCRIPT, context: SCRIPT, code: SCRIPT, message: SCRIPT });
    const out = renderHtml(b.finish());
    expect(out.match(/<\/?script/gi)).toEqual(['<script', '</script']);
    expect(out).toContain('<pre>&#60;/pre&#62;&#60;script&#62;');
    expect(out.split('&#60;script&#62;alert(1)&#60;/script&#62;').length - 1).toBeGreaterThanOrEqual(20);
  });

  it('keeps hostile ids out of attributes and markup', () => {
    const b = builder();
    b.addCoverage({ state: 'excluded', eniId: 'eni-x" onmouseover="alert(1)', regionId: "cn'x", reason: '<img src=x onerror=alert(2)>' });
    const out = renderHtml(b.finish());
    expect(out).not.toMatch(/<img|onmouseover="/);
    expect(out).toContain('eni-x&#34; onmouseover=&#34;alert(1)');
  });
});
