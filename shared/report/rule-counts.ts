import type { Coverage, RuleBreakdown } from './model.js';

/** A rule's ENI counts in one region, as the coverage lists give them; sessions come from the run (breakdown.ts). */
export type RuleCounts = Omit<RuleBreakdown, 'sessions'>;

const key = (regionId: string, rule: string) => `${regionId}\u0000${rule}`;

/**
 * Each (region, rule) that an ENI of the coverage names, plus those in `also`, with its mirrored, unmirrored and
 * opted-out ENIs counted, sorted by region, rule. An unmirrored ENI without a rule counts for none.
 */
export function ruleCounts(coverage: Coverage, also: ReadonlyArray<{ readonly regionId: string; readonly rule: string }> = []): RuleCounts[] {
  const rows = new Map<string, { rule: string; regionId: string; mirrored: number; unmirrored: number; optedOut: number }>();
  const row = (regionId: string, rule: string) => {
    const k = key(regionId, rule);
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { rule, regionId, mirrored: 0, unmirrored: 0, optedOut: 0 }));
    return r;
  };
  for (const a of also) row(a.regionId, a.rule);
  for (const e of coverage.mirrored) row(e.regionId, e.rule).mirrored += 1;
  for (const e of coverage.optedOut) row(e.regionId, e.rule).optedOut += 1;
  for (const e of coverage.unmirrored) if (e.rule !== undefined) row(e.regionId, e.rule).unmirrored += 1;
  return [...rows.values()].sort((a, b) => (a.regionId < b.regionId ? -1 : a.regionId > b.regionId ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}
