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
