import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../shared/report/html.js';
import { parseReport, renderJson } from '../../shared/report/json.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { mergeReports } from '../../shared/report/merge.js';
import type { ForgedClaim } from '../../shared/report/model.js';
import { forgedClaimsLead } from '../../shared/report/present.js';
import { builder, SCRIPT } from './fixture.js';

/** Sessions claiming automirror's ownership without a valid proof, in every rendering of the report. */

const claim = (sessionId: string, over: Partial<ForgedClaim> = {}): ForgedClaim => ({
  sessionId,
  regionId: 'cn-hangzhou',
  claimedRule: 'prod-web',
  verdict: 'forged',
  reason: 'its proof does not match this session, rule and instance (copied, or a tag was edited)',
  sourceIds: ['eni-web001'],
  target: 'SLB:lb-netops',
  ...over,
});

const report = () =>
  builder()
    .addForgedClaim(claim('tms-b'))
    // The rule tag is whatever the forger wrote: shown as text, never as markup.
    .addForgedClaim(claim('tms-a', { claimedRule: `x|${SCRIPT}`, verdict: 'pending', reason: 'no proof yet' }))
    .finish({ finishedAt: new Date('2025-06-01T03:05:00Z') });

describe('forged ownership claims in the drift report', () => {
  it('are part of the document, sorted, valid against the schema, and absent when there are none', () => {
    const r = parseReport(renderJson(report()));
    expect(r.forgedClaims?.map((c) => [c.sessionId, c.verdict])).toEqual([
      ['tms-a', 'pending'],
      ['tms-b', 'forged'],
    ]);
    expect('forgedClaims' in builder().finish()).toBe(false);
  });

  it('lead the Markdown summary, before the drift, escaped', () => {
    const md = renderMarkdown(report());
    const at = md.indexOf('### Forged ownership claims');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(md.indexOf('### Drift'));
    expect(md).toContain("2 sessions carry automirror's ownership tag without a valid proof");
    expect(forgedClaimsLead(1)).toMatch(/^1 session carries automirror's ownership tag .* Find who tagged it /);
    expect(md).toContain('| tms-b | cn-hangzhou | prod-web | eni-web001 | SLB:lb-netops | forged: its proof does not match');
    expect(md).not.toContain(SCRIPT);
    expect(md).toContain('x\\|\\<script\\>');
    expect(renderMarkdown(builder().finish())).not.toContain('Forged ownership claims');
  });

  it('come first on the HTML page, escaped', () => {
    const page = renderHtml(report());
    expect(page.indexOf('id="forged-claims"')).toBeGreaterThan(0);
    expect(page.indexOf('id="forged-claims"')).toBeLessThan(page.indexOf('id="coverage"'));
    expect(page).not.toContain(SCRIPT);
    expect(page).toContain('x|&#60;script&#62;');
  });

  it('are kept when the parts of a run are merged', () => {
    const other = builder()
      .addForgedClaim(claim('tms-c', { regionId: 'cn-shanghai' }))
      .finish();
    expect(mergeReports([report(), other]).forgedClaims?.map((c) => c.sessionId)).toEqual(['tms-a', 'tms-b', 'tms-c']);
  });
});
