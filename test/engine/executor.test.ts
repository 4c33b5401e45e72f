import { describe, expect, it } from 'vitest';
import { execute, type Task } from '../../shared/engine/executor.js';
import { VirtualClock } from './virtual-clock.js';

const tick = () => new Promise((r) => setImmediate(r));

/** Tasks that record when they start and end, and succeed unless their id says "bad". */
function recorder() {
  const log: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const task = (id: string, after: string[] = []): Task<boolean> => ({
    id,
    after,
    run: async () => {
      log.push(`start ${id}`);
      peak = Math.max(peak, ++inFlight);
      await tick();
      inFlight--;
      log.push(`end ${id}`);
      return !id.startsWith('bad');
    },
  });
  return { log, task, peak: () => peak };
}

const opts = (concurrency: number, deadline?: number) => ({ concurrency, clock: new VirtualClock(1_000), deadline });

describe('execute', () => {
  it('keeps at most `concurrency` tasks in flight, and returns results in task order', async () => {
    const r = recorder();
    const results = await execute(
      ['a', 'b', 'c', 'd', 'e'].map((id) => r.task(id)),
      opts(2),
      Boolean,
    );
    expect(r.peak()).toBe(2);
    expect(results).toEqual(Array(5).fill({ result: true }));
  });

  it('starts a task only once its prerequisites succeeded', async () => {
    const r = recorder();
    await execute([r.task('b', ['a']), r.task('a'), r.task('c', ['b'])], opts(8), Boolean);
    expect(r.log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('does not start what waits, directly or not, for a task that failed', async () => {
    const r = recorder();
    const results = await execute([r.task('bad-1'), r.task('x', ['bad-1']), r.task('y', ['x']), r.task('z')], opts(8), Boolean);
    expect(results).toEqual([{ result: false }, { notStarted: 'waits for bad-1, which did not complete' }, { notStarted: 'waits for x, which did not complete' }, { result: true }]);
  });

  it('starts nothing after the deadline', async () => {
    const r = recorder();
    const results = await execute([r.task('a'), r.task('b')], opts(8, 1_000), Boolean);
    expect(results).toEqual([{ notStarted: 'the deadline passed before it started' }, { notStarted: 'the deadline passed before it started' }]);
    expect(r.log).toEqual([]);
  });
});

describe('execute in lanes', () => {
  /** Tasks in named lanes that record their start and end; a gated one ends only when released. */
  function lanes() {
    const log: string[] = [];
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const task = (id: string, lane: string, after: string[] = [], gated = false): Task<boolean> => ({
      id,
      after,
      lane,
      run: async () => {
        log.push(`start ${id}`);
        inFlight.set(lane, (inFlight.get(lane) ?? 0) + 1);
        peak.set(lane, Math.max(peak.get(lane) ?? 0, inFlight.get(lane) ?? 0));
        await (gated ? gate : tick());
        inFlight.set(lane, (inFlight.get(lane) ?? 1) - 1);
        log.push(`end ${id}`);
        return true;
      },
    });
    return { log, task, peak, release };
  }

  it('keeps at most `concurrency` tasks in flight in each lane, the lanes side by side', async () => {
    const r = lanes();
    const tasks = ['create', 'update', 'delete'].flatMap((lane) => [1, 2, 3].map((n) => r.task(`${lane}-${n}`, lane)));
    const results = await execute(tasks, opts(2), Boolean);
    expect(Object.fromEntries(r.peak)).toEqual({ create: 2, update: 2, delete: 2 });
    // Each lane's first two start together, before anything ends.
    expect(r.log.slice(0, 6).sort()).toEqual(['create-1', 'create-2', 'delete-1', 'delete-2', 'update-1', 'update-2'].map((id) => `start ${id}`));
    expect(results).toEqual(Array(9).fill({ result: true }));
  });

  it('runs a lane to its end while another lane is held up, even behind it in list order', async () => {
    const r = lanes();
    const done = execute([r.task('create-1', 'create', [], true), r.task('create-2', 'create'), r.task('update-1', 'update'), r.task('update-2', 'update')], opts(1), Boolean);
    for (let i = 0; i < 5; i++) await tick();
    expect(r.log).toEqual(['start create-1', 'start update-1', 'end update-1', 'start update-2', 'end update-2']);
    r.release();
    expect(await done).toEqual(Array(4).fill({ result: true }));
    expect(r.log.slice(5)).toEqual(['end create-1', 'start create-2', 'end create-2']);
  });

  it('starts a task once its prerequisite in another lane succeeded, its own lane busy meanwhile', async () => {
    const r = lanes();
    // The create needs the slot the delete frees; the create lane runs what does not wait meanwhile.
    await execute([r.task('create-a', 'create', ['delete-x']), r.task('create-b', 'create'), r.task('delete-x', 'delete')], opts(1), Boolean);
    expect(r.log).toEqual(['start create-b', 'start delete-x', 'end create-b', 'end delete-x', 'start create-a', 'end create-a']);
  });

  it('starts nothing in any lane after the deadline', async () => {
    const r = lanes();
    const results = await execute([r.task('a', 'create'), r.task('b', 'update')], opts(8, 1_000), Boolean);
    expect(results).toEqual(Array(2).fill({ notStarted: 'the deadline passed before it started' }));
    expect(r.log).toEqual([]);
  });
});
