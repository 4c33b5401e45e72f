import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../shared/report/merge.js';
import { REPORT_SCHEMA, REPORT_VERSION } from '../../shared/report/model.js';
import { reportSchema } from '../../shared/report/schema.js';
import { coveragePercent } from '../../shared/report/totals.js';
import { assertReport, InvalidReportError, reportProblems } from '../../shared/report/validate.js';
import { at, builder, POLICY, sampleReport, T0 } from './fixture.js';

const eni = (eniId: string, regionId = 'cn-hangzhou') => ({ eniId, regionId });
const mirrored = (eniId: string, regionId = 'cn-hangzhou') => ({ state: 'mirrored' as const, ...eni(eniId, regionId), rule: 'prod-web', sessionIds: [`tms-${eniId}`] });
const proposal = (id: string, regionId = 'cn-hangzhou') => ({
  kind: 'eni' as const,
  id,
  regionId,
  rule: 'prod-web',
  fields: [{ field: 'session', wanted: `am-${id}`, actual: null }],
  action: { kind: 'create' as const, reason: `rule prod-web opts ${id} in`, status: 'proposed' as const },
});

describe('the drift report document', () => {
  it('names its schema and version, and keeps the run, policy and account', () => {
    const r = sampleReport();
    expect(r.schema).toBe('automirror.drift-report');
    expect(r.version).toBe(3);
    expect(r).toMatchObject({ mode: 'enforce', accountId: '1234567890', policy: POLICY, regions: ['cn-hangzhou', 'cn-shanghai'] });
    expect(r.run).toEqual({
      startedAt: T0.toISOString(),
      finishedAt: at(95).toISOString(),
      complete: true,
      truncated: false,
      continuedFrom: [],
      handedOff: [],
      parts: 1,
      apiCalls: 57,
    });
    expect(r.generatedAt).toBe(at(95).toISOString());
  });

  it('counts its totals from the items and coverage it holds', () => {
    const t = sampleReport().totals;
    expect(t).toEqual({
      enis: 29,
      mirrored: 24,
      optedOut: 0,
      excluded: 3,
      unmirrored: 2,
      overriddenOptOuts: 0,
      coveragePercent: 92.3,
      items: 5,
      fields: 6,
      actions: { create: 1, 'add-source': 1, 'remove-source': 0, update: 1, replace: 0, delete: 1, none: 1 },
      statuses: { proposed: 0, applied: 2, failed: 1, deferred: 1, skipped: 1 },
      failedEvents: 2,
      errors: 1,
    });
  });

  it('rounds coverage down, so 100% means every opted-in ENI, and has none when nothing is opted in', () => {
    expect(coveragePercent(9_999, 1)).toBe(99.9);
    expect(coveragePercent(3, 0)).toBe(100);
    expect(coveragePercent(1, 2)).toBe(33.3);
    expect(coveragePercent(0, 0)).toBeNull();
    const r = builder()
      .addCoverage({ state: 'excluded', ...eni('eni-a'), reason: 'opt-out' })
      .finish();
    expect(r.totals).toMatchObject({ enis: 1, excluded: 1, coveragePercent: null });
  });

  it('keeps the latest word on a resource: an ENI proposed, then found mirrored, is counted once', () => {
    const b = builder();
    b.addCoverage({ state: 'unmirrored', ...eni('eni-a'), rule: 'prod-web', reason: 'create deferred' });
    b.addItem({ ...proposal('eni-a'), action: { ...proposal('eni-a').action, status: 'deferred', error: 'ENI Attaching' } });
    b.addItem({ ...proposal('eni-a'), action: { ...proposal('eni-a').action, status: 'applied' } });
    b.addCoverage(mirrored('eni-a'));
    b.addFailedEvent({ messageId: 'm1', error: 'first receipt', excerpt: '', bodyLength: 0 });
    b.addFailedEvent({ messageId: 'm1', error: 'received again', excerpt: '', bodyLength: 0 });
    const r = b.finish();
    expect(r.items.map((i) => i.action.status)).toEqual(['applied']);
    expect(r.coverage.unmirrored).toEqual([]);
    expect(r.coverage.mirrored.map((m) => m.eniId)).toEqual(['eni-a']);
    expect(r.failedEvents.map((f) => f.error)).toEqual(['received again']);
    expect(r.totals).toMatchObject({ enis: 1, mirrored: 1, unmirrored: 0, coveragePercent: 100, items: 1 });
  });

  it('sorts its contents, so the same findings in any order make the same document', () => {
    const one = builder()
      .addItem(proposal('eni-b'))
      .addItem(proposal('eni-a', 'cn-beijing'))
      .addCoverage(mirrored('eni-z'))
      .addCoverage(mirrored('eni-c'))
      .finish({ finishedAt: at(1) });
    const two = builder()
      .addCoverage(mirrored('eni-c'))
      .addCoverage(mirrored('eni-z'))
      .addItem(proposal('eni-a', 'cn-beijing'))
      .addItem(proposal('eni-b'))
      .finish({ finishedAt: at(1) });
    expect(one).toEqual(two);
    expect(one.items.map((i) => i.id)).toEqual(['eni-a', 'eni-b']);
    expect(one.regions).toEqual(['cn-beijing', 'cn-hangzhou']);
  });

  it('refuses an applied or failed action in report mode, which changes nothing', () => {
    const b = builder('report');
    expect(() => b.addItem({ ...proposal('eni-a'), action: { ...proposal('eni-a').action, status: 'applied' } })).toThrow(/report mode/);
    expect(b.addItem(proposal('eni-a')).finish().totals.statuses.proposed).toBe(1);
  });

  it('is incomplete when a scan stopped early or handed off to an invocation not in the report', () => {
    expect(builder().finish({ truncated: true }).run).toMatchObject({ complete: false, truncated: true });
    expect(builder().finish({ handedOff: 'cp-1' }).run).toMatchObject({ complete: false, truncated: false, handedOff: ['cp-1'] });
  });
});

describe('merging report parts', () => {
  const hangzhou = () =>
    builder('enforce', { startedAt: at(0) })
      .addCoverage(mirrored('eni-a'))
      .addItem({ ...proposal('eni-b'), action: { ...proposal('eni-b').action, status: 'applied' } })
      .addCoverage(mirrored('eni-b'))
      .countApiCalls(10);
  const shanghai = () =>
    builder('enforce', { regions: ['cn-shanghai'], startedAt: at(-5) })
      .addCoverage({ state: 'unmirrored', ...eni('eni-c', 'cn-shanghai'), reason: 'create failed: Throttling' })
      .addError({ regionId: 'cn-shanghai', context: 'CreateTrafficMirrorSession', code: 'Throttling', message: 'slow down' })
      .countApiCalls(4);

  it('combines regions: contents, counts, time span and parts', () => {
    const r = mergeReports([hangzhou().finish({ finishedAt: at(30) }), shanghai().finish({ finishedAt: at(60) })], { generatedAt: at(61) });
    expect(r.regions).toEqual(['cn-hangzhou', 'cn-shanghai']);
    expect(r.totals).toMatchObject({ enis: 3, mirrored: 2, unmirrored: 1, coveragePercent: 66.6, items: 1, errors: 1 });
    expect(r.run).toEqual({ startedAt: at(-5).toISOString(), finishedAt: at(60).toISOString(), complete: true, truncated: false, continuedFrom: [], handedOff: [], parts: 2, apiCalls: 14 });
    expect(r.generatedAt).toBe(at(61).toISOString());
    expect(reportProblems(r)).toEqual([]);
  });

  it('settles a hand-off answered by the continuation, and later parts win', () => {
    const first = hangzhou()
      .addCoverage({ state: 'unmirrored', ...eni('eni-d'), rule: 'prod-web', reason: 'deferred: out of time' })
      .finish({ handedOff: 'cp-7', finishedAt: at(20) });
    const rest = builder('enforce', { continuedFrom: 'cp-7', startedAt: at(21) })
      .addCoverage(mirrored('eni-d'))
      .finish({ handedOff: 'cp-8', finishedAt: at(40) });
    const partial = mergeReports([first, rest]);
    expect(partial.run).toMatchObject({ complete: false, continuedFrom: [], handedOff: ['cp-8'], parts: 2 });
    expect(partial.totals).toMatchObject({ mirrored: 3, unmirrored: 0 });

    const last = builder('enforce', { continuedFrom: 'cp-8', startedAt: at(41) })
      .addCoverage(mirrored('eni-e'))
      .finish({ finishedAt: at(50) });
    const whole = mergeReports([partial, last]);
    expect(whole.run).toMatchObject({ complete: true, continuedFrom: [], handedOff: [], parts: 3, apiCalls: 10 });
    expect(whole).toEqual({ ...mergeReports([first, rest, last]), generatedAt: whole.generatedAt });
  });

  it('stays incomplete when a continuation is missing or a part was cut short', () => {
    const tail = builder('enforce', { continuedFrom: 'cp-3' }).finish();
    expect(mergeReports([tail, shanghai().finish()]).run).toMatchObject({ complete: true, continuedFrom: ['cp-3'] });
    expect(mergeReports([hangzhou().finish({ truncated: true }), shanghai().finish()]).run).toMatchObject({ complete: false, truncated: true });
  });

  it('refuses parts of different modes or accounts, and flags parts made under different policies', () => {
    expect(() => mergeReports([hangzhou().finish(), builder('report').finish()])).toThrow(/modes enforce and report/);
    expect(() => mergeReports([hangzhou().finish(), builder('enforce', { accountId: '999' }).finish()])).toThrow(/accounts/);
    expect(() => mergeReports([])).toThrow(/at least one/);
    const other = builder('enforce', { policy: { ...POLICY, revision: 'sha256:beef' } }).finish();
    const r = mergeReports([hangzhou().finish(), other]);
    expect(r.errors).toEqual([{ context: 'merge', message: 'parts were made under different policies: policy.yaml@sha256:3f9a1c, policy.yaml@sha256:beef; the report names the first' }]);
    expect(r.policy).toEqual(POLICY);
  });
});

describe('the report schema and validator', () => {
  it('is a draft-07 schema for the current version', () => {
    expect(reportSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(reportSchema.properties.schema.const).toBe(REPORT_SCHEMA);
    expect(reportSchema.properties.version.const).toBe(REPORT_VERSION);
  });

  it('accepts a full report, as built and as merged', () => {
    expect(reportProblems(sampleReport())).toEqual([]);
    expect(reportProblems(sampleReport({ hostile: true }))).toEqual([]);
    expect(assertReport(mergeReports([sampleReport(), sampleReport()]))).toBeTruthy();
  });

  it('names what is wrong, by JSON pointer', () => {
    const good = sampleReport();
    const bad = (patch: (r: Record<string, any>) => void) => {
      const r = structuredClone(good) as unknown as Record<string, any>;
      patch(r);
      return reportProblems(r);
    };
    expect(bad((r) => (r.version = 2))).toContain('/version: must be equal to constant');
    expect(bad((r) => delete r.foreignSessions)).toContain("/: must have required property 'foreignSessions'");
    expect(bad((r) => (r.items[0].action.status = 'done'))).toContain('/items/0/action/status: must be equal to one of the allowed values');
    expect(bad((r) => (r.generatedAt = 'yesterday'))[0]).toMatch(/^\/generatedAt: must match pattern/);
    expect(bad((r) => delete r.coverage)).toContain("/: must have required property 'coverage'");
    expect(bad((r) => (r.totals.mirrored = 25))).toEqual(['/totals/mirrored: states 25, the contents count 24']);
    expect(bad((r) => r.coverage.excluded.push({ eniId: 'eni-web001', regionId: 'cn-hangzhou', reason: 'x' }))).toContain('/coverage: cn-hangzhou/eni-web001 is in more than one coverage list');
    expect(bad((r) => (r.run.complete = false))).toEqual(['/run/complete: states false, truncated and handedOff say true']);
    expect(() => assertReport({ ...good, mode: 'yolo' })).toThrow(InvalidReportError);
  });

  it('accepts fields a later release of its version adds', () => {
    expect(reportProblems({ ...sampleReport(), signature: 'ed25519:…' })).toEqual([]);
  });
});
