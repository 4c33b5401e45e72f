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
