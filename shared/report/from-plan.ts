import { createHash } from 'node:crypto';
import type { Action, Outcome } from '../engine/actions.js';
import { regionCoverage, unownedConflicts, goneReason } from '../engine/coverage.js';
import { targetLabel } from '../engine/placement.js';
import type { RegionResult } from '../engine/reconcile-region.js';
import type { Policy } from '../policy/types.js';
import { ReportBuilder, type ReportStart } from './builder.js';
import type { DriftAction, DriftItem, FieldDrift, PolicyInfo } from './model.js';

/** Where policyFromEnv() read the policy (shared/policy/source.ts), as a report names it. */
export const policySource = (env: NodeJS.ProcessEnv = process.env): string => (env.AUTOMIRROR_POLICY ? 'env:AUTOMIRROR_POLICY' : env.AUTOMIRROR_POLICY_FILE || 'policy.yaml');

/** The report's account of a policy: where it came from, a content hash to tell revisions apart, its rules. */
export function policyInfo(policy: Policy, source: string): PolicyInfo {
  const revision = `sha256:${createHash('sha256').update(JSON.stringify(policy)).digest('hex').slice(0, 12)}`;
  return { source, revision, rules: policy.rules.map((r) => r.name) };
}

/** What became of an action: proposed until applied; done or found done is applied; refused is failed. */
function actionOf(kind: DriftAction['kind'], reason: string, o: Outcome | undefined): DriftAction {
  if (!o) return { kind, reason, status: 'proposed' };
  switch (o.status) {
    case 'done':
      return { kind, reason, status: 'applied' };
    case 'converged':
      return { kind, reason: `${reason} (already so: ${o.detail})`, status: 'applied' };
    case 'blocked':
      return { kind, reason, status: 'failed', error: o.reason };
    case 'failed':
      return { kind, reason, status: 'failed', error: `${o.code}: ${o.error}` };
    case 'deferred':
      return { kind, reason, status: 'deferred', error: o.reason };
  }
}

/**
 * The drift items an action stands for: one per ENI for what places or removes ENIs (create, add, remove), one per
 * session for what changes a session as a whole (update, replace, delete).
 */
function itemsOf(regionId: string, a: Action, o: Outcome | undefined): DriftItem[] {
  const made = o && 'sessionId' in o ? [o.sessionId] : undefined;
  const eni = (id: string, fields: FieldDrift[], action: DriftAction, related?: readonly string[]): DriftItem => ({ kind: 'eni', id, regionId, rule: a.rule, related, fields, action });
  const session = (id: string, fields: readonly FieldDrift[], kind: DriftAction['kind']): DriftItem => ({
    kind: 'session',
    id,
    regionId,
    rule: a.rule,
    related: a.eniIds,
    fields,
    action: actionOf(kind, a.reason, o),
  });
  switch (a.kind) {
    case 'create':
      return a.eniIds.map((e) => eni(e, [{ field: 'session', wanted: `rule ${a.rule} → ${targetLabel(a.draft.target)}`, actual: null }], actionOf('create', a.reason, o), made));
    case 'add-sources':
      return a.eniIds.map((e) => eni(e, [{ field: 'session', wanted: a.sessionId, actual: null }], actionOf('add-source', a.reason, o), [a.sessionId]));
    case 'remove-sources':
      return a.perEni.map((p) => eni(p.eniId, [{ field: 'session', wanted: null, actual: a.sessionId }], actionOf('remove-source', p.reason, o), [a.sessionId]));
    case 'update':
      return [session(a.sessionId, a.changes, 'update')];
    case 'replace':
      return [session(a.sessionId, a.changes, 'replace')];
    case 'delete':
      return [session(a.sessionId, [{ field: 'sourceIds', wanted: [], actual: [...a.eniIds] }], 'delete')];
  }
}

const skipped = (reason: string): DriftAction => ({ kind: 'none', reason, status: 'skipped' });

/**
 * A region reconcile into the report: an item for every action of every pass (a later pass's item for the same
 * resource replaces an earlier one), the last pass's ENIs that could not be placed, withheld for a gone target or
 * put off, the sessions automirror does not own that stand in the way, and each ENI's coverage at the end.
 */
function addRegionResult(b: ReportBuilder, r: RegionResult): void {
  const regionId = r.regionId;
  for (const pass of r.passes) pass.plan.actions.forEach((a, i) => itemsOf(regionId, a, pass.outcomes[i]).forEach((item) => b.addItem(item)));
  const last = r.passes[r.passes.length - 1];
  const coverage = regionCoverage(last);
  const unmirrored = new Set(coverage.flatMap((c) => (c.state === 'unmirrored' ? [c.eniId] : [])));
  for (const u of last.plan.unmirrored) b.addItem({ kind: 'eni', id: u.eniId, regionId, rule: u.rule, related: u.blockers, fields: [], action: skipped(u.reason) });
  for (const w of last.withheld) {
    b.addItem({ kind: 'eni', id: w.eniId, regionId, rule: w.rule, fields: [{ field: 'target', wanted: w.goneTargets.join(', '), actual: null }], action: skipped(goneReason(w.rule, w.goneTargets)) });
  }
  for (const d of last.plan.deferred) {
    for (const id of d.eniIds.filter((e) => unmirrored.has(e) && !d.action)) b.addItem({ kind: 'eni', id, regionId, fields: [], action: { kind: 'none', reason: d.reason, status: 'deferred' } });
  }
  for (const c of unownedConflicts(last)) b.addItem({ kind: 'session', id: c.sessionId, regionId, related: c.eniIds, fields: [], action: skipped(c.reason) });
  for (const c of coverage) b.addCoverage({ ...c, regionId });
}

/** A report builder holding a region reconcile, as reconcile-region's parts and the CLI make it. */
export function regionReport(r: RegionResult, start: Omit<ReportStart, 'mode' | 'regions'>, apiCalls?: number): ReportBuilder {
  const b = new ReportBuilder({ ...start, mode: r.mode, regions: [r.regionId] });
  addRegionResult(b, r);
  if (apiCalls !== undefined) b.countApiCalls(apiCalls);
  return b;
}
