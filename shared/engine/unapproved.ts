import type { Session } from '../domain.js';
import type { Policy } from '../policy/types.js';
import { isOwned } from './ownership.js';

/**
 * What a session in the region is, to the security team: automirror's own, a session someone else made toward a
 * collector the policy approves, or unapproved mirroring (a copy of an ENI's every packet going somewhere no one
 * approved: detection rules treat CreateTrafficMirrorSession as possible exfiltration), or automirror's own session
 * `tampered`: pointed by someone else at a collector the policy does not approve (unapproved mirroring too, put
 * back by the engine's plan, never disabled). The one classification,
 * used by the event path (a session's ActionTrail event) and the scheduled reconcile alike.
 */
export type SessionClass = 'owned' | 'tampered' | 'approved' | 'unapproved';

/** Every collector the policy approves: each rule's targets (pools included) and `approvedTargets`. */
export function approvedTargets(policy: Policy): ReadonlySet<string> {
  return new Set([...policy.rules.flatMap((r) => r.spec.targets.map((t) => t.target.id)), ...(policy.approvedTargets ?? [])]);
}

/**
 * Ownership is `isOwned` (a forged claim is not owned, so it is judged by its target like any other session); the
 * proof does not cover the target, so an owned session is judged by its target too. SLB and ENI ids can't collide
 * (`lb-…`, `eni-…`), so the target's id alone says which collector it is.
 */
export function classifySession(s: Session, approved: ReadonlySet<string>): SessionClass {
  const ok = approved.has(s.target.id);
  if (isOwned(s)) return ok ? 'owned' : 'tampered';
  return ok ? 'approved' : 'unapproved';
}

/** The sessions mirroring to unapproved collectors (tampered ones included) in id order, and how many others' are approved. */
export function foreignSessions(policy: Policy, sessions: readonly Session[]): { unapproved: Session[]; approved: number } {
  const approved = approvedTargets(policy);
  const unapproved: Session[] = [];
  let count = 0;
  for (const s of sessions) {
    const c = classifySession(s, approved);
    if (c === 'unapproved' || c === 'tampered') unapproved.push(s);
    else if (c === 'approved') count += 1;
  }
  return { unapproved: unapproved.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), approved: count };
}

/**
 * Whether the policy has automirror switch the session off: only under `unapproved: disable`, and only a session
 * still mirroring and not on its way out. Disabling (Enabled=false) is the one write automirror makes to a session
 * it does not own; it keeps the session (and its evidence) for the people who investigate. automirror's own session
 * (tampered) is never disabled: the engine puts its target back.
 */
export const shouldDisable = (policy: Policy, s: Session): boolean => policy.unapproved === 'disable' && !isOwned(s) && s.enabled && s.status !== 'Deleting';
