/**
 * Counts background work (routing, retries, async invocations) so tests can wait for quiet instead of sleeping,
 * and cancels pending sleeps on close so nothing outlives the cloud.
 */
export class Tracker {
  private busy = 0;
  private waiters: Array<() => void> = [];
  private readonly sleepers = new Set<() => void>();
  closed = false;

  /** Runs a task in the background, counted until it settles (errors are the task's own business). */
  run(task: () => Promise<unknown>): void {
    const release = this.hold();
    task()
      .catch(() => undefined)
      .finally(release);
  }

  /** Marks work as pending until the returned function is called. */
  hold(): () => void {
    this.busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy--;
      if (this.busy === 0) for (const w of this.waiters.splice(0)) w();
    };
  }

  get pending(): number {
    return this.busy;
  }

  idle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A cancellable delay: resolves early (and the caller sees `closed`) when the tracker closes. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.sleepers.add(done);
    });
  }

  close(): void {
    this.closed = true;
    for (const wake of [...this.sleepers]) wake();
  }
}
