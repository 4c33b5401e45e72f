import type { MirrorSessions } from '../cloud/vpc.js';
import type { SessionCheck } from '../events/payload.js';
import type { Policy } from '../policy/types.js';
import { type Clock, systemClock } from './clock.js';
import { respondToUnapproved, type UnapprovedFinding } from './respond-unapproved.js';
import { approvedTargets, classifySession, type SessionClass } from './unapproved.js';

export interface CheckDeps {
  readonly policy: Policy;
  /** The VPC adapter for an account and region; undefined when this deployment does not serve the account. */
  readonly vpcFor: (accountId: string, regionId: string) => MirrorSessions | undefined;
  readonly clock?: Clock;
}

/**
 * What one check came to: the session's class; `idle` for an unapproved session that is not mirroring (nothing to
 * alert on now: the report lists it, and the write that enables it raises its own event); `gone` (deleted since);
 * `unserved` (an account this deployment does not serve).
 */
export interface Checked {
  readonly check: SessionCheck;
  readonly outcome: SessionClass | 'idle' | 'gone' | 'unserved';
  /** For an unapproved session: what the policy had done about it. */
  readonly finding?: UnapprovedFinding;
}

/**
 * The event path's side of unapproved mirroring: each session a VPC event names is read (one call), classified
 * with the scheduled path's function, and answered as the policy says (respondToUnapproved). A failed read throws,
 * so the invocation is retried like any transient failure.
 */
export async function checkSessions(checks: readonly SessionCheck[], deps: CheckDeps, opts: { runId: string; deadline?: number }): Promise<Checked[]> {
  const approved = approvedTargets(deps.policy);
  const out: Checked[] = [];
  for (const check of checks) {
    const vpc = deps.vpcFor(check.accountId, check.regionId);
    if (!vpc) {
      out.push({ check, outcome: 'unserved' });
      continue;
    }
    const [session] = await vpc.list({ sessionIds: [check.sessionId] });
    if (!session) {
      out.push({ check, outcome: 'gone' });
      continue;
    }
    const outcome = classifySession(session, approved);
    if (outcome !== 'unapproved' || !session.enabled) {
      // Disabling one raises its own event (UpdateTrafficMirrorSessionAttribute): it finds the session idle.
      out.push({ check, outcome: outcome === 'unapproved' ? 'idle' : outcome });
      continue;
    }
    const respond = { regionId: check.regionId, runId: opts.runId, write: true, clock: deps.clock ?? systemClock, deadline: opts.deadline };
    const [finding] = await respondToUnapproved([session], deps.policy, vpc, respond, check.provenance);
    out.push({ check, outcome, finding });
  }
  return out;
}
