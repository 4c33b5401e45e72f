import type { TagHistory } from '../cloud/actiontrail.js';
import type { EcsInventory } from '../cloud/ecs.js';
import type { LoadBalancers } from '../cloud/slb.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { Eni, MirrorSpec, Session, Subject } from '../domain.js';
import { type Decision, evaluate } from '../policy/evaluate.js';
import type { Policy } from '../policy/types.js';
import type { Action, Deferred, Outcome, Plan, Unmirrored } from './actions.js';
import { type ApplyOptions, apply } from './apply.js';
import { type Attribution, attributeOptOuts, LOOKUPS_PER_EVENT } from './attribution.js';
import { type Clock, deadlineCheck, systemClock } from './clock.js';
import { byInstanceTag, type Observed, type ReadOptions, readByInstance, readEnis, readGoneTargets, readSessions, readsTargets, readTargets, TARGET_SEEN_MS, targetsToRead } from './observe.js';
import { judgeRemovals } from './opt-in-removal.js';
import { judgePending } from './pending-claim.js';
import { type PlanOptions, plan } from './plan.js';
import { deferredReads, outOfTime, type Result, resultOf } from './result.js';
import { proofSettled } from './settle.js';
import { evalTimes } from './timebox.js';

export interface EnsureDeps {
  readonly policy: Policy;
  readonly ecs: EcsInventory;
  readonly vpc: MirrorSessions;
  readonly slb: LoadBalancers;
  /** Who wrote an opt-out tag no event explained (ActionTrail); without it such writers stay unknown. */
  readonly trail?: TagHistory;
}

export interface EnsureOptions extends Omit<ApplyOptions, 'observed'>, PlanOptions {
  /** Plan only: nothing is written, `outcomes` is empty. */
  readonly dryRun?: boolean;
}

export interface EnsureResult {
  readonly subject: Subject;
  readonly observed: Observed;
  readonly decisions: readonly Decision[];
  readonly plan: Plan;
  readonly actions: readonly Action[];
  readonly outcomes: readonly Outcome[];
  /** ENIs not ready yet and actions not started (deadline, unmet prerequisite): for the deferral queue. */
  readonly deferred: readonly Deferred[];
  /** ENIs that should be mirrored and are not, with why: from the plan, and from refusals the re-read truth explained. */
  readonly unmirrored: readonly Unmirrored[];
  /** The result contract for this unit of work (shared/engine/result.ts). */
  readonly result: Result;
  /** Who set the opt-out tags judged, and which writers stayed unknown. */
  readonly attribution?: Attribution;
}

/**
 * One reconcile of a subject (a few instances or ENIs): read only what concerns them, decide per ENI, plan against
 * the actual sessions, apply (unless dry-run). ENIs and instances the subject names that no longer exist are
 * taken out of owned sessions; pool targets the region no longer has are left out of placement, as in the region
 * reconcile (checked only when something may be placed on them).
 */
export async function ensure(subject: Subject, deps: EnsureDeps, opts: EnsureOptions): Promise<EnsureResult> {
  // Ids the reads found gone with nothing of ours naming them: settled, so a deferral of the rest leaves them out.
  const settled = new Set<string>();
  let read: Awaited<ReturnType<typeof observe>>;
  try {
    read = await observe(subject, deps, { settled, check: deadlineCheck(opts.deadline, opts.clock), clock: opts.clock ?? systemClock, deadline: opts.deadline });
  } catch (err) {
    // The deadline came while reading, before any write: the rest is deferred, not the invocation retried.
    if (!outOfTime(err)) throw err;
    const deferred = deferredReads(subject, err, settled);
    const observed: Observed = { enis: [], instances: new Map(), sessions: [], goneEnis: [], goneInstances: [] };
    return { subject, observed, decisions: [], plan: { actions: [], unmirrored: [], deferred, unowned: [] }, actions: [], outcomes: [], deferred, unmirrored: [], result: resultOf([], deferred) };
  }
  const { found, decisions, observed, goneTargets, attribution } = read;
  const p = plan(
    { decisions, enis: found.enis, sessions: observed.sessions, rules: deps.policy.rules.map((r) => r.name), gone: found.goneEnis, goneTargets },
    { sourcesPerSession: opts.sourcesPerSession ?? deps.policy.quotas.sourcesPerSession },
  );
  const outcomes = opts.dryRun ? [] : await apply(p.actions, deps.vpc, { ...opts, observed: observed.sessions });
  // A write toward a CLB refused: it may be gone since this process last found it (TARGET_SEEN_MS), so ask next time.
  deps.slb.forget(outcomes.flatMap((o) => (o.status === 'failed' || o.status === 'blocked' ? targetsOf(o.action) : [])));
  const deferred = [...p.deferred, ...outcomes.flatMap((o): Deferred[] => (o.status === 'deferred' ? [{ eniIds: o.action.eniIds, reason: o.reason, action: o.action }] : []))];
  const blocked = outcomes.flatMap((o) => (o.status === 'blocked' ? o.action.eniIds.map((eniId) => ({ eniId, rule: o.action.rule ?? '', reason: o.reason })) : []));
  return { subject, observed, decisions, plan: p, actions: p.actions, outcomes, deferred, unmirrored: [...p.unmirrored, ...blocked], result: resultOf(outcomes, deferred), attribution };
}

/** The CLBs an action writes toward. */
const targetsOf = (a: Action): string[] => {
  const t = 'draft' in a ? a.draft.target : a.kind === 'update' ? a.set.target : undefined;
  return t?.kind === 'SLB' ? [t.id] : [];
};

/**
 * Everything a subject's plan needs, read: its ENIs and instances, the sessions touching them (by source ENI, plus
 * the owned sessions found by a gone instance's tag: one left with no source is seen only so), and the pool targets
 * placement may use, with those the region no longer has.
 */
async function observe(subject: Subject, deps: EnsureDeps, reads: ReadOptions & { settled: Set<string>; clock: Clock; deadline?: number }) {
  const found = await readEnis(subject, deps.ecs, deps.vpc, reads);
  const resources = [...found.enis, ...found.instances.values()];
  const attribution = await attributeOptOuts(deps.policy, resources, subject.tagWrites ?? [], { history: deps.trail, maxLookups: LOOKUPS_PER_EVENT, check: reads.check });
  const instanceOf = (e: Eni) => (e.instanceId ? found.instances.get(e.instanceId) : undefined);
  const { tagged, ...foundEnis } = found;
  const gone = new Set(found.goneEnis);
  // An instance's several ENIs: one list by its tag (what it can't show: byInstanceTag); any other ENI: by source.
  const viaTag = byInstanceTag(subject, found.enis, deps.policy);
  const covered = new Set([...viaTag.values()].flat());
  const [byTag, bySource] = await Promise.all([
    readByInstance([...viaTag.keys()], deps.vpc, reads),
    readSessions([...found.enis.map((e) => e.id).filter((id) => !covered.has(id)), ...found.goneEnis], deps.vpc, reads, (id) => gone.has(id) && reads.settled.add(id)),
  ]);
  const sessions = [...new Map([...tagged, ...byTag, ...bySource].map((s) => [s.id, s])).values()];
  // Judged after the sessions are read: a temporary mirror's expiry counts from its session's creation.
  const at = evalTimes(sessions, reads.clock.now(), subject.tagWrites, found.enis);
  const judged = found.enis.map((e) => evaluate(deps.policy, e, instanceOf(e), undefined, attribution.writes, undefined, at(e.id)));
  const { decisions } = await judgeRemovals(
    deps.policy,
    found.enis,
    instanceOf,
    sessions,
    judged,
    { tagWrites: subject.tagWrites ?? [], optOutWrites: attribution.writes, at },
    { history: deps.trail, maxLookups: LOOKUPS_PER_EVENT - attribution.lookups, check: reads.check },
  );
  const specs = new Map(decisions.flatMap((d): Array<[string, MirrorSpec]> => ('spec' in d ? [[d.eniId, d.spec]] : [])));
  const toRead = targetsToRead(specs, sessions, readsTargets);
  reads.check?.();
  const placing = targetsToRead(specs, sessions);
  const [onTargets, goneTargets] = await Promise.all([readTargets(toRead, deps.vpc, reads), readGoneTargets(specs, placing, deps.ecs, deps.slb, TARGET_SEEN_MS)]);
  // A claim moments old without its proof, exactly what automirror would make, is most likely another invocation
  // between its two writes: given a moment (any other claim is forged at once).
  const all = judgePending([...new Map([...sessions, ...onTargets].map((s) => [s.id, s])).values()], deps.policy, found.enis);
  const checked = await Promise.all(all.map((s) => (s.ownership.verdict === 'pending' ? proofSettled(deps.vpc, s, reads.clock, reads.deadline) : s)));
  const observed: Observed = { ...foundEnis, sessions: checked.filter((s): s is Session => s !== undefined) };
  return { found, decisions, observed, goneTargets, attribution };
}

/** Reaching one unit's account and region: the engine's adapters there, or undefined when the account is out of reach. */
export type AdaptersFor = (accountId: string, regionId: string) => Omit<EnsureDeps, 'policy'> | undefined;

/** One unit of work (account, region, its ENIs) and what it came to. */
export interface EnsuredUnit {
  readonly subject: Subject;
  readonly result: Result;
  /** Absent when the unit could not be worked on at all (its account is out of reach). */
  readonly ensured?: EnsureResult;
}

/**
 * Every unit of an event's work, one after the other: an account this deployment can't reach is terminal (retrying
 * would not give it credentials); the others are ensured with a run id that carries their account, so ClientTokens
 * of two accounts never meet. A unit reached after the deadline is requeued whole, unread.
 */
export async function ensureUnits(subjects: readonly Subject[], deps: { policy: Policy; adaptersFor: AdaptersFor }, opts: EnsureOptions): Promise<EnsuredUnit[]> {
  const units: EnsuredUnit[] = [];
  for (const subject of subjects) {
    const adapters = deps.adaptersFor(subject.accountId, subject.regionId);
    if (!adapters) {
      units.push({ subject, result: { kind: 'terminal', reason: `account ${subject.accountId} is not served by this deployment` } });
      continue;
    }
    if (opts.deadline !== undefined && (opts.clock ?? systemClock).now() >= opts.deadline) {
      const reason = 'out of time before this unit of work started';
      units.push({ subject, result: { kind: 'requeue', items: [{ eniIds: subject.eniIds, ...(subject.instanceIds.length > 0 ? { instanceIds: subject.instanceIds } : {}), reason }] } });
      continue;
    }
    const ensured = await ensure(subject, { policy: deps.policy, ...adapters }, { ...opts, runId: `${subject.accountId}-${opts.runId}` });
    units.push({ subject, result: ensured.result, ensured });
  }
  return units;
}
