import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { BadInput } from '../../shared/events/bad-input.js';
import { checkpointId, nextPart, parseRegionTask, type RegionTask, scheduledRun, taskIdOf } from '../../shared/events/region-task.js';
import { eniId, sessionsIn } from '../engine/cloud.js';
import { regionWorld, runRegion, writes } from './support.js';

describe('reconcile-region payloads', () => {
  const ok: RegionTask = { regionId: 'cn-hangzhou', mode: 'enforce', runId: '20261125T210000Z-a1b2c3' };

  it('accepts a first part and a continued part', () => {
    expect(parseRegionTask(ok)).toEqual(ok);
    const later = { ...ok, checkpoint: { part: 3, startedAt: '2026-11-25T21:00:01.000Z' } };
    expect(parseRegionTask(later)).toEqual(later);
  });

  it.each([
    ['not an object', 'cn-hangzhou'],
    ['a region id that is not one', { ...ok, regionId: 'cn-hangzhou/../x' }],
    ['an unknown mode', { ...ok, mode: 'destroy' }],
    ['a run id with odd characters', { ...ok, runId: 'a b' }],
    ['a run id too long', { ...ok, runId: 'x'.repeat(65) }],
    ['an unknown field', { ...ok, policy: 'version: 1' }],
    ['part 1 as a checkpoint', { ...ok, checkpoint: { part: 1, startedAt: '2026-11-25T21:00:00Z' } }],
    ['a fractional part', { ...ok, checkpoint: { part: 2.5, startedAt: '2026-11-25T21:00:00Z' } }],
    ['a start that is no time', { ...ok, checkpoint: { part: 2, startedAt: 'yesterday-ish' } }],
    ['an unknown checkpoint field', { ...ok, checkpoint: { part: 2, startedAt: '2026-11-25T21:00:00Z', sessions: [] } }],
  ])('refuses %s as bad input', (_, payload) => {
    expect(() => parseRegionTask(payload)).toThrow(BadInput);
  });

  it('says what a task looks like when one is refused, e.g. without its run id', () => {
    const { runId: _, ...noRun } = ok;
    expect(() => parseRegionTask(noRun)).toThrow(
      `runId must be 1–64 letters, digits, '.', '_' or '-', got nothing; a reconcile-region task is {accountId?, regionId, mode, runId, checkpoint?}, e.g. {"regionId":"cn-hangzhou","mode":"report","runId":"manual-1"}`,
    );
  });

  it('chains parts under one run id, bounded, each with its own task id and checkpoint', () => {
    const t0 = new Date('2026-11-25T21:00:01Z');
    const p2 = nextPart(ok, 3, t0) as RegionTask;
    const p3 = nextPart(p2, 3, new Date('2026-11-25T21:14:00Z')) as RegionTask;
    expect(p2).toEqual({ ...ok, checkpoint: { part: 2, startedAt: t0.toISOString() } });
    expect(p3.checkpoint).toEqual({ part: 3, startedAt: t0.toISOString() });
    expect(nextPart(p3, 3, t0)).toBeUndefined();
    expect([taskIdOf(ok), taskIdOf(p2)]).toEqual(['automirror-20261125T210000Z-a1b2c3-cn-hangzhou-p1', 'automirror-20261125T210000Z-a1b2c3-cn-hangzhou-p2']);
    expect([checkpointId(p2), checkpointId(ok, 2)]).toEqual(['20261125T210000Z-a1b2c3/cn-hangzhou/part-2', '20261125T210000Z-a1b2c3/cn-hangzhou/part-2']);
    // The account is part of the unit of work: a task that names it carries it into its task id and checkpoints.
    const mine = { ...p2, accountId: '1234567890123456' };
    expect([taskIdOf(mine), checkpointId(mine)]).toEqual(['automirror-20261125T210000Z-a1b2c3-1234567890123456-cn-hangzhou-p2', '20261125T210000Z-a1b2c3/1234567890123456/cn-hangzhou/part-2']);
    expect(parseRegionTask({ ...ok, accountId: '1234567890123456' })).toEqual({ ...ok, accountId: '1234567890123456' });
    expect(() => parseRegionTask({ ...ok, accountId: 'acme' })).toThrow(BadInput);
  });
});

describe('a scheduled run', () => {
  const defaults = { mode: 'report' as const, regions: ['cn-hangzhou'] };
  const firing = { triggerTime: '2026-11-25T21:00:00Z', triggerName: 'hourly', payload: '{"mode":"enforce"}' };

  it('is named by its trigger and time, so a redelivered firing is the same run and the next one a new run', () => {
    const run = scheduledRun(firing, 'req-1', defaults);
    expect(run).toEqual({ runId: expect.stringMatching(/^20261125T210000Z-[0-9a-f]{6}$/), mode: 'enforce', regions: ['cn-hangzhou'] });
    expect(scheduledRun(firing, 'req-2', defaults).runId).toBe(run.runId);
    expect(scheduledRun({ ...firing, triggerTime: '2026-11-25T22:00:00Z' }, 'req-1', defaults).runId).not.toBe(run.runId);
    expect(scheduledRun({ ...firing, triggerName: 'nightly' }, 'req-1', defaults).runId).not.toBe(run.runId);
  });

  it('takes its options from the payload string, an empty one meaning the defaults, or from a direct invocation', () => {
    expect(scheduledRun({ ...firing, payload: '' }, 'r', defaults)).toMatchObject({ mode: 'report', regions: ['cn-hangzhou'] });
    expect(scheduledRun({ ...firing, payload: '{"regions":["cn-shanghai","cn-shanghai"]}' }, 'r', defaults).regions).toEqual(['cn-shanghai']);
    expect(scheduledRun({ mode: 'enforce' }, 'c0ffee-42', defaults)).toEqual({ runId: 'c0ffee-42', mode: 'enforce', regions: ['cn-hangzhou'] });
  });

  it.each([
    ['a payload that is not JSON', { ...firing, payload: 'enforce please' }],
    ['an unknown option', { ...firing, payload: '{"mode":"enforce","dryRun":false}' }],
    ['no regions', { ...firing, payload: '{"regions":[]}' }],
    ['a bad trigger time', { ...firing, triggerTime: 'now' }],
  ])('refuses %s', (_, event) => {
    expect(() => scheduledRun(event, 'r', defaults)).toThrow(BadInput);
  });
});

describe('a region reconcile out of time', () => {
  let cloud: LocalCloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });

  it('starts nothing after its deadline, says it is unfinished, and a follow-up with the same run id completes it once', async () => {
    // Creates take 1.5 s and the run may start work for 1 s: the first 4 (its concurrency) start, the rest do not.
    const c = (cloud = await startLocalCloud({ world: regionWorld({ instances: 12, options: { faults: [{ operation: 'CreateTrafficMirrorSession', latencyMs: 1500 }] } }) }));
    const first = await runRegion(c, 'enforce', undefined, { runId: 'chain', deadline: Date.now() + 1000, concurrency: 4 });
    expect(first.result.unfinished).toBe(true);
    const { applied, deferred } = first.report.totals.statuses;
    expect([applied, applied + deferred]).toEqual([expect.toSatisfy((n: number) => n <= 4), 12]);
    expect(first.report.items.find((i) => i.action.status === 'deferred')?.action.error).toBe('the deadline passed before it started');
    expect(first.report.coverage.unmirrored).toHaveLength(deferred);

    const rest = await runRegion(c, 'enforce', undefined, { runId: 'chain' });
    expect(rest.result.unfinished).toBe(false);
    expect(rest.report.totals).toMatchObject({ coveragePercent: 100, statuses: { applied: deferred } });
    expect(writes(c).filter((w) => w === 'CreateTrafficMirrorSession OK')).toHaveLength(12);
    expect(Array.from({ length: 12 }, (_, i) => sessionsIn(c).filter((s) => s.trafficMirrorSourceIds.includes(eniId(i))).length)).toEqual(Array(12).fill(1));
  });

  it('in report mode ignores the deadline: a report reads, it does not apply', async () => {
    const c = (cloud = await startLocalCloud({ world: regionWorld({ instances: 3 }) }));
    const r = await runRegion(c, 'report', undefined, { deadline: Date.now() - 1 });
    expect([r.result.unfinished, r.report.totals.statuses.proposed]).toEqual([false, 3]);
  });
});
