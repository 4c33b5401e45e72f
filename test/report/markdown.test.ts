import { describe, expect, it } from 'vitest';
import { EXCLUDED_SHOWN, MARKDOWN_MAX_BYTES, mdText, renderMarkdown } from '../../shared/report/markdown.js';
import { builder, SCRIPT, sampleReport } from './fixture.js';

const tableRows = (md: string, heading: string) => {
  const section = md.split(`### ${heading}\n`)[1].split('\n### ')[0];
  return section.split('\n').filter((l) => l.startsWith('| ') && !/^\| (ENI|Resource|Rule|Collector|Change) \|/.test(l));
};

describe('the Markdown summary', () => {
  const md = renderMarkdown(sampleReport());

  it('leads with coverage and the counts', () => {
    expect(md.split('\n').slice(0, 6)).toEqual([
      '## automirror drift report',
      '',
      '### Unapproved mirroring',
      "No unapproved mirroring; 0 sessions toward approved collectors, not automirror's",
      '',
      '**Opted-in coverage 92.3% (24 of 26 ENIs a rule selects) · fleet coverage 82.7% (24 of 29 ENIs): 24 mirrored, 2 opted in but unmirrored, 0 opted out, 3 not in scope**  ',
    ]);
    expect(md).toContain('| 29 | 24 | 2 | 0 | 3 | 5 | 2 | 1 |');
    expect(md).toContain('5 items: applied 2 · failed 1 · deferred 1 · skipped 1');
    expect(md).toContain('2 failed events drained from the failed-events queue');
    expect(md).toContain('Mode: enforce · Regions: cn-hangzhou, cn-shanghai · Run: complete · Generated 2025-06-01 03:01:35 UTC');
  });

  it('lists failures first, with each differing field wanted and actual, and unmirrored ENIs with reasons', () => {
    const drift = tableRows(md, 'Drift');
    expect(drift[0]).toMatch(/^\| ENI eni-db1 \| cn-hangzhou \| pci-db \| session: wanted am-pci-db-eni-db1, actual \(absent\) \| create: .* \| failed: QuotaExceeded/);
    expect(drift[1]).toMatch(/\| deferred: /);
    expect(md).toContain('| vni: wanted 1001, actual 77; enabled: wanted true, actual false; packetLength: wanted 1500, actual 128 |');
    expect(tableRows(md, 'Unmirrored ENIs')).toEqual([
      '| eni-db1 | cn-hangzhou | pci-db | CreateTrafficMirrorSession failed: QuotaExceeded.TrafficMirrorSession |',
      '| eni-db2 | cn-shanghai | pci-db | deferred: ENI still Attaching |',
    ]);
  });

  it('says what changed since the last run, with the ENIs it names', () => {
    expect(md).toContain('### Since the last run\nSince the run of 2025-06-01 02:00:00 UTC: opted-in coverage 88.4% → 92.3%; 1 newly unmirrored, 1 fixed, 0 new opt-outs\n');
    expect(tableRows(md, 'Since the last run')).toEqual(['| newly unmirrored | eni-db2 | cn-shanghai | pci-db |', '| fixed | eni-web005 | cn-hangzhou | prod-web |']);
    expect(renderMarkdown(sampleReport({ firstRun: true }))).toContain('### Since the last run\nNo earlier run on record\n');
  });

  it('has a table per rule, every rule of the policy in its order, and one per collector with its capacity used', () => {
    expect(tableRows(md, 'Per rule')).toEqual(['| prod-web | 24 | 24 | 0 | 0 | 24 | 100.0% |', '| pci-db | 2 | 0 | 2 | 0 | 0 | 0.0% |']);
    expect(tableRows(md, 'Collectors')).toEqual([
      "| CLB lb-pci01 | cn-hangzhou | unknown | pci-db | 19 | 2 (0 automirror's) | 19 / 20 (95.0%) |",
      "| CLB lb-web01h | cn-hangzhou | cn-hangzhou-h (policy) | prod-web | 17 | 17 (16 automirror's) | 17 / 500 (3.4%) |",
      "| ENI eni-ids01 | cn-shanghai | cn-shanghai-b | pci-db, prod-web | 8 | 8 (8 automirror's) | 8 / 20 (40.0%) |",
    ]);
  });

  it('lists what is not in scope, the first 20 and then how many more', () => {
    const b = builder();
    for (let n = 0; n < 45; n++) b.addCoverage({ state: 'excluded', eniId: `eni-x${String(n).padStart(2, '0')}`, regionId: 'cn-hangzhou', reason: 'no rule matches' });
    const out = renderMarkdown(b.finish(), { top: 1000, maxBytes: Infinity });
    const rows = tableRows(out, 'Not in scope');
    expect(rows).toHaveLength(EXCLUDED_SHOWN);
    expect(rows[0]).toBe('| eni-x00 | cn-hangzhou | no rule matches |');
    expect(out).toContain('_…and 25 more not-in-scope ENIs in the full report._');
    expect(tableRows(md, 'Not in scope')).toEqual([
      '| eni-bastion1 | cn-hangzhou | opt-out tag mirror=off |',
      '| eni-sec2 | cn-hangzhou | secondary ENI; rule prod-web mirrors primary ENIs only |',
      '| eni-dev7 | cn-shanghai | no rule matches (env=dev) |',
    ]);
  });

  it('shows the top N and says how many more', () => {
    const b = builder();
    for (let n = 0; n < 30; n++) {
      b.addCoverage({ state: 'unmirrored', eniId: `eni-${n}`, regionId: 'cn-hangzhou', rule: 'prod-web', reason: 'create proposed' });
      b.addItem({ kind: 'eni', id: `eni-${n}`, regionId: 'cn-hangzhou', fields: [], action: { kind: 'create', reason: 'r', status: 'applied' } });
    }
    const short = renderMarkdown(b.finish(), { top: 5 });
    expect(tableRows(short, 'Drift')).toHaveLength(5);
    expect(tableRows(short, 'Unmirrored ENIs')).toHaveLength(5);
    expect(short).toContain('_…and 25 more drift items in the full report._');
    expect(short).toContain('_…and 25 more unmirrored ENIs in the full report._');
  });

  it('says so when there is nothing to report, and when nothing is opted in', () => {
    const empty = renderMarkdown(builder().finish());
    expect(empty).toContain('No drift items.');
    expect(empty).toContain('No unmirrored ENIs.');
    expect(empty).toContain('No failed events.');
    expect(empty).toContain('**Opted-in coverage n/a (no rule selects an ENI) · fleet coverage n/a (no ENI examined): 0 mirrored, 0 opted in but unmirrored, 0 opted out, 0 not in scope**');
    expect(empty).toContain('### Since the last run\nNo earlier run on record');
    expect(empty).toContain('### Collectors\nNo collectors.');
  });

  it('says when the run is incomplete', () => {
    expect(renderMarkdown(builder().finish({ handedOff: 'cp-1' }))).toContain('Run: incomplete: continued by follow-up invocations not included (1)');
  });

  it('stays within its byte budget however much there is, shrinking its tables', () => {
    const b = builder();
    const long = `${'é|`'.repeat(2000)}`;
    for (let n = 0; n < 5000; n++) {
      b.addCoverage({ state: 'unmirrored', eniId: `eni-${n}${long}`, regionId: 'cn-hangzhou', rule: long, reason: long });
      b.addItem({
        kind: 'session',
        id: `tms-${n}`,
        regionId: 'cn-hangzhou',
        rule: long,
        fields: [{ field: long, wanted: long, actual: long }],
        action: { kind: 'update', reason: long, status: 'failed', error: long },
      });
    }
    const big = builder('enforce', { regions: Array.from({ length: 40 }, (_, i) => `region-${i}${long}`), policy: { source: long, revision: long, rules: Array.from({ length: 500 }, () => long) } });
    for (const report of [b.finish(), big.finish()]) {
      const out = renderMarkdown(report);
      expect(Buffer.byteLength(out)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
      expect(Buffer.byteLength(out)).toBeGreaterThan(1000);
    }
    const huge = renderMarkdown(b.finish());
    expect(huge).toMatch(/_…and 49\d\d more drift items in the full report\._/);
    expect(renderMarkdown(big.finish())).toContain('and 492 more');
    expect(Buffer.byteLength(renderMarkdown(b.finish(), { maxBytes: 4000 }))).toBeLessThanOrEqual(4000);
  });
});

describe('hostile strings in the Markdown summary', () => {
  it('cannot break a table cell, open code, emphasis, a link or HTML', () => {
    expect(mdText('a|b')).toBe('a\\|b');
    expect(mdText('`rm -rf`')).toBe('\\`rm -rf\\`');
    expect(mdText('line1\nline2\r\n| --- |')).toBe('line1 line2 \\| --- \\|');
    expect(mdText('[click](https://evil.example)')).toBe('\\[click\\](https\u200B://evil.example)');
    expect(mdText('![x](http://e/x.png) www.evil.example')).toBe('!\\[x\\](http\u200B://e/x.png) www\u200B.evil.example');
    expect(mdText(SCRIPT)).toBe('\\<script\\>alert(1)\\</script\\>');
    expect(mdText('**bold** _em_ ~~gone~~ \\')).toBe('\\*\\*bold\\*\\* \\_em\\_ \\~\\~gone\\~\\~ \\\\');
    expect(mdText('eni-\u202Ecba')).toBe('eni-\uFFFDcba');
  });

  it('keeps every table row one row with as many cells as the header', () => {
    const evil = 'x|y\n| injected | row |\n`code` [a](b) <b>bold</b>';
    const b = builder();
    b.addCoverage({ state: 'unmirrored', eniId: evil, regionId: 'cn-hangzhou', rule: evil, reason: evil });
    b.addItem({
      kind: 'eni',
      id: evil,
      regionId: 'cn-hangzhou',
      rule: evil,
      fields: [{ field: evil, wanted: evil, actual: [evil] }],
      action: { kind: 'create', reason: evil, status: 'failed', error: evil },
    });
    b.addError({ context: evil, message: evil });
    const md = renderMarkdown(b.finish());
    expect(md).not.toContain('| injected |');
    expect(md).not.toMatch(/[^\\]`/);
    expect(md).not.toContain('<b>');
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    for (const heading of ['Drift', 'Unmirrored ENIs', 'Errors']) {
      const section = md
        .split(`### ${heading}\n`)[1]
        .split('\n### ')[0]
        .split('\n')
        .filter((l) => l.startsWith('|'));
      expect(section.length, heading).toBe(3);
      expect(new Set(section.map(cells)).size, heading).toBe(1);
    }
  });
});
