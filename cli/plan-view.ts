import type { Action, Plan } from '../shared/engine/actions.js';
import { kindOf, PLAN_CHANGES, type PlanChange } from '../shared/engine/kinds.js';
import type { CloudVerdict } from '../shared/engine/verify.js';
import { sessionsAfterPlan, sessionsAtEnd } from '../shared/report/breakdown.js';
import { type CostChange, costChange, formatHours, formatMoney, usageOf } from '../shared/report/cost.js';
import type { UnapprovedSession } from '../shared/report/model.js';
import { coverageHeadline, plural } from '../shared/report/present.js';
import { clip } from '../shared/report/text.js';
import { unapprovedSummary } from '../shared/report/unapproved.js';
import { forgedClaimLines } from './forged-claims.js';
import type { RegionRun } from './region-run.js';
import type { Paint } from './style.js';
import type { StyledLine } from './terminal.js';

/** A region as planned: its run's first pass (the only one of a report-mode run, or of one not yet approved). */
const planOf = (v: RegionRun): Plan => v.result.passes[0].plan;

/** Unapproved sessions the policy will disable once applied: each an update of one attribute. */
const toDisable = (v: RegionRun): UnapprovedSession[] => v.report.foreignSessions.unapproved.filter((u) => u.response === 'would-disable');

/** Terraform's markers, per count (shared/engine/kinds.ts says which count each action kind is in). */
const MARKS: Readonly<Record<PlanChange, { readonly mark: string; readonly paint: Paint }>> = {
  create: { mark: '+', paint: 'green' },
  update: { mark: '~', paint: 'yellow' },
  replace: { mark: '-/+', paint: 'cyan' },
  delete: { mark: '-', paint: 'red' },
};

/** What the action changes: its session, or for a new one the ENIs it mirrors. */
const resourceOf = (a: Action): string => ('sessionId' in a ? a.sessionId : `session for ${a.eniIds.join(', ')}`);

/** A line under its region: the marker right-aligned in five columns, painted, then the text. */
const marked = (mark: string, paint: Paint, text: string): StyledLine => [' '.repeat(Math.max(0, 5 - mark.length)), { text: mark, paint }, ` ${text}`];

function actionLine(a: Action): StyledLine {
  const spec = kindOf(a);
  const { mark, paint } = MARKS[spec.change];
  return marked(mark, paint, `${a.kind} ${resourceOf(a)}${spec.detail(a as never)}: ${a.reason}`);
}

/** Per region, each action's dry-run verdict by action id (plan --verify). */
export type Verdicts = ReadonlyMap<string, Readonly<Record<string, CloudVerdict>>>;

export interface PlanViewOptions {
  readonly verbose?: boolean;
  readonly verdicts?: Verdicts;
}

/** The cloud's word under a change: would succeed, refused with its code and message, or why it was not asked. */
function verdictLine(v: CloudVerdict): StyledLine {
  if (v.verdict === 'would-succeed') return ['        ', { text: 'cloud: would succeed', paint: 'green' }, ' (DryRunOperation)'];
  if (v.verdict === 'refused') return ['        ', { text: `cloud: refused ${v.code}`, paint: 'red' }, `: ${clip(v.message, 300)}`];
  return [{ text: `        cloud: not checked: ${v.why}`, paint: 'dim' }];
}

/** `Verify: 3 would succeed, 1 refused, 0 not checked`, over every region. */
export function verifyCounts(verdicts: Verdicts): Readonly<Record<CloudVerdict['verdict'], number>> {
  const n = { 'would-succeed': 0, refused: 0, 'not-checked': 0 };
  for (const byAction of verdicts.values()) for (const v of Object.values(byAction)) n[v.verdict]++;
  return n;
}

/** ENIs the plan leaves unmirrored once applied: those it can't place and those it puts off. */
export function stillUnmirrored(p: Plan): number {
  return new Set([...p.unmirrored.map((u) => u.eniId), ...p.deferred.flatMap((d) => d.eniIds)]).size;
}

export type PlanCounts = Readonly<Record<PlanChange, number>> & { readonly unmirrored: number };

export function planCounts(views: readonly RegionRun[]): PlanCounts {
  const counts: Record<PlanChange, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const a of views.flatMap((v) => planOf(v).actions)) counts[kindOf(a).change]++;
  counts.update += views.reduce((n, v) => n + toDisable(v).length, 0);
  return { ...counts, unmirrored: views.reduce((n, v) => n + stillUnmirrored(planOf(v)), 0) };
}

/** Whether applying the plan would write anything. */
export const hasChanges = (c: PlanCounts): boolean => PLAN_CHANGES.some((k) => c[k] > 0);

/** `Plan: 2 to create, 1 to update, 0 to replace, 0 to delete, 3 ENIs still unmirrored`. */
export const planSummary = (c: PlanCounts): string => `Plan: ${PLAN_CHANGES.map((k) => `${c[k]} to ${k}`).join(', ')}, ${plural(c.unmirrored, 'ENI')} still unmirrored`;

/** What the plan changes in the region's bill: the sources automirror mirrors now (the scan) and once it is applied. */
function planCost(v: RegionRun): CostChange {
  const pass = v.result.passes[0];
  return costChange(v.result.regionId, usageOf(sessionsAtEnd(pass).values()).total, usageOf(sessionsAfterPlan(pass).values()).total, v.report.policy.cost);
}

/** A change of the bill as the plan lines say it, for one region or summed over several. */
interface CostDelta {
  readonly before: number;
  readonly after: number;
  readonly hours: number;
  /** Over the regions with a price, when any has one. */
  readonly money?: number;
}

const deltaOf = (c: CostChange): CostDelta => ({ before: c.before.sources, after: c.after.sources, hours: c.sourceHoursDelta, ...(c.costDelta !== undefined && { money: c.costDelta }) });

/** `3 → 4 sources, +730 source-hours/month, +10.22 USD/month`; without a price, hours only, and for which regions. */
function costText(d: CostDelta, currency: string | undefined, unpriced: readonly string[]): string {
  const money = d.money !== undefined && currency ? `, ${formatMoney(d.money, currency, true)}/month` : '';
  const missing = unpriced.length ? ` (no price for ${unpriced.join(', ')}: set cost.pricePerSourceHour in the policy; none is shipped)` : '';
  return `${d.before} → ${d.after} sources, ${formatHours(d.hours, true)} source-hours/month${money}${missing}`;
}

/**
 * `Cost: 0 → 3 sources, +2,190 source-hours/month, +30.66 USD/month`: every region's change summed, the money over the
 * regions with a price, and which have none.
 */
export function planCostSummary(views: readonly RegionRun[]): string {
  const changes = views.map(planCost);
  const deltas = changes.map(deltaOf);
  const priced = deltas.filter((d) => d.money !== undefined);
  const total: CostDelta = {
    before: deltas.reduce((n, d) => n + d.before, 0),
    after: deltas.reduce((n, d) => n + d.after, 0),
    hours: deltas.reduce((n, d) => n + d.hours, 0),
    ...(priced.length > 0 && { money: Math.round(priced.reduce((n, d) => n + (d.money ?? 0), 0) * 100) / 100 }),
  };
  const unpriced = changes.filter((c) => c.costDelta === undefined).map((c) => c.regionId);
  return `Cost: ${costText(total, views[0]?.report.policy.cost?.currency, unpriced)}`;
}

/**
 * A region's plan: unapproved mirroring and unproven claims first (they need a person), then the changes grouped by
 * count with their markers, what stays unmirrored or waits, what is left alone as one count (each with `verbose`),
 * and the coverage now.
 */
export function regionPlanLines(v: RegionRun, opts: PlanViewOptions = {}): StyledLine[] {
  const { regionId } = v.result;
  const plan = planOf(v);
  const disabling = toDisable(v);
  const lines: StyledLine[] = [[{ text: `${regionId}: `, paint: 'bold' }, unapprovedSummary(v.report.foreignSessions)]];
  for (const u of disabling)
    lines.push(marked(MARKS.update.mark, MARKS.update.paint, `disable ${u.sessionId}: unapproved mirroring of ${u.sourceIds.join(', ')} → ${u.target.kind}:${u.target.id}; the policy says disable`));
  for (const l of forgedClaimLines(v.result.passes[0].snapshot.sessions)) lines.push(marked('!', 'red', `unproven claim, left alone: ${l}`));
  const groups = PLAN_CHANGES.map((c) => plan.actions.filter((a) => kindOf(a).change === c)).filter((g) => g.length > 0);
  if (groups.length === 0 && disabling.length === 0) lines.push('  no changes');
  const verdicts = opts.verdicts?.get(regionId);
  for (const a of groups.flat()) {
    lines.push(actionLine(a));
    const verdict = verdicts?.[a.id];
    if (verdict) lines.push(verdictLine(verdict));
  }
  for (const u of plan.unmirrored) lines.push(marked('!', 'yellow', `unmirrored ${u.eniId} (rule ${u.rule}): ${u.reason}`));
  for (const d of plan.deferred) lines.push(`    … deferred ${d.eniIds.join(', ')}: ${d.reason}`);
  // What the policy disables is not left alone.
  const alone = plan.unowned.filter((u) => !disabling.some((d) => d.sessionId === u.sessionId));
  if (opts.verbose) {
    for (const u of alone) lines.push(`    = not automirror's, left alone: ${u.sessionId} (priority ${u.priority}, ${u.sourceIds.length} source(s) → ${u.target})`);
  } else if (alone.length > 0) {
    lines.push([{ text: `    = ${plural(alone.length, 'session')} not automirror's on ENIs in scope, left alone (--verbose lists them)`, paint: 'dim' }]);
  }
  lines.push(`${regionId} now: ${coverageHeadline(v.report.totals)}`);
  return lines;
}

/** Every region's plan, then the one summary line. */
export function planLines(views: readonly RegionRun[], opts: PlanViewOptions = {}): StyledLine[] {
  const verified = opts.verdicts ? verifyCounts(opts.verdicts) : undefined;
  const verify = verified ? [`Verify: ${verified['would-succeed']} would succeed, ${verified.refused} refused by the cloud, ${verified['not-checked']} not checked (DryRun)`] : [];
  return [...views.flatMap((v) => [...regionPlanLines(v, opts), '']), [{ text: planSummary(planCounts(views)), paint: 'bold' }], planCostSummary(views), ...verify];
}
