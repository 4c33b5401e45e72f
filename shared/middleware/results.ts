import type { MiddlewareObj } from '@middy/core';
import type { Subject } from '../domain.js';
import { type Checked, unfinishedChecks } from '../engine/check-sessions.js';
import { type Requeue, type Result, resultOfError } from '../engine/result.js';
import type { DeferralOutcome } from '../events/deferral.js';
import { LOGGED } from '../events/log-view.js';
import type { RegionTask } from '../events/region-task.js';
import { jsonLogger, type Logger } from './logger.js';
import type { AutomirrorContext } from './stack.js';

/**
 * The one place a result (shared/engine/result.ts) becomes what the platform does: an MNS deferral, a throw for
 * FC's async retry, a logged drop, a hand-off to the next part. Placed with the middlewares because these are FC
 * and MNS facts (what a throw means, which queue brings work back), not decisions: the engine decided the result.
 *
 * Deferrals are sent once per piece of work under FC's at-least-once retries: an invocation that will be retried
 * (any unit's result is `retry`) sends none, since the retry re-reads the cloud, re-plans and defers what is still
 * not ready itself; only an invocation that ends normally sends them. A deferral that can't be sent before any
 * other was makes the invocation retry (nothing sent, nothing duplicated); one that fails after others were sent is
 * left to the scheduled reconcile (retrying would send the others again). MNS has no deduplication, so each
 * message also carries a deterministic work key (run, account, region, ENIs, attempt): a batch holding the same
 * work twice handles it once, and a duplicate in another batch is a harmless extra pass (ClientTokens, re-reads).
 */

/** Thrown so that FC retries the asynchronous invocation; after its retries the event goes to the onFailure queue. */
export class RetryInvocation extends Error {
  constructor(reason: string) {
    super(`transient failures, FC will retry: ${reason}`);
    this.name = 'RetryInvocation';
  }
}

/**
 * on-event's session checks → the platform, once their alerts are out: a read that can't be made is logged and
 * left to the scheduled reconcile; a read or a disable that may still succeed throws, so FC retries the invocation.
 */
export function settleSessionChecks(checked: readonly Checked[], log: Logger): void {
  const left = unfinishedChecks(checked);
  if (left.refused.length > 0)
    log.error('sessions that could not be read: left to the scheduled reconcile', { sessions: left.refused.slice(0, LOGGED).map((c) => ({ sessionId: c.check.sessionId, error: c.error })) });
  if (left.retry.length > 0) throw new RetryInvocation(left.retry.join('; '));
}

/** One unit of an event invocation: its subject and what the engine made of it. */
export interface EventUnit {
  readonly subject: Subject;
  readonly result: Result;
}

/** What the platform did with a unit: its deferrals (requeue), or why it was dropped (terminal). */
export interface Settled {
  readonly deferral?: DeferralOutcome;
  readonly dropped?: string;
}

/**
 * on-event's units → the platform. `retry` anywhere throws (before anything is sent); `requeue` goes to the
 * deferral queue through `defer`; `terminal` is logged and dropped; `done` needs nothing.
 */
export async function settleEventUnits(units: readonly EventUnit[], defer: (subject: Subject, items: readonly Requeue[]) => Promise<DeferralOutcome>, log: Logger): Promise<Settled[]> {
  const retry = units.flatMap((u) => (u.result.kind === 'retry' ? [u.result.reason] : []));
  if (retry.length > 0) throw new RetryInvocation(retry.join('; '));
  let sent = 0;
  const out: Settled[] = [];
  for (const u of units) {
    const r = u.result;
    if (r.kind === 'terminal') {
      log.warn('dropped: the work can never succeed as given', { accountId: u.subject.accountId, regionId: u.subject.regionId, code: r.code, reason: r.reason });
      out.push({ dropped: r.reason });
      continue;
    }
    if (r.kind !== 'requeue') {
      out.push({});
      continue;
    }
    const deferral = await defer(u.subject, r.items);
    if (deferral.abandoned.length > 0) log.error('deferred too often: left to the scheduled reconcile', { abandoned: deferral.abandoned });
    if (deferral.unsent) {
      const why = resultOfError(deferral.unsent.error);
      if (sent + deferral.queued.length === 0 && why.kind === 'retry') throw new RetryInvocation(`deferral queue: ${why.reason}`);
      log.error('deferrals could not be queued: left to the scheduled reconcile', { items: deferral.unsent.items, reason: 'reason' in why ? why.reason : String(deferral.unsent.error) });
      deferral.abandoned.push(...deferral.unsent.items);
      delete deferral.unsent;
    }
    sent += deferral.queued.length;
    out.push({ deferral });
  }
  return out;
}

/** What a region part's result came to on the platform: handed to the next part, cut short, or done. */
export interface RegionSettled {
  /** The part that continues the run, when one was started. */
  readonly handedOff?: RegionTask;
  /** Unfinished, but the chain may not grow (maxParts) or the hand-off was refused: the run ends here, incomplete. */
  readonly truncated: boolean;
  /** The refused hand-off, for the report. */
  readonly refused?: { readonly code?: string; readonly message: string };
}

/**
 * reconcile-region's result → the platform: `requeue` hands the rest to `next` through `handOff` (FC async, task
 * dedup). A transient hand-off failure fails the part for FC's retry (which re-scans); a refusal ends the run here.
 */
export async function settleRegionPart(result: Result, next: RegionTask | undefined, handOff: (task: RegionTask) => Promise<void>): Promise<RegionSettled> {
  if (result.kind === 'retry') throw new RetryInvocation(result.reason);
  if (result.kind !== 'requeue') return { truncated: false };
  if (!next) return { truncated: true };
  try {
    await handOff(next);
    return { handedOff: next, truncated: false };
  } catch (err) {
    const r = resultOfError(err);
    if (r.kind === 'retry') throw err;
    const code = r.kind === 'terminal' ? r.code : undefined;
    return { truncated: true, refused: { ...(code !== undefined ? { code } : {}), message: 'reason' in r ? r.reason : String(err) } };
  }
}

/**
 * A unit's account that can't be reached (its STS error, shared/cloud/accounts.ts) → the platform: a transient one
 * (a throttle, STS unavailable) is rethrown, so FC retries the invocation; a permanent one (the role missing, a
 * trust policy that doesn't name the deployment, no permission) is returned, for the unit to report and drop: no
 * retry can create the role.
 */
export function settleUnreachable(err: unknown): { readonly code?: string; readonly message: string } {
  const r = resultOfError(err);
  if (r.kind !== 'terminal') throw err;
  return { ...(r.code !== undefined ? { code: r.code } : {}), message: r.reason };
}

/**
 * Errors that escape a handler: input that can never succeed (bad payloads, permanent cloud refusals such as a
 * missing filter) is answered with one log line saying why, not thrown, since FC would retry it until it lands in
 * the dead-letter queue; everything else (transient failures, bugs) is rethrown so FC's async retries run.
 */
export const classifyErrors = (): MiddlewareObj<unknown, unknown, Error, AutomirrorContext> => ({
  onError: (request) => {
    const err = request.error;
    const log = request.context.log ?? jsonLogger({ requestId: request.context.requestId });
    const r = err instanceof RetryInvocation ? ({ kind: 'retry', reason: err.message } as const) : resultOfError(err);
    if (r.kind === 'terminal') {
      log[r.code === undefined ? 'warn' : 'error'](r.code === undefined ? 'dropped bad input' : 'dropped: the cloud refused permanently', { ...(r.code ? { code: r.code } : {}), reason: r.reason });
      request.response = { dropped: r.code ? `${r.code}: ${r.reason}` : r.reason };
    } else {
      log.error('failed, FC will retry', { error: err?.message });
    }
  },
});
