import { ApiError } from '../core/api-error.js';
import { lookupOperation } from './operation-key.js';
import type { PopContext, PopInterceptor } from './protocol.js';

export interface RateLimit {
  perMinute?: number;
  perSecond?: number;
  /** Calls allowed at once after a quiet period (default: one second's or one minute's worth, as given). */
  burst?: number;
}

export type RateLimits = Record<string, RateLimit>;

/** The only published limit (alibaba-cloud-apis.md §2.3); worlds add or override per operation. */
const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = { CreateTrafficMirrorSession: { perMinute: 600 } };

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Per-operation flow control with token buckets, answered as the gateway does: HTTP 400 `Throttling.User` with
 * `x-acs-retry-after` (ms), which the SDK raises as ThrottlingError with `retryAfter`.
 */
export class Throttle implements PopInterceptor {
  private limits: RateLimits = { ...DEFAULT_RATE_LIMITS };
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /** Replaces the limits (defaults still apply to operations not named); buckets start full. */
  set(limits: RateLimits): void {
    this.limits = { ...DEFAULT_RATE_LIMITS, ...limits };
    this.buckets.clear();
  }

  get(): RateLimits {
    return { ...this.limits };
  }

  before(ctx: PopContext): void {
    const limit = lookupOperation(this.limits, ctx);
    if (!limit) return;
    const perMs = limit.perSecond !== undefined ? limit.perSecond / 1000 : (limit.perMinute ?? Infinity) / 60_000;
    const capacity = limit.burst ?? limit.perSecond ?? limit.perMinute ?? Infinity;
    const key = `${ctx.product}.${ctx.action}`;
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: capacity, updated: t };
    b.tokens = Math.min(capacity, b.tokens + (t - b.updated) * perMs);
    b.updated = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / perMs));
      throw new ApiError('Throttling.User', 'Request was denied due to user flow control.', 400, { 'x-acs-retry-after': String(retryAfter) });
    }
    b.tokens -= 1;
  }
}
