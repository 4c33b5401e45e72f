import type { Clock } from './clock.js';

export interface Rate {
  readonly perSecond: number;
  /** Calls allowed back to back after a quiet spell. */
  readonly burst: number;
}

/**
 * CreateTrafficMirrorSession's published limit is 600 a minute (its flow-control note in the VPC API reference,
 * api.aliyun.com/document/Vpc/2016-04-28/CreateTrafficMirrorSession); the others are unpublished, so they start at
 * a moderate default and adapt to throttling. ActionTrail's LookupEvents publishes two a second.
 */
export const DEFAULT_RATES: Readonly<Record<string, Rate>> = {
  CreateTrafficMirrorSession: { perSecond: 10, burst: 10 },
  // "You can query the event details at most twice per second" (ActionTrail LookupEvents: https://www.alibabacloud.com/help/doc-detail/185722.html).
  LookupEvents: { perSecond: 2, burst: 2 },
  '*': { perSecond: 20, burst: 20 },
};

/** The slowest an operation is slowed to by throttling. */
const FLOOR_PER_SECOND = 0.5;

interface OpState {
  /** When the next call may go (generic cell rate: the "theoretical arrival time"). */
  next: number;
  perSecond: number;
  /** Throttling answers before this time belong to the same episode and do not halve the rate again. */
  calmAt: number;
}

/**
 * A client-side limit per operation. Each caller reserves the next slot synchronously, so concurrent callers are
 * spaced fairly without polling. The rate adapts like TCP: a throttling episode halves it (and stops bursts) and
 * pushes the next slot past the server's retry-after for every caller at once; each success wins a little back.
 */
export class RateLimiter {
  private readonly ops = new Map<string, OpState>();

  constructor(
    private readonly clock: Clock,
    private readonly rates: Readonly<Record<string, Rate>> = DEFAULT_RATES,
  ) {}

  private configured(op: string): Rate {
    return this.rates[op] ?? this.rates['*'] ?? DEFAULT_RATES['*'];
  }

  private state(op: string): OpState {
    let s = this.ops.get(op);
    if (!s) this.ops.set(op, (s = { next: 0, perSecond: this.configured(op).perSecond, calmAt: 0 }));
    return s;
  }

  /** How far ahead of the steady pace a caller may go: the burst at full rate, none once throttled. */
  private tolerance(op: string, s: OpState): number {
    const c = this.configured(op);
    return s.perSecond < c.perSecond ? 0 : (1000 / s.perSecond) * (c.burst - 1);
  }

  /** Waits for the operation's next slot. */
  async acquire(op: string): Promise<void> {
    const s = this.state(op);
    const now = this.clock.now();
    const tat = Math.max(s.next, now);
    s.next = tat + 1000 / s.perSecond;
    const wait = tat - this.tolerance(op, s) - now;
    if (wait > 0) await this.clock.sleep(wait);
  }

  /**
   * The server throttled: no new slot before `retryAfterMs` from now, and half the rate, once per episode (the
   * calls already in flight when the limit was hit are refused together and count once).
   */
  throttled(op: string, retryAfterMs: number): void {
    const s = this.state(op);
    const now = this.clock.now();
    if (now >= s.calmAt) {
      s.perSecond = Math.max(FLOOR_PER_SECOND, s.perSecond / 2);
      s.calmAt = now + Math.max(retryAfterMs, 1000);
    }
    s.next = Math.max(s.next, now + retryAfterMs);
  }

  /** A call went through: creep back towards the configured rate. */
  succeeded(op: string): void {
    const s = this.state(op);
    const max = this.configured(op).perSecond;
    if (s.perSecond < max) s.perSecond = Math.min(max, s.perSecond + max / 20);
  }

  /** The current rate of an operation, for tests and logs. */
  rate(op: string): number {
    return this.state(op).perSecond;
  }
}
