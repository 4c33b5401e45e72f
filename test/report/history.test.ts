import { describe, expect, it } from 'vitest';
import {
  changeSince,
  emptyHistory,
  HISTORY_MAX_BYTES,
  HISTORY_RUNS,
  InvalidHistoryError,
  mergeChanges,
  parseHistory,
  renderHistory,
  SUMMARY_ENI_CAP,
  summarize,
  withRun,
} from '../../shared/report/history.js';
import { mergeReports } from '../../shared/report/merge.js';
import { CHANGE_LIST_CAP, type DriftReport } from '../../shared/report/model.js';
import { assertReport } from '../../shared/report/validate.js';
import { at, builder } from './fixture.js';

type State = 'mirrored' | 'unmirrored' | 'opted-out' | 'excluded';

/** A report in which each ENI is in the given state (rule prod-web). */
function reportOf(states: Record<string, State>, regionId = 'cn-hangzhou', finishedAt = at(60)): DriftReport {
  const b = builder('report', { regions: [regionId] });
  for (const [eniId, state] of Object.entries(states)) {
    const base = { eniId, regionId, rule: 'prod-web' };
    if (state === 'mirrored') b.addCoverage({ state, ...base, sessionIds: [`tms-${eniId.slice(4)}`] });
    if (state === 'unmirrored') b.addCoverage({ state, ...base, reason: 'report mode' });
    if (state === 'opted-out') b.addCoverage({ state, ...base, on: 'ENI', resourceId: eniId, tag: 'automirror', value: 'off', reason: 'maintenance' });
    if (state === 'excluded') b.addCoverage({ state, eniId, regionId, reason: 'no rule matches' });
  }
  return b.finish({ finishedAt });
}

const ids = (list: ReadonlyArray<{ eniId: string }>) => list.map((e) => e.eniId);

describe('the change since the previous run', () => {
  it('names ENIs newly unmirrored, fixed and newly opted out, with this run’s rules, and the previous coverage', () => {
    const before = reportOf({ 'eni-a': 'mirrored', 'eni-b': 'unmirrored', 'eni-c': 'mirrored', 'eni-d': 'mirrored', 'eni-e': 'opted-out' }, 'cn-hangzhou', at(0));
    const now = reportOf({ 'eni-a': 'unmirrored', 'eni-b': 'mirrored', 'eni-c': 'opted-out', 'eni-d': 'mirrored', 'eni-e': 'opted-out', 'eni-f': 'unmirrored' });
    const change = changeSince(summarize(before, 'run-1'), now);
    expect(change).toEqual({
      previousRunAt: at(0).toISOString(),
      previousCoveragePercent: 60,
      previousCounts: { mirrored: 3, unmirrored: 1, optedOut: 1 },
      newUnmirrored: [
        { eniId: 'eni-a', regionId: 'cn-hangzhou', rule: 'prod-web' },
        { eniId: 'eni-f', regionId: 'cn-hangzhou', rule: 'prod-web' },
      ],
      fixed: [{ eniId: 'eni-b', regionId: 'cn-hangzhou', rule: 'prod-web' }],
      newOptOuts: [{ eniId: 'eni-c', regionId: 'cn-hangzhou', rule: 'prod-web' }],
      counts: { newUnmirrored: 2, fixed: 1, newOptOuts: 1 },
    });
    expect(() => assertReport({ ...now, change })).not.toThrow();
  });

  it('is empty when nothing changed, and compares only the regions both runs covered', () => {
    const same = reportOf({ 'eni-a': 'unmirrored', 'eni-b': 'opted-out' });
    expect(changeSince(summarize(same, 'r'), same).counts).toEqual({ newUnmirrored: 0, fixed: 0, newOptOuts: 0 });
    const elsewhere = reportOf({ 'eni-a': 'mirrored' }, 'cn-shanghai');
    expect(changeSince(summarize(elsewhere, 'r'), same).counts).toEqual({ newUnmirrored: 0, fixed: 0, newOptOuts: 0 });
  });

  it('caps its lists at CHANGE_LIST_CAP, sorted, and keeps the full counts', () => {
    const n = CHANGE_LIST_CAP + 5;
    const names = Array.from({ length: n }, (_, i) => `eni-x${String(n - i).padStart(4, '0')}`);
    const before = reportOf(Object.fromEntries(names.map((e) => [e, 'mirrored' as const])));
    const now = reportOf(Object.fromEntries(names.map((e) => [e, 'unmirrored' as const])));
    const change = changeSince(summarize(before, 'r'), now);
    expect(change.counts.newUnmirrored).toBe(n);
    expect(change.newUnmirrored).toHaveLength(CHANGE_LIST_CAP);
    expect(ids(change.newUnmirrored)).toEqual([...names].sort().slice(0, CHANGE_LIST_CAP));
  });

  it('calls nothing new past the last ENI a capped summary names', () => {
    const n = SUMMARY_ENI_CAP + 10;
    const names = Array.from({ length: n }, (_, i) => `eni-y${String(i).padStart(5, '0')}`);
    const before = summarize(reportOf(Object.fromEntries(names.map((e) => [e, 'unmirrored' as const]))), 'r');
    expect(before.unmirrored).toMatchObject({ count: n });
    expect(before.unmirrored.enis).toHaveLength(SUMMARY_ENI_CAP);
    const change = changeSince(before, reportOf({ ...Object.fromEntries(names.map((e) => [e, 'unmirrored' as const])), 'eni-a0': 'unmirrored', 'eni-z9': 'unmirrored' }));
    // eni-a0 sorts within the named range and was not unmirrored then; eni-z9 and the unnamed tail are unknown.
    expect(ids(change.newUnmirrored)).toEqual(['eni-a0']);
  });
});

describe('a merged report’s change', () => {
  it('joins the parts’ lists, sums their counts, takes the earliest previous run and recomputes the previous coverage', () => {
    const hz = reportOf({ 'eni-a': 'unmirrored', 'eni-b': 'mirrored' }, 'cn-hangzhou');
    const sh = reportOf({ 'eni-c': 'mirrored', 'eni-d': 'opted-out' }, 'cn-shanghai');
    const hzChange = changeSince(summarize(reportOf({ 'eni-a': 'mirrored', 'eni-b': 'unmirrored' }, 'cn-hangzhou', at(10)), 'r'), hz);
    const shChange = changeSince(summarize(reportOf({ 'eni-c': 'mirrored', 'eni-d': 'mirrored', 'eni-e': 'mirrored' }, 'cn-shanghai', at(5)), 'r'), sh);
    const merged = mergeReports([
      { ...hz, change: hzChange },
      { ...sh, change: shChange },
    ]);
    expect(merged.change).toEqual({
      previousRunAt: at(5).toISOString(),
      // 4 of 5 mirrored across both regions, not the mean of 50 % and 100 %.
      previousCoveragePercent: 80,
      previousCounts: { mirrored: 4, unmirrored: 1, optedOut: 0 },
      newUnmirrored: [{ eniId: 'eni-a', regionId: 'cn-hangzhou', rule: 'prod-web' }],
      fixed: [{ eniId: 'eni-b', regionId: 'cn-hangzhou', rule: 'prod-web' }],
      newOptOuts: [{ eniId: 'eni-d', regionId: 'cn-shanghai', rule: 'prod-web' }],
      counts: { newUnmirrored: 1, fixed: 1, newOptOuts: 1 },
    });
    expect(() => assertReport(merged)).not.toThrow();
  });

  it('has none when no part had an earlier run, and keeps the one part’s that had', () => {
    const hz = reportOf({ 'eni-a': 'unmirrored' });
    expect(mergeReports([hz, reportOf({ 'eni-c': 'mirrored' }, 'cn-shanghai')]).change).toBeUndefined();
    const c = changeSince(summarize(reportOf({ 'eni-a': 'mirrored' }), 'r'), hz);
    expect(mergeChanges([undefined, c])).toEqual(c);
  });
});

describe('the stored history', () => {
  const one = summarize(reportOf({ 'eni-a': 'unmirrored', 'eni-b': 'opted-out', 'eni-c': 'mirrored' }), 'acct-run.1');

  it('reads back what it wrote, keeping the last HISTORY_RUNS runs', () => {
    let h = emptyHistory();
    for (let i = 0; i < HISTORY_RUNS + 3; i++) h = withRun(h, { ...one, runId: `run-${i}` });
    expect(h.runs.map((r) => r.runId)).toEqual(Array.from({ length: HISTORY_RUNS }, (_, i) => `run-${i + 3}`));
    expect(parseHistory(renderHistory(h))).toEqual(h);
  });

  it('drops the oldest runs rather than grow past HISTORY_MAX_BYTES', () => {
    // The longest ids and rule names the checks let through, every list at its cap.
    const b = builder('report', { regions: ['cn-hangzhou'] });
    for (let i = 0; i < SUMMARY_ENI_CAP; i++) {
      const eniId = `eni-${'q'.repeat(54)}${String(i).padStart(5, '0')}`;
      b.addCoverage({ state: 'unmirrored', eniId, regionId: 'cn-hangzhou', rule: 'r'.repeat(128), reason: 'report mode' });
      b.addCoverage({ state: 'opted-out', eniId: `${eniId}o`, regionId: 'cn-hangzhou', rule: 'r'.repeat(128), on: 'ENI', resourceId: eniId, tag: 't', value: 'v', reason: 'x' });
    }
    const big = summarize(b.finish(), 'big');
    let h = emptyHistory();
    for (let i = 0; i < HISTORY_RUNS; i++) h = withRun(h, big);
    expect(h.runs.length).toBeLessThan(HISTORY_RUNS);
    expect(Buffer.byteLength(renderHistory(h))).toBeLessThanOrEqual(HISTORY_MAX_BYTES);
    expect(parseHistory(renderHistory(h)).runs).toHaveLength(h.runs.length);
  });

  const doc = (runs: unknown[]) => JSON.stringify({ schema: 'automirror.report-history', version: 1, runs });
  const tampered = (patch: Record<string, unknown>) => doc([{ ...one, ...patch }]);

  it.each([
    ['more than HISTORY_MAX_BYTES', ' '.repeat(HISTORY_MAX_BYTES + 1), /bytes, more than/],
    ['not JSON', '{"schema":', /not JSON/],
    ['nested past any parser’s stack', '['.repeat(HISTORY_MAX_BYTES - 1), /not JSON/],
    ['another document', JSON.stringify({ schema: 'automirror.drift-report', version: 3 }), /not a automirror.report-history v1/],
    ['too many runs', doc(Array.from({ length: HISTORY_RUNS + 1 }, () => one)), /at most 10/],
    ['a run id with markup', tampered({ runId: '<script>' }), /runs\[0\]\.runId/],
    ['a time that is not one', tampered({ finishedAt: 'yesterday' }), /finishedAt/],
    ['a region id that is not one', tampered({ regions: ['cn-hangzhou', '../../etc'] }), /regions/],
    ['a percentage past 100', tampered({ coveragePercent: 250 }), /coveragePercent/],
    ['an ENI id that is not one', tampered({ unmirrored: { enis: [{ regionId: 'cn-hangzhou', eniId: 'tms-1' }], count: 1 } }), /unmirrored\.enis\[0\]\.eniId/],
    ['an ENI of a region the run did not cover', tampered({ unmirrored: { enis: [{ regionId: 'cn-beijing', eniId: 'eni-a' }], count: 1 } }), /not one of the run's regions/],
    ['a rule that is not a rule name', tampered({ optedOut: { enis: [{ regionId: 'cn-hangzhou', eniId: 'eni-b', rule: 'a b' }], count: 1 } }), /rule/],
    ['more ENIs named than counted', tampered({ optedOut: { enis: [{ regionId: 'cn-hangzhou', eniId: 'eni-b' }], count: 0 } }), /names 1 ENIs for a count of 0/],
    [
      'ENIs out of order',
      tampered({
        unmirrored: {
          enis: [
            { regionId: 'cn-hangzhou', eniId: 'eni-b' },
            { regionId: 'cn-hangzhou', eniId: 'eni-a' },
          ],
          count: 2,
        },
      }),
      /not sorted/,
    ],
    ['a list that is not one', tampered({ unmirrored: ['eni-a'] }), /expected \{enis/],
  ])('refuses %s', (_what, body, message) => {
    expect(() => parseHistory(body)).toThrow(InvalidHistoryError);
    expect(() => parseHistory(body)).toThrow(message);
  });

  it('counts, but does not name, an ENI whose id its reader would refuse', () => {
    const odd = summarize(reportOf({ 'eni-a': 'unmirrored', 'eni-B"<x>': 'unmirrored' }), 'r');
    expect(odd.unmirrored).toEqual({ enis: [{ regionId: 'cn-hangzhou', eniId: 'eni-a', rule: 'prod-web' }], count: 2 });
    expect(parseHistory(renderHistory(withRun(emptyHistory(), odd))).runs).toEqual([odd]);
  });

  it('drops fields it does not know', () => {
    const h = parseHistory(tampered({ extra: 'x'.repeat(100) }));
    expect(h.runs[0]).toEqual(one);
  });
});
