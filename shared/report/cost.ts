/**
 * What the mirroring automirror maintains costs a month. Traffic mirroring is billed per source ENI per hour while
 * it is mirrored, once per source even if it is in several sessions (VPC traffic mirroring billing; see
 * shared/policy/schema-cost.ts): so sources are counted, distinct, and sessions only shown. A month is 730 hours
 * (8,760 a year over 12), the convention cloud price lists use. Prices come from the policy, per region, or not at
 * all: traffic mirroring's price is not published in a form automirror could ship (it differs by site, region and
 * currency, and changes), so without one the estimate is in hours only.
 */
import type { CostPolicy } from '../policy/types.js';
import type { CostLine, CostSection, RegionCost, RuleCost } from './model.js';

export const HOURS_PER_MONTH = 730;

/** Said wherever a price is missing. */
export const NO_PRICE_SHIPPED =
  "traffic mirroring's price is not published in a form automirror can ship (it differs by site, region and currency), so none is assumed: set cost.pricePerSourceHour in the policy";

/** automirror's sessions and the distinct ENIs they mirror. */
export interface Usage {
  readonly sessions: number;
  readonly sources: number;
}

/** A session as cost counts it: automirror's rule (undefined for anyone else's) and its source ENIs. */
export interface CountedSession {
  readonly rule?: string;
  readonly sourceIds: Iterable<string>;
}

/** automirror's sessions per rule, and in all: distinct sources each, so an ENI in two sessions is billed once. */
export function usageOf(sessions: Iterable<CountedSession>): { readonly perRule: ReadonlyMap<string, Usage>; readonly total: Usage } {
  const perRule = new Map<string, { sessions: number; sources: Set<string> }>();
  const all = { sessions: 0, sources: new Set<string>() };
  for (const s of sessions) {
    if (s.rule === undefined) continue;
    const r = perRule.get(s.rule) ?? { sessions: 0, sources: new Set<string>() };
    r.sessions++;
    all.sessions++;
    for (const id of s.sourceIds) {
      r.sources.add(id);
      all.sources.add(id);
    }
    perRule.set(s.rule, r);
  }
  const counted = (u: { sessions: number; sources: Set<string> }): Usage => ({ sessions: u.sessions, sources: u.sources.size });
  return { perRule: new Map([...perRule].map(([rule, u]) => [rule, counted(u)])), total: counted(all) };
}

/** The price the policy sets for a region, if any. */
export const priceIn = (pricing: CostPolicy | undefined, regionId: string): number | undefined =>
  pricing && Object.hasOwn(pricing.pricePerSourceHour, regionId) ? pricing.pricePerSourceHour[regionId] : undefined;

/** Money to the cent (or the currency's hundredth), so that sums of lines read as their total. */
const money = (n: number): number => Math.round(n * 100) / 100;

/** A month of `usage` at `price` per source-hour; hours only without a price. */
export function costLine(usage: Usage, price: number | undefined): CostLine {
  const sourceHoursPerMonth = usage.sources * HOURS_PER_MONTH;
  return {
    sessions: usage.sessions,
    sessionHoursPerMonth: usage.sessions * HOURS_PER_MONTH,
    sources: usage.sources,
    sourceHoursPerMonth,
    ...(price !== undefined && { monthlyCost: money(sourceHoursPerMonth * price) }),
  };
}

export interface RuleUsage extends Usage {
  readonly regionId: string;
  readonly rule: string;
}

export interface RegionUsage extends Usage {
  readonly regionId: string;
}

/**
 * The report's cost section: per rule and region, per region (distinct sources across its rules), and the
 * account as the regions' sum (an ENI is in one region); the account's cost is over the priced regions, and the
 * others are named.
 */
export function costSection(rules: readonly RuleUsage[], regions: readonly RegionUsage[], pricing: CostPolicy | undefined): CostSection {
  const ruleCosts: RuleCost[] = rules.map((r) => ({ regionId: r.regionId, rule: r.rule, ...costLine(r, priceIn(pricing, r.regionId)) }));
  const regionCosts: RegionCost[] = regions.map((r) => {
    const price = priceIn(pricing, r.regionId);
    return { regionId: r.regionId, ...(price !== undefined && { pricePerSourceHour: price }), ...costLine(r, price) };
  });
  const total = regions.reduce((n, r) => ({ sessions: n.sessions + r.sessions, sources: n.sources + r.sources }), { sessions: 0, sources: 0 });
  const priced = regionCosts.filter((r) => r.monthlyCost !== undefined);
  const unpricedRegions = regionCosts.filter((r) => r.monthlyCost === undefined).map((r) => r.regionId);
  const account = {
    ...costLine(total, undefined),
    ...(priced.length > 0 && { monthlyCost: money(priced.reduce((n, r) => n + (r.monthlyCost ?? 0), 0)) }),
    unpricedRegions,
  };
  return { hoursPerMonth: HOURS_PER_MONTH, ...(pricing && { currency: pricing.currency }), rules: ruleCosts, regions: regionCosts, account };
}

/** The change a plan makes in one region: its usage now and once applied, and what that changes a month. */
export interface CostChange {
  readonly regionId: string;
  readonly before: CostLine;
  readonly after: CostLine;
  readonly sourceHoursDelta: number;
  /** With the region's price. */
  readonly costDelta?: number;
}

export function costChange(regionId: string, before: Usage, after: Usage, pricing: CostPolicy | undefined): CostChange {
  const price = priceIn(pricing, regionId);
  const b = costLine(before, price);
  const a = costLine(after, price);
  return {
    regionId,
    before: b,
    after: a,
    sourceHoursDelta: a.sourceHoursPerMonth - b.sourceHoursPerMonth,
    ...(a.monthlyCost !== undefined && b.monthlyCost !== undefined && { costDelta: money(a.monthlyCost - b.monthlyCost) }),
  };
}

/** `12.34 USD`; a signed one for a change, `+1.00 USD`. */
export const formatMoney = (n: number, currency: string, signed = false): string => `${signed && n > 0 ? '+' : ''}${n.toFixed(2)} ${currency}`;

/** `+1,460`, `-730`, `0`. */
export const formatHours = (n: number, signed = false): string => `${signed && n > 0 ? '+' : ''}${n.toLocaleString('en-US')}`;
