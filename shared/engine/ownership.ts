import type { Ownership, Session, Tags } from '../domain.js';

/**
 * The claim every session automirror creates carries. A claim alone proves nothing (anyone allowed to tag can write
 * it): a session is automirror's only when its proof tag verifies (shared/cloud/ownership-proof.ts, by the adapter
 * that read it, into `Session.ownership`). A claim without a valid proof is a forged claim: never acted on, reported.
 */
export const OWNER_TAG = 'automirror:managed-by';
export const OWNER_VALUE = 'automirror';
export const RULE_TAG = 'automirror:rule';
/**
 * On a per-ENI session, the instance its ENI was attached to at creation: once the instance is released its ENIs
 * can no longer be listed by instance, and this is how an event naming only the instance finds its sessions.
 * Informational otherwise (never drift): an ENI moved to another instance keeps a stale value, which is harmless.
 */
export const INSTANCE_TAG = 'automirror:instance';
/** `v1.<kid>.<HMAC>`: written after Create (it binds the session id, which exists only then). */
export const PROOF_TAG = 'automirror:proof';

/** The claim tags a session is created with; the proof follows once the session has its id. */
export const ownerTags = (rule: string, instanceId?: string): Tags => ({ [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: rule, ...(instanceId && { [INSTANCE_TAG]: instanceId }) });

/** The tags a proof binds (besides the session id): the rule and the instance. */
export const provenTags = (tags: Tags): Tags => ({ [RULE_TAG]: tags[RULE_TAG] ?? '', ...(tags[INSTANCE_TAG] !== undefined && { [INSTANCE_TAG]: tags[INSTANCE_TAG] }) });

/** Whether the tags claim automirror's ownership (proven or not). */
export const claimsOwnership = (tags: Tags): boolean => tags[OWNER_TAG] === OWNER_VALUE;

/** automirror's own session: its claim is proven. The one predicate everything that modifies or deletes asks. */
export const isOwned = (s: Session): boolean => s.ownership.verdict === 'proven';

/** A claim of automirror's ownership without a valid proof (forged, or not verifiable here), and why. */
export type UnprovenClaim = Exclude<Ownership, { verdict: 'proven' | 'none' }>;

/** The session's claim when it is not proven: reported, never touched; undefined for one owned or claiming nothing. */
export const unprovenClaim = (s: Session): UnprovenClaim | undefined => (s.ownership.verdict === 'proven' || s.ownership.verdict === 'none' ? undefined : s.ownership);

export const isUnprovenClaim = (s: Session): boolean => unprovenClaim(s) !== undefined;

/** The unproven claims among `sessions`, for a log line: id, verdict and why (at most `max`, and how many in all). */
export function unprovenClaims(sessions: readonly Session[], max = 20): { count: number; sessions: Array<{ sessionId: string; verdict: UnprovenClaim['verdict']; why: string }> } {
  const all = sessions.flatMap((s) => {
    const c = unprovenClaim(s);
    return c ? [{ sessionId: s.id, verdict: c.verdict, why: c.why }] : [];
  });
  return { count: all.length, sessions: all.slice(0, max) };
}

export const ruleOf = (s: Session): string | undefined => (isOwned(s) ? s.tags[RULE_TAG] : undefined);

/** Whether `s` is automirror's live session of `rule` mirroring every one of `sources`. */
export const mirrors = (s: Session, rule: string, sources: readonly string[]): boolean => ruleOf(s) === rule && s.status !== 'Deleting' && sources.every((x) => s.sourceIds.includes(x));
