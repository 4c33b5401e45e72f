import type { Clock } from './clock.js';

export interface Task<R> {
  readonly id: string;
  /** Ids of tasks that must have succeeded first; unknown ids are ignored. */
  readonly after: readonly string[];
  /** Must not throw: failures are results. */
  run(): Promise<R>;
}

export type TaskResult<R> = { readonly result: R } | { readonly notStarted: string };

export interface ExecutorOptions {
  readonly concurrency: number;
  readonly clock: Clock;
  /** Epoch ms after which no task starts. */
  readonly deadline?: number;
}

/**
 * Runs tasks with at most `concurrency` in flight, each once its prerequisites succeeded, in list order among
 * those ready. A task whose prerequisite did not succeed, or that would start after the deadline, does not run;
 * its result says why. Results come back in the tasks' order.
 */
export function execute<R>(tasks: readonly Task<R>[], opts: ExecutorOptions, succeeded: (r: R) => boolean): Promise<TaskResult<R>[]> {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const waiting = tasks.map(() => 0);
  const dependents: number[][] = tasks.map(() => []);
  tasks.forEach((t, i) => {
    for (const dep of new Set(t.after)) {
      const d = index.get(dep);
      if (d === undefined || d === i) continue;
      waiting[i]++;
      dependents[d].push(i);
    }
  });
  const results: Array<TaskResult<R> | undefined> = tasks.map(() => undefined);
  const ready = tasks.flatMap((_, i) => (waiting[i] === 0 ? [i] : []));
  let head = 0;
  let running = 0;
  return new Promise((resolve, reject) => {
    const finish = (i: number, r: TaskResult<R>) => {
      results[i] = r;
      const ok = 'result' in r && succeeded(r.result);
      for (const d of dependents[i]) {
        if (results[d]) continue;
        if (!ok) finish(d, { notStarted: `waits for ${tasks[i].id}, which did not complete` });
        else if (--waiting[d] === 0) ready.push(d);
      }
    };
    const pump = () => {
      while (running < opts.concurrency && head < ready.length) {
        const i = ready[head++];
        if (results[i]) continue;
        if (opts.deadline !== undefined && opts.clock.now() >= opts.deadline) {
          finish(i, { notStarted: 'the deadline passed before it started' });
          continue;
        }
        running++;
        tasks[i].run().then((result) => {
          running--;
          finish(i, { result });
          pump();
        }, reject);
      }
      if (running === 0 && head >= ready.length) {
        resolve(results.map((r) => r ?? { notStarted: 'its prerequisites form a cycle' }));
      }
    };
    pump();
  });
}
