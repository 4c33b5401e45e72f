import type { Clock } from './clock.js';

export interface Task<R> {
  readonly id: string;
  /** Ids of tasks that must have succeeded first; unknown ids are ignored. */
  readonly after: readonly string[];
  /**
   * The queue it waits in (one shared lane when absent). Each lane has its own `concurrency` slots, so tasks held up
   * in one lane (by their operation's rate limit, say) never keep another lane's ready tasks from starting.
   */
  readonly lane?: string;
  /** Must not throw: failures are results. */
  run(): Promise<R>;
}

export type TaskResult<R> = { readonly result: R } | { readonly notStarted: string };

export interface ExecutorOptions {
  /** Tasks in flight at once per lane. */
  readonly concurrency: number;
  readonly clock: Clock;
  /** Epoch ms after which no task starts. */
  readonly deadline?: number;
}

interface Lane {
  readonly ready: number[];
  head: number;
  running: number;
}

/**
 * Runs tasks with at most `concurrency` in flight in each lane, each once its prerequisites (in any lane)
 * succeeded, in list order among a lane's ready ones. A task whose prerequisite did not succeed, or that would
 * start after the deadline, does not run; its result says why. Results come back in the tasks' order.
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
  const lanes = new Map<string, Lane>();
  const laneOf = (i: number): Lane => {
    const key = tasks[i].lane ?? '';
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { ready: [], head: 0, running: 0 }));
    return lane;
  };
  const results: Array<TaskResult<R> | undefined> = tasks.map(() => undefined);
  tasks.forEach((_, i) => waiting[i] === 0 && laneOf(i).ready.push(i));
  let running = 0;
  return new Promise((resolve, reject) => {
    const finish = (i: number, r: TaskResult<R>) => {
      results[i] = r;
      const ok = 'result' in r && succeeded(r.result);
      for (const d of dependents[i]) {
        if (results[d]) continue;
        if (!ok) finish(d, { notStarted: `waits for ${tasks[i].id}, which did not complete` });
        else if (--waiting[d] === 0) laneOf(d).ready.push(d);
      }
    };
    const pump = () => {
      for (const lane of lanes.values()) {
        while (lane.running < opts.concurrency && lane.head < lane.ready.length) {
          const i = lane.ready[lane.head++];
          if (results[i]) continue;
          if (opts.deadline !== undefined && opts.clock.now() >= opts.deadline) {
            finish(i, { notStarted: 'the deadline passed before it started' });
            continue;
          }
          lane.running++;
          running++;
          tasks[i].run().then((result) => {
            lane.running--;
            running--;
            finish(i, { result });
            pump();
          }, reject);
        }
      }
      if (running === 0 && [...lanes.values()].every((l) => l.head >= l.ready.length)) {
        resolve(results.map((r) => r ?? { notStarted: 'its prerequisites form a cycle' }));
      }
    };
    pump();
  });
}
