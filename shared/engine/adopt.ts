import type { MirrorSpec, Session } from '../domain.js';
import { inBand, inPool } from './desired.js';
import { PROOF_TAG, RULE_TAG, unprovenClaim } from './ownership.js';
import { targetLabel } from './placement.js';

/** What `automirror adopt --legacy` may do with one session that claims automirror's ownership. */
export type Adoption = { readonly adopt: true; readonly rule: string; readonly reason: string } | { readonly adopt: false; readonly reason: string };

/**
 * Whether a claimed but unproven session is a legacy one automirror may prove now: it carries the claim and no proof
 * tag at all (sessions from before proofs, or a create whose proof write never happened), and it is what its rule
 * would have made: the rule exists, the target is in its pool, the filter is its filter, the priority in its band.
 * A session with a proof that does not verify is never adopted: that is a copied or edited proof, not a legacy one.
 */
export function legacyAdoption(s: Session, specs: ReadonlyMap<string, MirrorSpec>): Adoption {
  const claim = unprovenClaim(s);
  if (!claim) return { adopt: false, reason: s.ownership.verdict === 'proven' ? 'already proven' : 'it does not claim to be automirror’s' };
  if (claim.verdict === 'unverifiable') return { adopt: false, reason: claim.why };
  if (s.tags[PROOF_TAG] !== undefined) return { adopt: false, reason: `it has a proof that does not verify: ${claim.why}` };
  const rule = s.tags[RULE_TAG] ?? '';
  const spec = specs.get(rule);
  if (!spec) return { adopt: false, reason: `its rule tag names no rule of the policy` };
  if (!inPool(spec, s.target)) return { adopt: false, reason: `its target ${targetLabel(s.target)} is not one of rule ${rule}'s` };
  if (s.filterId !== spec.filterId) return { adopt: false, reason: `its filter ${s.filterId} is not rule ${rule}'s ${spec.filterId}` };
  if (!inBand(spec, s.priority)) return { adopt: false, reason: `its priority ${s.priority} is outside rule ${rule}'s band ${spec.priorityBand.min}–${spec.priorityBand.max}` };
  return { adopt: true, rule, reason: `matches rule ${rule} (${targetLabel(s.target)}, filter ${s.filterId}, priority ${s.priority})` };
}
