import { LIMITS, type MirrorSpec, type Session } from '../domain.js';

/**
 * The session quotas a plan counts before creating (VPC "Quotas": 20,000 sessions per account per region and 2,000
 * per filter, neither adjustable), so an ENI past one is reported with the fix instead of failing its create.
 */
export type SessionQuota = 'sessionsPerRegion' | 'sessionsPerFilter';

/** Sessions on each of `filterIds` among `sessions` (a region-wide read: every session, owned or not); 0 for none. */
export function filterCounts(sessions: readonly Session[], filterIds: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of filterIds) counts.set(f, 0);
  for (const s of sessions) if (counts.has(s.filterId)) counts.set(s.filterId, (counts.get(s.filterId) ?? 0) + 1);
  return counts;
}

const n = (x: number): string => x.toLocaleString('en');

/** "2,000 sessions (1,990 read + 10 this plan creates)": what counts toward a quota. */
const held = (read: number, planned: number): string => `${n(read + planned)} sessions${planned > 0 ? ` (${n(read)} read + ${n(planned)} this plan creates)` : ''}`;

/** How the rule could make do with fewer sessions: pool its ENIs, or more of them per session. */
function fewerSessions(spec: MirrorSpec, sourcesPerSession: number): string {
  if (spec.layout.kind === 'per-eni') return `pool rule ${spec.rule}'s ENIs (layout: { pooled: ${sourcesPerSession} } puts ${sourcesPerSession} in one session)`;
  if (spec.layout.maxSources < sourcesPerSession) return `raise rule ${spec.rule}'s layout.pooled from ${spec.layout.maxSources} to the quotas.sourcesPerSession ${sourcesPerSession}`;
  return `declare the raised quotas.sourcesPerSession (now ${sourcesPerSession}) if the account's sources-per-session quota was raised, and pool more ENIs per session`;
}

/** Why an ENI's new session is not created: the quota, what counts toward it, and the fix. */
export function quotaReason(quota: SessionQuota, spec: MirrorSpec, read: number, planned: number, sourcesPerSession: number): string {
  if (quota === 'sessionsPerRegion') {
    return `the region holds ${held(read, planned)}, its quota of ${n(LIMITS.sessionsPerRegion)} sessions per region (not adjustable): ${fewerSessions(spec, sourcesPerSession)}, or delete sessions no longer needed`;
  }
  return (
    `filter ${spec.filterId} serves ${held(read, planned)}, its quota of ${n(LIMITS.sessionsPerFilter)} sessions per filter (not adjustable): ` +
    `give rule ${spec.rule} a second filter (split the rule, e.g. by zone or tag, into rules each naming its own filter), or ${fewerSessions(spec, sourcesPerSession)}`
  );
}
