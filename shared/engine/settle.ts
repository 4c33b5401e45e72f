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

/** Polls for a proof another writer is about to write (it follows its Create within a second): at most this long. */
export const PROOF_WAIT: SettleOptions = { timeoutMs: 2_000, firstPollMs: 100, maxPollMs: 800 };

/**
 * Re-reads a session whose claim is `pending` (moments old, no proof yet: most likely another invocation between
 * its Create and its proof) until the proof is there or the claim is no longer pending, within PROOF_WAIT and the
 * deadline; the session as last read (undefined once gone). A claim still pending after that stays pending.
 */
export async function proofSettled(vpc: MirrorSessions, s: Session, clock: Clock, deadline = Infinity): Promise<Session | undefined> {
  const start = clock.now();
  let wait = PROOF_WAIT.firstPollMs;
  let current: Session | undefined = s;
  while (current?.ownership.verdict === 'pending') {
    const next = clock.now() + wait;
    if (next >= deadline || next - start > PROOF_WAIT.timeoutMs) break;
    await clock.sleep(wait);
    wait = Math.min(PROOF_WAIT.maxPollMs, wait * 2);
    [current] = await vpc.list({ sessionIds: [s.id] });
  }
  return current;
}
