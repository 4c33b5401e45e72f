import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../shared/report/html.js';
import { escapeHtml, html } from '../../shared/report/html-template.js';
import { builder, SCRIPT, sampleReport } from './fixture.js';

describe('the HTML report', () => {
  const page = renderHtml(sampleReport());

  it('is one self-contained page: no script, no external resource, a policy that forbids both', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|@import|url\(/i);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg")/);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('has the expected section headings, an inline SVG chart and the drift table', () => {
    const headings = [...page.matchAll(/<h2[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(['Unapproved mirroring', 'Coverage', 'Drift', 'Unmirrored ENIs', 'Opted out', 'Not in scope', 'Failed events', 'Errors']);
    expect(page).toMatch(/<svg class="chart"[^>]*role="img"/);
    for (const th of ['Field', 'Wanted', 'Actual', 'Action', 'Status']) expect(page).toContain(`<th scope="col">${th}</th>`);
    expect(page).toContain('<span class="badge failed">failed</span>');
    expect(page).toContain('secondary ENI; rule prod-web mirrors primary ENIs only');
    expect(page).toContain('CreateTrafficMirrorSession failed: QuotaExceeded.TrafficMirrorSession');
  });

  it('renders an empty report with empty states rather than empty tables', () => {
    const empty = renderHtml(builder().finish());
    expect(empty).toContain('No drift.');
    expect(empty).toContain('None: every opted-in ENI is mirrored.');
    expect(empty).not.toContain('<table');
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
    expect(out).not.toMatch(/<\/?script/i);
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
