import type { Clock } from '../../shared/engine/clock.js';

/** Time that passes only when the code under test sleeps (or `advance` says so); every sleep is recorded. */
export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(
    private t = 0,
    /** false: sleeps resolve at once without moving time, to read the waits callers asked for at one instant. */
    private readonly passes = true,
  ) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    if (this.passes) this.t += Math.max(0, ms);
    return Promise.resolve();
  }

  advance(ms: number): void {
    this.t += ms;
  }
}
