import { type CloudError, toCloudError } from '../cloud/errors.js';
import type { Clock } from './clock.js';
import { transient } from './result.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The backoff's first ceiling; it doubles per attempt up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseMs: 250, capMs: 10_000 };

/**
 * The wait before retry number `attempt` (1-based): "full jitter" (a random point below an exponentially growing
 * ceiling), so concurrent invocations that failed together do not retry together; never shorter than the
 * server's x-acs-retry-after.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.max(retryAfterMs ?? 0, Math.floor(random() * ceiling));
}

export interface RetryHooks {
  readonly clock: Clock;
  readonly random?: () => number;
  /** Told about every retryable failure before the wait (the rate limiter pauses on throttling). */
  readonly onRetryable?: (err: CloudError, waitMs: number) => void;
}

/**
 * Runs `call` until it succeeds, fails with an error that retrying cannot help (validation, not found, …), or
 * runs out of attempts. Only CloudError.retryable decides (the retry sets of aliyun/terraform-provider-alicloud's
 * traffic mirror session resource: conflicts, IncorrectStatus*, SystemBusy, ServiceUnavailable, LastTokenProcessing,
 * throttling, 5xx, timeouts). The caller passes the same request, ClientToken included, on every attempt, so a
 * retried write is a no-op at the cloud.
 */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = toCloudError(err);
      if (!transient(e) || attempt >= policy.maxAttempts) throw e;
      const wait = backoffMs(policy, attempt, e.retryAfterMs, hooks.random ?? Math.random);
      hooks.onRetryable?.(e, wait);
      await hooks.clock.sleep(wait);
    }
  }
}
