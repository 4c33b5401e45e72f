import type { MirrorSpec, Session } from '../domain.js';
import type { Decision } from '../policy/evaluate.js';
import { inBand, inPool } from './desired.js';
import { PROOF_TAG, RULE_TAG, unprovenClaim } from './ownership.js';
import { targetLabel } from './placement.js';

/** What `automirror adopt --legacy` may do with one session that claims automirror's ownership. */
export type Adoption = { readonly adopt: true; readonly rule: string; readonly reason: string } | { readonly adopt: false; readonly reason: string };

/** What adoption weighs besides the session: sessions created at or after `cutoff` (ms) are refused; the policy's decision for each source read. */
export interface AdoptionContext {
  readonly cutoff: number;
  readonly decisions: ReadonlyMap<string, Decision>;
}

/**
 * Whether a claimed but unproven session is a legacy one automirror may prove now: it carries the claim and no proof
 * tag at all (sessions from before proofs, or a create whose proof write never happened), and it is what its rule
 * would have made: the rule exists, the target is in its pool, the filter is its filter, the priority in its band,
 * and the policy opts every one of its sources in under that rule. It must also be older than `cutoff` (never inside
 * the proof grace): anyone allowed to create and tag can make a claim, and adopting a fresh one would hand it over.
 * A session with a proof that does not verify is never adopted: that is a copied or edited proof, not a legacy one.
 */
export function legacyAdoption(s: Session, specs: ReadonlyMap<string, MirrorSpec>, ctx: AdoptionContext): Adoption {
  const claim = unprovenClaim(s);
  if (!claim) return { adopt: false, reason: s.ownership.verdict === 'proven' ? 'already proven' : 'it does not claim to be automirror’s' };
  if (claim.verdict === 'unverifiable') return { adopt: false, reason: claim.why };
  if (s.tags[PROOF_TAG] !== undefined) return { adopt: false, reason: `it has a proof that does not verify: ${claim.why}` };
  if (claim.verdict === 'pending') return { adopt: false, reason: `it is still inside the proof grace: ${claim.why}` };
  const created = s.createdAt ? Date.parse(s.createdAt) : Number.NaN;
  if (Number.isNaN(created)) return { adopt: false, reason: 'the cloud gives no creation time for it' };
  if (created >= ctx.cutoff) return { adopt: false, reason: `it was created at ${s.createdAt}, not before ${new Date(ctx.cutoff).toISOString()}` };
  const rule = s.tags[RULE_TAG] ?? '';
  const spec = specs.get(rule);
  if (!spec) return { adopt: false, reason: `its rule tag names no rule of the policy` };
  if (!inPool(spec, s.target)) return { adopt: false, reason: `its target ${targetLabel(s.target)} is not one of rule ${rule}'s` };
  if (s.filterId !== spec.filterId) return { adopt: false, reason: `its filter ${s.filterId} is not rule ${rule}'s ${spec.filterId}` };
  if (!inBand(spec, s.priority)) return { adopt: false, reason: `its priority ${s.priority} is outside rule ${rule}'s band ${spec.priorityBand.min}–${spec.priorityBand.max}` };
  for (const src of s.sourceIds) {
    const d = ctx.decisions.get(src);
    if (!d) return { adopt: false, reason: `its source ${src} could not be read` };
    if (!('spec' in d)) return { adopt: false, reason: `its source ${src} is not opted in: ${d.excluded}` };
    if (d.spec.rule !== rule) return { adopt: false, reason: `its source ${src} belongs to rule ${d.spec.rule}, not ${rule}` };
  }
  return { adopt: true, rule, reason: `matches rule ${rule} (${targetLabel(s.target)}, filter ${s.filterId}, priority ${s.priority})` };
}
