import { toCloudError } from '../cloud/errors.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { Session } from '../domain.js';
import type { Policy } from '../policy/types.js';
import { clientToken } from './apply.js';
import type { Clock } from './clock.js';
import { transient } from './result.js';
import { DEFAULT_SETTLE, type SettleOptions, settled } from './settle.js';
import { shouldDisable } from './unapproved.js';

/**
 * What automirror did about one unapproved session: `reported` (the policy says report, or it was already
 * disabled), `disabled` (Enabled=false was written), `would-disable` (the policy says disable but this run writes
 * nothing: a report-mode reconcile), `failed` (the disable was refused or could not be made in time, see `error`).
 */
export type UnapprovedResponse = 'reported' | 'disabled' | 'would-disable' | 'failed';

/** Who made the call that raised the alert, as its ActionTrail record says (the event path only). */
export interface Provenance {
  /** The API call: CreateTrafficMirrorSession, UpdateTrafficMirrorSessionAttribute, AddSourcesToTrafficMirrorSession. */
  readonly call: string;
  /** The caller, from the record's userIdentity (bounded, printable). */
  readonly by?: string;
  /** The record's eventTime. */
  readonly at?: string;
}

export interface UnapprovedFinding {
  readonly regionId: string;
  /** The session as read before anything was done to it. */
  readonly session: Session;
  readonly response: UnapprovedResponse;
  readonly error?: string;
  /** A failed disable another invocation may still make (throttled, busy, out of time). */
  readonly retryable?: boolean;
  readonly provenance?: Provenance;
}

export interface RespondOptions {
  readonly regionId: string;
  /** Names the run in the disable's ClientToken, so a retried invocation repeats the same request. */
  readonly runId: string;
  /** False for a run that writes nothing (report mode): a disable the policy wants is `would-disable`. */
  readonly write: boolean;
  readonly clock: Clock;
  readonly deadline?: number;
  readonly settle?: SettleOptions;
}

/**
 * The policy's response to each unapproved session (classified by unapproved.ts): under `unapproved: disable`, one
 * UpdateTrafficMirrorSessionAttribute Enabled=false, after waiting for a session that is still Creating or Modifying
 * (the API refuses writes to it then). Nothing else about the session is changed, and nothing at all under `report`.
 */
export async function respondToUnapproved(sessions: readonly Session[], policy: Policy, vpc: MirrorSessions, opts: RespondOptions, provenance?: Provenance): Promise<UnapprovedFinding[]> {
  const out: UnapprovedFinding[] = [];
  for (const session of sessions) {
    const base = { regionId: opts.regionId, session, ...(provenance ? { provenance } : {}) };
    if (!shouldDisable(policy, session)) out.push({ ...base, response: 'reported' });
    else if (!opts.write) out.push({ ...base, response: 'would-disable' });
    else out.push({ ...base, ...(await disable(session, vpc, opts)) });
  }
  return out;
}

async function disable(session: Session, vpc: MirrorSessions, opts: RespondOptions): Promise<Pick<UnapprovedFinding, 'response' | 'error' | 'retryable'>> {
  try {
    if (session.status !== 'Created') {
      const now = await settled(vpc, session.id, opts.clock, opts.settle ?? DEFAULT_SETTLE, opts.deadline);
      if (!now.session) return { response: 'reported', error: 'deleted before it could be disabled' };
      if (!now.settled) return { response: 'failed', error: `still ${now.session.status} at the deadline`, retryable: true };
      if (!now.session.enabled) return { response: 'reported', error: 'already disabled by someone else' };
    }
    await vpc.update(session.id, { enabled: false }, clientToken(opts.runId, 'disable-unapproved', { sessionId: session.id }));
    return { response: 'disabled' };
  } catch (err) {
    const e = toCloudError(err);
    return { response: 'failed', error: `${e.code}: ${e.message}`, retryable: transient(err) };
  }
}
