import type { MessageQueue } from '../cloud/mns.js';
import type { Subject } from '../domain.js';
import type { Settings } from '../settings.js';
import { encodeDeferred } from './deferred.js';

export interface DeferralOutcome {
  /** Work queued to come back after the delay. */
  readonly queued: Array<{ eniIds: readonly string[]; reason: string; messageId: string }>;
  /** Work deferred too often: left to the scheduled reconcile, which will find and report it. */
  readonly abandoned: Array<{ eniIds: readonly string[]; reason: string }>;
}

/**
 * Puts work that could not be done yet (an ENI still attaching, a session busy, the invocation out of time) on
 * the deferral queue, delayed, so the queue trigger brings it back: not lost, and, because every pass re-reads the
 * cloud and writes with ClientTokens, not duplicated. Each pass counts; past the limit the work is left to the
 * scheduled reconcile rather than circling forever.
 */
export async function deferWork(subject: Subject, items: ReadonlyArray<{ eniIds: readonly string[]; reason: string }>, queue: MessageQueue, s: Settings): Promise<DeferralOutcome> {
  const out: DeferralOutcome = { queued: [], abandoned: [] };
  const attempt = (subject.attempt ?? 0) + 1;
  for (const item of items) {
    if (attempt > s.maxDeferrals) {
      out.abandoned.push(item);
      continue;
    }
    const body = encodeDeferred({ automirror: 'deferred', version: 1, regionId: subject.regionId, instanceIds: [], eniIds: item.eniIds, reason: item.reason, attempt });
    // Back off as attempts pile up, within MNS's 7-day maximum delay.
    const delay = Math.min(604_800, s.deferDelaySeconds * 2 ** (attempt - 1));
    out.queued.push({ ...item, messageId: await queue.send(body, delay) });
  }
  return out;
}
