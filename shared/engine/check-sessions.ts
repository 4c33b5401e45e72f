import { toCloudError } from '../cloud/errors.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { Session, Subject } from '../domain.js';
import type { SessionCheck } from '../events/payload.js';
import type { Policy } from '../policy/types.js';
import { type Clock, deadlineCheck, systemClock } from './clock.js';
import { ruleOf } from './ownership.js';
import { respondToUnapproved, type UnapprovedFinding } from './respond-unapproved.js';
import { transient } from './result.js';
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
 * `unserved` (an account this deployment does not serve); `unread` (the read failed or the deadline came first).
 */
export interface Checked {
  readonly check: SessionCheck;
  readonly outcome: SessionClass | 'idle' | 'gone' | 'unserved' | 'unread';
  /** For an unapproved (or tampered) session: what the policy had done about it. */
  readonly finding?: UnapprovedFinding;
  /**
   * automirror's own session someone else changed (redirected, or disabled while its rule says enabled): why its
   * sources are to be ensured in this invocation, the engine's plan putting it back (repairSubjects).
   */
  readonly repair?: { readonly session: Session; readonly why: string };
  /** Why it is unread, and whether another invocation may read it (throttled, out of time). */
  readonly error?: string;
  readonly retryable?: boolean;
}

/**
 * The event path's side of unapproved mirroring: each session a VPC event names is read (one call), classified
 * with the scheduled path's function, and answered as the policy says (respondToUnapproved). A read that fails, or
 * that the deadline has passed (deadlineCheck), leaves that session `unread` and the others are still checked, so
 * what was found (and disabled) is alerted before the invocation is retried for the rest.
 */
export async function checkSessions(checks: readonly SessionCheck[], deps: CheckDeps, opts: { runId: string; deadline?: number }): Promise<Checked[]> {
  const approved = approvedTargets(deps.policy);
  const clock = deps.clock ?? systemClock;
  const inTime = deadlineCheck(opts.deadline, clock);
  const out: Checked[] = [];
  for (const check of checks) {
    const vpc = deps.vpcFor(check.accountId, check.regionId);
    if (!vpc) {
      out.push({ check, outcome: 'unserved' });
      continue;
    }
    let session: Session | undefined;
    try {
      inTime();
      [session] = await vpc.list({ sessionIds: [check.sessionId] });
    } catch (err) {
      const e = toCloudError(err);
      out.push({ check, outcome: 'unread', error: `${e.code}: ${e.message}`, retryable: transient(err) });
      continue;
    }
    if (!session) {
      out.push({ check, outcome: 'gone' });
      continue;
    }
    const outcome = classifySession(session, approved);
    const repair = repairOf(session, outcome, deps.policy, check);
    if (outcome === 'owned' || outcome === 'approved' || !session.enabled) {
      // Disabling one raises its own event (UpdateTrafficMirrorSessionAttribute): it finds the session idle.
      out.push({ check, outcome: outcome === 'owned' || outcome === 'approved' ? outcome : 'idle', ...(repair ? { repair } : {}) });
      continue;
    }
    // A tampered session is reported, never disabled (shouldDisable): the repair puts its target back.
    const respond = { regionId: check.regionId, runId: opts.runId, write: true, clock, deadline: opts.deadline };
    const [finding] = await respondToUnapproved([session], deps.policy, vpc, respond, check.provenance);
    out.push({ check, outcome, finding, ...(repair ? { repair } : {}) });
  }
  return out;
}

/** Whether someone else changed automirror's own session so that its plan would change it back, and how. */
function repairOf(session: Session, outcome: SessionClass, policy: Policy, check: SessionCheck): Checked['repair'] {
  const by = check.provenance.by ? ` by ${check.provenance.by}` : '';
  if (outcome === 'tampered') return { session, why: `${check.provenance.call}${by} redirected automirror's session ${session.id} to ${session.target.id}` };
  const rule = policy.rules.find((r) => r.name === ruleOf(session));
  if (outcome === 'owned' && !session.enabled && rule?.spec.enabled === true) return { session, why: `${check.provenance.call}${by} disabled automirror's session ${session.id}` };
  return undefined;
}

/**
 * The subjects to ensure for the repairs `checked` asks: each repaired session's sources, in its account and region,
 * merged into `subjects` (one per account and region), the same engine path an ECS event for those ENIs takes.
 */
export function repairSubjects(subjects: readonly Subject[], checked: readonly Checked[]): Subject[] {
  const byUnit = new Map(subjects.map((s) => [`${s.accountId}\u0000${s.regionId}`, s]));
  for (const c of checked) {
    if (!c.repair) continue;
    const key = `${c.check.accountId}\u0000${c.check.regionId}`;
    const was = byUnit.get(key) ?? { accountId: c.check.accountId, regionId: c.check.regionId, instanceIds: [], eniIds: [], cause: '' };
    const eniIds = [...new Set([...was.eniIds, ...c.repair.session.sourceIds])];
    byUnit.set(key, { ...was, eniIds, cause: was.cause ? `${was.cause}; ${c.repair.why}` : c.repair.why });
  }
  return [...byUnit.values()];
}

/**
 * What an invocation could not finish: a disable or a read another invocation may still make (the reasons, for a
 * retry), and reads refused for good (left to the scheduled reconcile, which lists every session of the region).
 */
export function unfinishedChecks(checked: readonly Checked[]): { readonly retry: string[]; readonly refused: Checked[] } {
  const retry = checked.flatMap((c) => {
    if (c.outcome === 'unread' && c.retryable) return [`read ${c.check.sessionId}: ${c.error}`];
    if (c.finding?.response === 'failed' && c.finding.retryable) return [`disable ${c.check.sessionId}: ${c.finding.error}`];
    return [];
  });
  return { retry, refused: checked.filter((c) => c.outcome === 'unread' && !c.retryable) };
}
