import { createHash } from 'node:crypto';
import type { MessageQueue } from '../cloud/mns.js';
import type { Subject } from '../domain.js';
import type { Settings } from '../settings.js';
import { encodeDeferred } from './deferred.js';

export interface DeferralOutcome {
  /** Work queued to come back after the delay, with its work key. */
  readonly queued: Array<{ eniIds: readonly string[]; reason: string; messageId: string; key: string }>;
  /** Work deferred too often, or that could not be queued: left to the scheduled reconcile, which finds and reports it. */
  readonly abandoned: Array<{ eniIds: readonly string[]; reason: string }>;
  /** Work not queued because the queue refused or failed (the first error; the rest was not tried). */
  unsent?: { readonly items: Array<{ eniIds: readonly string[]; reason: string }>; readonly error: unknown };
}

/**
 * The deterministic key of one piece of deferred work: the run that deferred it, its unit of work (account,
 * region), its ENIs and its attempt. Sent twice, the same work carries the same key.
 */
export function deferralKey(runId: string, subject: Pick<Subject, 'accountId' | 'regionId'>, eniIds: readonly string[], attempt: number): string {
  return createHash('sha256')
    .update([runId, subject.accountId, subject.regionId, [...eniIds].sort().join(','), String(attempt)].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Puts work that could not be done yet (an ENI still attaching, a session busy, the invocation out of time) on
 * the deferral queue, delayed, so the queue trigger brings it back: not lost, and, because every pass re-reads the
 * cloud and writes with ClientTokens, not duplicated. Each pass counts; past the limit the work is left to the
 * scheduled reconcile rather than circling forever.
 */
export async function deferWork(
  subject: Subject,
  items: ReadonlyArray<{ eniIds: readonly string[]; instanceIds?: readonly string[]; reason: string }>,
  queue: MessageQueue,
  s: Settings,
  runId: string,
): Promise<DeferralOutcome> {
  const out: DeferralOutcome = { queued: [], abandoned: [] };
  const attempt = (subject.attempt ?? 0) + 1;
  for (const [i, item] of items.entries()) {
    if (attempt > s.maxDeferrals) {
      out.abandoned.push(item);
      continue;
    }
    // Instances come back as such when their ENIs were not read yet (instance and ENI ids never look alike).
    const instanceIds = item.instanceIds ?? [];
    const key = deferralKey(runId, subject, [...item.eniIds, ...instanceIds], attempt);
    const body = encodeDeferred({
      automirror: 'deferred',
      version: 1,
      key,
      accountId: subject.accountId,
      regionId: subject.regionId,
      instanceIds,
      eniIds: item.eniIds,
      reason: item.reason,
      attempt,
    });
    // Back off as attempts pile up, within MNS's 7-day maximum delay.
    const delay = Math.min(604_800, s.deferDelaySeconds * 2 ** (attempt - 1));
    try {
      out.queued.push({ ...item, messageId: await queue.send(body, delay), key });
    } catch (error) {
      out.unsent = { items: items.slice(i), error };
      break;
    }
  }
  return out;
}
