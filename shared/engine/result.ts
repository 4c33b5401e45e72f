import { CloudError, toCloudError } from '../cloud/errors.js';
import type { Subject } from '../domain.js';
import { BadInput } from '../events/bad-input.js';
import type { Action, Deferred, Outcome } from './actions.js';
import { DEADLINE_EXCEEDED } from './clock.js';

/**
 * The result contract: what one unit of work (an account, a region, the subjects in it) came to, in the spirit of
 * controller-runtime's `Reconcile → Result`. The engine decides it here; one mapper (shared/middleware/results.ts)
 * turns it into what the platform does (an MNS deferral, a throw for FC's retry, a logged drop, a hand-off to the
 * next part), and nothing else decides retry, requeue or drop.
 *
 * - `done`: nothing left to do now (refusals that no retry can help are in the outcomes, reported);
 * - `requeue`: these items could not be done yet (not ready, busy, out of time): come back to them later;
 * - `retry`: a transient failure: run the same invocation again (its deferrals are the retry's to make);
 * - `terminal`: the work can never succeed as given (bad input, a permanent refusal): say why and drop it.
 */
export type Result =
  | { readonly kind: 'done' }
  | { readonly kind: 'requeue'; readonly items: readonly Requeue[] }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'terminal'; readonly reason: string; readonly code?: string };

/** Work to come back to: which ENIs (or instances, when their ENIs were not read yet), and why they were put off. */
export interface Requeue {
  readonly eniIds: readonly string[];
  readonly instanceIds?: readonly string[];
  readonly reason: string;
}

/** The unit of work a result is about: the account and region, and (on the event path) the subject. */
export interface WorkUnit {
  readonly accountId: string;
  readonly regionId: string;
  readonly subject?: Subject;
}

/**
 * Whether trying again may help: the one place the engine reads CloudError's classification. Within a call,
 * retry.ts retries such failures with backoff; one that outlasts those retries becomes `retry` here.
 */
export const transient = (err: unknown): boolean => toCloudError(err).retryable;

/**
 * A failed write the engine may diagnose by re-reading the truth (a refusal). A transient failure is not a refusal:
 * it is rethrown, and the action's outcome says so (`outcomeOfError`).
 */
export function refusal(err: unknown): CloudError {
  const e = toCloudError(err);
  if (e.retryable) throw e;
  return e;
}

/** What an error that escaped an action makes of it: out of time is deferred; anything else failed, saying whether it is transient. */
export function outcomeOfError(action: Action, err: unknown): Outcome {
  const e = toCloudError(err);
  // Throttled or retrying until the invocation's time ran out (deadlineClock): not failed, left for later.
  if (e.code === DEADLINE_EXCEEDED) return { action, status: 'deferred', reason: `out of time while waiting to call the cloud (${e.message})` };
  return { action, status: 'failed', code: e.code, error: e.message, retryable: e.retryable };
}

/** An action the cloud refused and the re-read truth did not explain: failed, and retrying will not help. */
export const refusedOutcome = (action: Action, e: CloudError, error = e.message): Outcome => ({ action, status: 'failed', code: e.code, error, retryable: false });

/** A subject's reconcile: a transient failure retries the invocation; work put off is requeued; else done. */
export function resultOf(outcomes: readonly Outcome[], deferred: readonly Deferred[]): Result {
  const transientFailures = outcomes.flatMap((o) => (o.status === 'failed' && o.retryable ? [`${o.code}: ${o.error}`] : []));
  if (transientFailures.length > 0) return { kind: 'retry', reason: transientFailures.join('; ') };
  if (deferred.length > 0) return { kind: 'requeue', items: deferred.map((d) => ({ eniIds: d.eniIds, ...(d.instanceIds?.length ? { instanceIds: d.instanceIds } : {}), reason: d.reason })) };
  return { kind: 'done' };
}

/** Whether an error is the invocation's deadline (deadlineClock refusing a wait past it), not a cloud failure. */
export const outOfTime = (err: unknown): boolean => toCloudError(err).code === DEADLINE_EXCEEDED;

/**
 * A deadline hit while reading a subject, before anything was written: the rest of its work is deferred (requeued),
 * not the invocation retried, since a retry would repeat every read and run out of time the same way. Ids the reads
 * already settled (the cloud says they no longer exist and nothing of ours names them) are not read again.
 */
export function deferredReads(subject: Subject, err: unknown, settled: ReadonlySet<string>): Deferred[] {
  const instanceIds = subject.instanceIds.filter((id) => !settled.has(id));
  const eniIds = subject.eniIds.filter((id) => !settled.has(id));
  if (instanceIds.length + eniIds.length === 0) return [];
  return [{ eniIds, ...(instanceIds.length > 0 ? { instanceIds } : {}), reason: `out of time while reading the cloud, before any change (${toCloudError(err).message})` }];
}

/**
 * A region reconcile: unfinished at the deadline is requeued (the next part re-scans the region, so the items are
 * for the record); otherwise done. Actions that failed are in the report, and the next run tries them again.
 */
export function regionResultOf(unfinished: boolean, lastOutcomes: readonly Outcome[]): Result {
  if (!unfinished) return { kind: 'done' };
  return { kind: 'requeue', items: lastOutcomes.flatMap((o) => (o.status === 'deferred' ? [{ eniIds: o.action.eniIds, reason: o.reason }] : [])) };
}

/**
 * An error that escaped the work (a read that failed past its retries, a bad payload, a bug): bad input and
 * permanent cloud refusals are terminal; transient cloud failures and anything unknown (a bug, which FC's
 * retries and then the dead-letter queue make visible) retry the invocation.
 */
export function resultOfError(err: unknown): Result {
  if (err instanceof BadInput) return { kind: 'terminal', reason: err.message };
  if (err instanceof CloudError) {
    return err.retryable ? { kind: 'retry', reason: `${err.code}: ${err.message}` } : { kind: 'terminal', code: err.code, reason: err.message };
  }
  return { kind: 'retry', reason: err instanceof Error ? err.message : String(err) };
}
