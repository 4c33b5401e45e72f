import type { Session } from '../shared/domain.js';
import { RULE_TAG, unprovenClaim } from '../shared/engine/ownership.js';
import { targetLabel } from '../shared/engine/placement.js';
import { clip, defuse } from '../shared/report/text.js';

/** A value from the cloud on one terminal line: controls and bidi marks defused (shared/report/text.ts), bounded. */
export const shown = (s: string, max = 64): string => clip(defuse(s), max);

/** A line for each session that claims automirror's ownership without a valid proof (the CLI's listings). */
export function forgedClaimLines(sessions: readonly Session[]): string[] {
  return sessions.flatMap((s) => {
    const claim = unprovenClaim(s);
    if (!claim) return [];
    const rule = s.tags[RULE_TAG];
    return [`${shown(s.id)} (${claim.verdict} claim${rule !== undefined ? ` of rule ${shown(rule)}` : ''}, ${s.sourceIds.length} source(s) → ${shown(targetLabel(s.target))}): ${claim.why}`];
  });
}
