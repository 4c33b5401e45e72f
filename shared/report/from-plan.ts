import { createHash } from 'node:crypto';
import { principalArn } from '../domain.js';
import type { Action, Outcome } from '../engine/actions.js';
import { type EniState, regionCoverage, unownedConflicts } from '../engine/coverage.js';
import { kindOf, REPORT_STATUS } from '../engine/kinds.js';
import { RULE_TAG, ruleOf, unprovenClaim } from '../engine/ownership.js';
import { targetLabel } from '../engine/placement.js';
import type { RegionPass, RegionResult } from '../engine/reconcile-region.js';
import type { OptOutRecord } from '../policy/opt-out.js';
import type { Policy } from '../policy/types.js';
import type { CoverageEntry } from './assemble.js';
import { collectorsOf, sessionsAtEnd } from './breakdown.js';
import { ReportBuilder, type ReportStart } from './builder.js';
import { usageOf } from './cost.js';
import type { DriftAction, DriftItem, FieldDrift, OptOutInfo, PolicyInfo, TemporaryMirror } from './model.js';
import { unapprovedEntry } from './unapproved.js';

/** Where policyFromEnv() read the policy (shared/policy/source.ts), as a report names it. */
export const policySource = (env: NodeJS.ProcessEnv = process.env): string => (env.AUTOMIRROR_POLICY ? 'env:AUTOMIRROR_POLICY' : env.AUTOMIRROR_POLICY_FILE || 'policy.yaml');

/** The report's account of a policy: where it came from, a content hash to tell revisions apart, its rules, its prices. */
export function policyInfo(policy: Policy, source: string): PolicyInfo {
  const revision = `sha256:${createHash('sha256').update(JSON.stringify(policy)).digest('hex').slice(0, 12)}`;
  return { source, revision, rules: policy.rules.map((r) => r.name), ...(policy.cost && { cost: policy.cost }) };
}

/** What became of an action, in the report's words (REPORT_STATUS): proposed until attempted. */
function actionOf(kind: DriftAction['kind'], reason: string, o: Outcome | undefined): DriftAction {
  if (!o) return { kind, reason, status: 'proposed' };
  const status = REPORT_STATUS[o.status];
  switch (o.status) {
    case 'done':
      return { kind, reason, status };
    case 'converged':
      return { kind, reason: `${reason} (already so: ${o.detail})`, status };
    case 'blocked':
    case 'deferred':
      return { kind, reason, status, error: o.reason };
    case 'failed':
      return { kind, reason, status, error: `${o.code}: ${o.error}` };
  }
}

/**
 * The drift items an action stands for, as its kind declares (KINDS): one per ENI for what places or removes ENIs,
 * one per session for what changes a session as a whole.
 */
function itemsOf(regionId: string, a: Action, o: Outcome | undefined): DriftItem[] {
  const spec = kindOf(a).report;
  const fields = spec.fields(a as never) as FieldDrift[];
  if (spec.per === 'session') return [{ kind: 'session', id: (a as { sessionId: string }).sessionId, regionId, rule: a.rule, related: a.eniIds, fields, action: actionOf(spec.kind, a.reason, o) }];
  const related = 'sessionId' in a ? [a.sessionId] : o && 'sessionId' in o ? [o.sessionId] : undefined;
  return a.eniIds.map((e) => ({
    kind: 'eni',
    id: e,
    regionId,
    rule: a.rule,
    related,
    fields: fields.map((f) => ({ ...f })),
    action: actionOf(spec.kind, spec.reasonFor?.(a as never, e) ?? a.reason, o),
  }));
}

const skipped = (reason: string): DriftAction => ({ kind: 'none', reason, status: 'skipped' });

/**
 * A region reconcile into the report: an item for every action of every pass (a later pass's item for the same
 * resource replaces an earlier one), the last pass's ENIs that could not be placed, withheld for a gone target or
 * put off, the sessions automirror does not own that stand in the way, each ENI's coverage at the end, and the
 * region's unapproved mirroring (with what the policy had done about it) and approved sessions not automirror's,
 * and the breakdown per rule and per collector as the run left the region.
 */
function addRegionResult(b: ReportBuilder, r: RegionResult): void {
  const regionId = r.regionId;
  for (const pass of r.passes) pass.plan.actions.forEach((a, i) => itemsOf(regionId, a, pass.outcomes[i]).forEach((item) => b.addItem(item)));
  const last = r.passes[r.passes.length - 1];
  const coverage = regionCoverage(last);
  const unmirrored = new Set(coverage.flatMap((c) => (c.state === 'unmirrored' ? [c.eniId] : [])));
  for (const u of last.plan.unmirrored) {
    const fields = u.goneTargets ? [{ field: 'target', wanted: u.goneTargets.join(', '), actual: null }] : [];
    b.addItem({ kind: 'eni', id: u.eniId, regionId, rule: u.rule, related: u.blockers, fields, action: skipped(u.reason) });
  }
  for (const d of last.plan.deferred) {
    for (const id of d.eniIds.filter((e) => unmirrored.has(e) && !d.action)) b.addItem({ kind: 'eni', id, regionId, fields: [], action: { kind: 'none', reason: d.reason, status: 'deferred' } });
  }
  for (const c of unownedConflicts(last)) b.addItem({ kind: 'session', id: c.sessionId, regionId, related: c.eniIds, fields: [], action: skipped(c.reason) });
  for (const s of last.snapshot.sessions) {
    const claim = unprovenClaim(s);
    if (claim) b.addForgedClaim({ sessionId: s.id, regionId, claimedRule: s.tags[RULE_TAG], verdict: claim.verdict, reason: claim.why, sourceIds: s.sourceIds, target: targetLabel(s.target) });
  }
  for (const c of coverage) b.addCoverage(coverageEntry(c, regionId));
  for (const t of temporaryMirrors(last, regionId)) b.addTemporary(t);
  const sessions = sessionsAtEnd(last);
  b.addBreakdown(regionId, usageOf(sessions.values()), collectorsOf(last, regionId, sessions));
  for (const f of r.foreign.unapproved) b.addUnapproved(unapprovedEntry(f));
  b.countApproved(regionId, r.foreign.approved);
}

/** Every temporary-mirroring tag the last pass judged, with the sessions of its rule on the ENI. */
function temporaryMirrors(pass: RegionPass, regionId: string): TemporaryMirror[] {
  const enis = new Map(pass.snapshot.enis.map((e) => [e.id, e]));
  return pass.decisions.flatMap((d) => {
    const t = d.temporary;
    if (!t) return [];
    const instanceId = enis.get(d.eniId)?.instanceId;
    const sessionIds = pass.snapshot.sessions.filter((s) => t.rule !== undefined && ruleOf(s) === t.rule && s.sourceIds.includes(d.eniId)).map((s) => s.id);
    return [
      { eniId: d.eniId, regionId, ...(instanceId && { instanceId }), tag: t.tag, status: t.status, ...(t.rule && { rule: t.rule }), ...(t.until && { until: t.until }), sessionIds, reason: t.why },
    ];
  });
}

/** An opt-out in the report's terms: the principal as RAM names it, stripped of everything but what a reader needs. */
export function optOutInfo(o: OptOutRecord): OptOutInfo {
  return { on: o.on, resourceId: o.resourceId, tag: o.tag, value: o.value, ...(o.by && { principal: principalArn(o.by), at: o.at }), via: o.via, reason: o.why };
}

function coverageEntry(c: EniState, regionId: string): CoverageEntry {
  if (c.state === 'opted-out') {
    const { optOut, ...rest } = c;
    return { ...rest, regionId, ...optOutInfo(optOut) };
  }
  if (c.state === 'excluded') return { ...c, regionId };
  const { overridden, ...rest } = c;
  return { ...rest, regionId, ...(overridden && { optOutOverridden: optOutInfo(overridden) }) };
}

/** A report builder holding a region reconcile, as reconcile-region's parts and the CLI make it. */
export function regionReport(r: RegionResult, start: Omit<ReportStart, 'mode' | 'regions'>, apiCalls?: number): ReportBuilder {
  const b = new ReportBuilder({ ...start, mode: r.mode, regions: [r.regionId] });
  addRegionResult(b, r);
  if (apiCalls !== undefined) b.countApiCalls(apiCalls);
  return b;
}
