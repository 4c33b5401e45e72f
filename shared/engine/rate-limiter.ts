import type { Clock } from './clock.js';

export interface Rate {
  readonly perSecond: number;
  /** Calls allowed back to back after a quiet spell. */
  readonly burst: number;
}

/**
 * CreateTrafficMirrorSession's published limit is 600 a minute (alibaba-cloud-apis.md §2.3); the others are
 * unpublished, so they get a moderate default and the limiter adapts to throttling (see `pause`).
 */
export const DEFAULT_RATES: Readonly<Record<string, Rate>> = {
  CreateTrafficMirrorSession: { perSecond: 10, burst: 10 },
  '*': { perSecond: 20, burst: 20 },
};

/**
 * A client-side limit per operation (generic cell rate: each caller reserves the next slot synchronously, so
 * concurrent callers are spaced fairly without polling). Throttling answers push the operation's next slot past
 * the server's retry-after for every caller at once.
 */
export class RateLimiter {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly rates: Readonly<Record<string, Rate>> = DEFAULT_RATES,
  ) {}

  private rate(op: string): Rate {
    return this.rates[op] ?? this.rates['*'] ?? DEFAULT_RATES['*'];
  }

  /** Waits for the operation's next slot. */
  async acquire(op: string): Promise<void> {
    const { perSecond, burst } = this.rate(op);
    const interval = 1000 / perSecond;
    const now = this.clock.now();
    const tat = Math.max(this.next.get(op) ?? now, now);
    this.next.set(op, tat + interval);
    const wait = tat - interval * (burst - 1) - now;
    if (wait > 0) await this.clock.sleep(wait);
  }

  /** No new slot for the operation before `ms` from now (the server said to wait). */
  pause(op: string, ms: number): void {
    const { perSecond, burst } = this.rate(op);
    const until = this.clock.now() + ms + (1000 / perSecond) * (burst - 1);
    this.next.set(op, Math.max(this.next.get(op) ?? 0, until));
  }
}
