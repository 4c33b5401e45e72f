import { CloudError } from '../cloud/errors.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { Session } from '../domain.js';
import type { Clock } from './clock.js';

export interface SettleOptions {
  /** Give up (a retryable failure) after this long. */
  readonly timeoutMs: number;
  readonly firstPollMs: number;
  readonly maxPollMs: number;
}

/** Terraform polls every 3–10 s for up to 5 min; a function's budget is smaller, and localcloud settles in ~100 ms. */
export const DEFAULT_SETTLE: SettleOptions = { timeoutMs: 60_000, firstPollMs: 150, maxPollMs: 3_000 };

/**
 * Polls until the session is Created (`session` is it) or gone (`session` undefined): writes are asynchronous, and
 * the API refuses a change to a session that is Creating, Modifying or Deleting. Stops polling at `deadline`
 * (epoch ms; `settled` false) so a function never waits past its own time.
 */
export async function settled(vpc: MirrorSessions, sessionId: string, clock: Clock, opts: SettleOptions = DEFAULT_SETTLE, deadline = Infinity): Promise<{ settled: boolean; session?: Session }> {
  const start = clock.now();
  let wait = opts.firstPollMs;
  for (;;) {
    const [s] = await vpc.list({ sessionIds: [sessionId] });
    if (!s || s.status === 'Created') return { settled: true, session: s };
    const next = clock.now() + wait;
    if (next >= deadline) return { settled: false, session: s };
    if (next - start > opts.timeoutMs) throw new CloudError('WaitTimeout', `${sessionId} is still ${s.status} after ${opts.timeoutMs} ms`, true);
    await clock.sleep(wait);
    wait = Math.min(opts.maxPollMs, wait * 2);
  }
}
