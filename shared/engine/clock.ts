import { CloudError } from '../cloud/errors.js';

/** Time as the engine's waits see it: injectable, so unit tests run retries and rate limits in virtual time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** The code of the error a deadline clock raises instead of waiting past its deadline. */
export const DEADLINE_EXCEEDED = 'DeadlineExceeded';

/**
 * The clock of an invocation's cloud calls: a wait that would end after `deadline` (a retry's backoff, a rate-limit
 * slot) fails at once with a retryable DeadlineExceeded instead, so a throttled call gives up while there is time
 * to defer its work, rather than running the function into its timeout.
 */
export function deadlineClock(deadline: number, base: Clock = systemClock): Clock {
  return {
    now: () => base.now(),
    sleep: (ms) => (base.now() + ms > deadline ? Promise.reject(new CloudError(DEADLINE_EXCEEDED, `waiting ${Math.round(ms)} ms more would pass the invocation's deadline`, true)) : base.sleep(ms)),
  };
}

/**
 * A check to run before each read of a subject: once `deadline` has passed it fails with the same DeadlineExceeded,
 * so reads that are merely slow (no wait to refuse) stop too, and what is left is deferred. Writes are not checked
 * this way: apply starts none after the deadline, and one that must follow another (a replace) still may.
 */
export function deadlineCheck(deadline: number | undefined, clock: Clock = systemClock): () => void {
  return () => {
    if (deadline !== undefined && clock.now() > deadline) throw new CloudError(DEADLINE_EXCEEDED, "the invocation's deadline passed while reading", true);
  };
}
