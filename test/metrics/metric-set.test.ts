import { describe, expect, it } from 'vitest';
import { ecsEventTimes } from '../../shared/events/event-time.js';
import { dimensionValue, METRIC, type MetricPoint, reportMetrics, timeToMirror } from '../../shared/report/metrics.js';
import { sampleReport, T0 } from '../report/fixture.js';

const T = T0.getTime();
const find = (points: MetricPoint[], name: string, dims: Record<string, string>) => points.filter((p) => p.name === name && JSON.stringify(p.dimensions) === JSON.stringify(dims)).map((p) => p.value);

describe('the metric set of a report', () => {
  const report = sampleReport();
  const points = reportMetrics(report, T);
  const account = report.accountId ?? '';

  it('counts each region as the report’s coverage lists do, with coverage %, owned and unapproved sessions and a heartbeat', () => {
    for (const regionId of report.regions) {
      const dims = { account, region: regionId };
      const count = (list: ReadonlyArray<{ regionId: string }>) => list.filter((e) => e.regionId === regionId).length;
      const mirrored = count(report.coverage.mirrored);
      const optedIn = mirrored + count(report.coverage.unmirrored) + count(report.coverage.optedOut);
      expect(find(points, METRIC.optedIn, dims)).toEqual([optedIn]);
      expect(find(points, METRIC.mirrored, dims)).toEqual([mirrored]);
      expect(find(points, METRIC.unmirrored, dims)).toEqual([count(report.coverage.unmirrored)]);
      expect(find(points, METRIC.optedOut, dims)).toEqual([count(report.coverage.optedOut)]);
      expect(find(points, METRIC.coverage, dims)).toEqual(optedIn > 0 ? [Math.round((1000 * mirrored) / optedIn) / 10] : []);
      expect(find(points, METRIC.unapproved, dims)).toEqual([count(report.foreignSessions.unapproved)]);
      const owned = (report.rules ?? []).filter((r) => r.regionId === regionId).reduce((n, r) => n + r.sessions, 0);
      expect(find(points, METRIC.ownedSessions, dims)).toEqual([owned]);
      expect(find(points, METRIC.reconciles, dims)).toEqual([1]);
    }
  });

  it('has one series per rule and per collector, the collector’s sources against its capacity', () => {
    expect(report.rules?.length).toBeGreaterThan(0);
    for (const r of report.rules ?? []) {
      const dims = { account, region: r.regionId, rule: r.rule };
      expect(find(points, METRIC.mirrored, dims)).toEqual([r.mirrored]);
      expect(find(points, METRIC.ownedSessions, dims)).toEqual([r.sessions]);
    }
    // lb-pci01 holds 19 sources of 20: 95 %.
    const pci = { account, region: 'cn-hangzhou', collector: 'lb-pci01' };
    expect(find(points, METRIC.collectorSources, pci)).toEqual([19]);
    expect(find(points, METRIC.collectorCapacity, pci)).toEqual([20]);
    expect(find(points, METRIC.collectorUsage, pci)).toEqual([95]);
    expect(find(points, METRIC.failedEvents, { account })).toEqual([report.failedEvents.length]);
    expect(points.every((p) => p.time === T)).toBe(true);
  });

  it('publishes no coverage % where no ENI is opted in (no data rather than 0 or 100)', () => {
    const empty = reportMetrics({ ...report, coverage: { mirrored: [], unmirrored: [], optedOut: [], excluded: [] }, rules: [] }, T);
    expect(empty.filter((p) => p.name === METRIC.coverage)).toEqual([]);
    expect(find(empty, METRIC.optedIn, { account, region: 'cn-hangzhou' })).toEqual([0]);
  });

  it('makes hostile rule names safe dimension values (CloudMonitor’s own rewrite), clipped to 64', () => {
    expect(dimensionValue('prod web=1&x,<script>')).toBe('prod_web_1_x__script_');
    expect(dimensionValue('ok-1.2/3\\4_')).toBe('ok-1.2/3\\4_');
    expect(dimensionValue('x'.repeat(100))).toHaveLength(64);
    expect(dimensionValue('\u202e')).toBe('_');
    expect(dimensionValue('')).toBe('_');
    const hostile = reportMetrics({ ...report, rules: [{ rule: 'a=b&c\u0000', regionId: 'cn-hangzhou', mirrored: 1, unmirrored: 0, optedOut: 0, sessions: 1 }] }, T);
    expect(hostile.some((p) => p.dimensions.rule === 'a_b_c_')).toBe(true);
  });
});

describe('time to mirror', () => {
  const dims = { account: '1', region: 'cn-hangzhou' };

  it('runs from the earliest event to the last session seen Created, in seconds', () => {
    expect(timeToMirror([T + 500, T], [T + 1200, T + 2750], dims)).toEqual({ name: METRIC.timeToMirror, dimensions: dims, value: 2.75, time: T + 2750 });
  });

  it('is none without an event time, without a session, or for an event stamped after the session', () => {
    expect(timeToMirror([], [T], dims)).toBeUndefined();
    expect(timeToMirror([T], [], dims)).toBeUndefined();
    expect(timeToMirror([T + 10_000], [T], dims)).toBeUndefined();
  });

  it('takes event times from ECS CloudEvents only, and only believable ones', () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const payload = [
      { id: '1', source: 'acs.ecs', type: 'ecs:Instance:StateChange', time: iso(T - 2000) },
      { id: '2', source: 'acs.vpc', time: iso(T - 1000) },
      { id: '3', source: 'acs.ecs', time: 'not a time' },
      { id: '4', source: 'acs.ecs', time: iso(T - 3 * 24 * 3600_000) },
      { id: '5', source: 'acs.ecs', time: 12345 },
      'not an event',
    ];
    expect(ecsEventTimes(payload, T)).toEqual([T - 2000]);
    expect(ecsEventTimes({ source: 'acs.ecs', time: iso(T) }, T)).toEqual([T]);
  });
});
