import { isAccountId } from '../domain.js';
import { EVENT_LIMITS, isEniId, isInstanceId, isObj, isRegionId, own, quote, tooBig } from './ids.js';
import { bad, type Verdict } from './verdict.js';

/** Work put off to the deferral queue: ENIs that could not be handled yet (still attaching, session busy, out of time). */
export interface DeferredWork {
  readonly automirror: 'deferred';
  readonly version: 1;
  /**
   * Which piece of work this is: derived from the run that deferred it, the unit of work, the ENIs and the
   * attempt, so a message sent twice for the same work carries the same key (and a batch holding both counts it
   * once). Absent in messages from before it existed.
   */
  readonly key?: string;
  /** The account of the work; absent means the deployment's own. */
  readonly accountId?: string;
  readonly regionId: string;
  readonly instanceIds: readonly string[];
  readonly eniIds: readonly string[];
  readonly reason: string;
  /** How many times this work has been deferred; the function gives up (and reports) past a limit. */
  readonly attempt: number;
}

/**
 * Most resources one deferral message may name: the most one invocation takes from a whole batch (see
 * MAX_IDS_PER_BATCH in payload.ts), so that no message can carry more work than an invocation may do.
 */
export const MAX_DEFERRED_IDS = 1000;

export const encodeDeferred = (w: DeferredWork): string => JSON.stringify(w);

export function parseBody(body: string): unknown {
  // An MNS message body is at most 64 KB; base64 of that is a third more.
  if (body.length > 96 * 1024) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    // A queue trigger with IsBase64Decode off hands over the raw bytes; a producer may have base64-encoded them.
    try {
      return JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    } catch {
      return undefined;
    }
  }
}

/** A deferral-queue message body → the work to retry, validated like any other untrusted input. */
export function deferredMessage(messageBody: unknown, label: string): Verdict {
  const parsed = typeof messageBody === 'string' ? parseBody(messageBody) : messageBody;
  const big = tooBig(parsed, EVENT_LIMITS);
  if (big !== undefined) return bad(`${label}: message is too large to read (${big})`);
  // Only the fields the message itself has: a `__proto__` or `constructor` field names nothing.
  const w = isObj(parsed) ? Object.fromEntries(['automirror', 'version', 'key', 'accountId', 'regionId', 'instanceIds', 'eniIds', 'reason', 'attempt'].map((k) => [k, own(parsed, k)])) : undefined;
  if (w?.automirror !== 'deferred' || w.version !== 1) return bad(`${label}: message is not automirror deferred work (${quote(messageBody)})`);
  const instanceIds = Array.isArray(w.instanceIds) ? w.instanceIds : [];
  const eniIds = Array.isArray(w.eniIds) ? w.eniIds : [];
  if (instanceIds.length + eniIds.length > MAX_DEFERRED_IDS)
    return bad(`${label}: deferred work names ${instanceIds.length + eniIds.length} resources; a message may name at most ${MAX_DEFERRED_IDS}`);
  if (!isRegionId(w.regionId)) return bad(`${label}: deferred work has an invalid regionId ${quote(w.regionId)}`);
  if (!instanceIds.every(isInstanceId) || !eniIds.every(isEniId) || instanceIds.length + eniIds.length === 0) {
    return bad(`${label}: deferred work names invalid or no resources`);
  }
  const accountId = w.accountId;
  if (accountId !== undefined && !isAccountId(accountId)) return bad(`${label}: deferred work has an invalid accountId ${quote(accountId)}`);
  const key = typeof w.key === 'string' && /^[a-f0-9]{16,64}$/.test(w.key) ? w.key : undefined;
  const attempt = Number.isInteger(w.attempt) && (w.attempt as number) >= 0 ? (w.attempt as number) : 0;
  return {
    kind: 'reconcile',
    ...(isAccountId(accountId) ? { accountId } : {}),
    ...(key ? { workKey: key } : {}),
    regionId: w.regionId,
    instanceIds,
    eniIds,
    attempt,
    why: `deferred work, attempt ${attempt + 1} (${quote(w.reason, 120)})`,
  };
}
