import type { TagSearch } from '../cloud/actiontrail.js';
import type { ReconcileMode, Session, TagWrite } from '../domain.js';
import type { Decision } from '../policy/evaluate.js';
import type { Policy } from '../policy/types.js';
import type { Outcome, Plan } from './actions.js';
import { apply } from './apply.js';
import { type Attribution, attributeOptOuts, LOOKUPS_PER_REGION_RUN } from './attribution.js';
import { type Clock, systemClock } from './clock.js';
import { judgeRemovals } from './opt-in-removal.js';
import { isOwned } from './ownership.js';
import { plan } from './plan.js';
import { filterCounts } from './quotas.js';
import { decideRegion, type RegionScanDeps, type RegionSnapshot, scanRegion } from './region-scan.js';
import { respondToUnapproved, type UnapprovedFinding } from './respond-unapproved.js';
import { type Result, regionResultOf } from './result.js';
import type { SettleOptions } from './settle.js';
import { type UnownedFinding, unownedFindings } from './take-over.js';
import { evalTimes } from './timebox.js';
import { foreignSessions } from './unapproved.js';

export interface RegionDeps extends RegionScanDeps {
  readonly policy: Policy;
}

export type { ReconcileMode } from '../domain.js';

/** Where a region reconcile is, for a progress display. */
export type Phase = { readonly phase: 'scan'; readonly pass: number } | { readonly phase: 'apply'; readonly pass: number; readonly actions: number };

export interface RegionOptions {
  readonly regionId: string;
  readonly mode: ReconcileMode;
  /** Names the run in ClientTokens; kept across the parts of a continued run, so a repeated request stays a no-op. */
  readonly runId: string;
  /** Epoch ms: no action starts after it (what is left comes back deferred, and the result `unfinished`). */
  readonly deadline?: number;
  readonly clock?: Clock;
  readonly concurrency?: number;
  readonly settle?: SettleOptions;
  /** Scan–plan–apply passes at most (default 3); see reconcileRegion. */
  readonly maxPasses?: number;
  readonly onPhase?: (phase: Phase) => void;
  /** Each applied action's outcome as it is known (ApplyOptions.onOutcome). */
  readonly onOutcome?: (outcome: Outcome) => void;
  /**
   * Enforce mode: asked once, before anything is written (the response to unapproved sessions included), with the
   * first pass as a report-mode run would have ended on it; false ends the run there, nothing applied. A person's
   * yes, or a saved plan found equal to this one.
   */
  readonly approve?: (planned: RegionResult) => Promise<boolean>;
}

/** One scan of the region, what the policy and the planner made of it, and what applying it came to. */
export interface RegionPass {
  readonly snapshot: RegionSnapshot;
  readonly decisions: readonly Decision[];
  readonly plan: Plan;
  /** One per plan action once applied; empty in report mode and when there was nothing to do. */
  readonly outcomes: readonly Outcome[];
  /** Who set the opt-out tags judged (ActionTrail lookups), and which writers stayed unknown. */
  readonly attribution?: Attribution;
}

export interface RegionResult {
  readonly regionId: string;
  readonly mode: ReconcileMode;
  /** In order; the last one is the state the run ends on. */
  readonly passes: readonly RegionPass[];
  /** The deadline came with actions not started: a follow-up invocation should continue from a fresh scan. */
  readonly unfinished: boolean;
  /** The result contract: `requeue` when unfinished (the next part continues), else `done`. */
  readonly result: Result;
  /**
   * Sessions of the first scan automirror does not own: the unapproved ones and what the policy had done about
   * them, and how many go to an approved collector.
   */
  readonly foreign: { readonly unapproved: readonly UnapprovedFinding[]; readonly approved: number };
  /** Sessions of the last scan that claim nothing of automirror's: adoptable, conflicting or unrelated. */
  readonly unowned?: readonly UnownedFinding[];
}

const DEFAULT_PASSES = 3;

/**
 * The region-wide reconcile: scan everything (owned and unowned sessions), decide every ENI, plan with the same
 * `plan()` as the event path, and in enforce mode apply until the deadline.
 *
 * Overlapping runs (a schedule and a CLI apply, a retried invocation) converge rather than fight: plans are
 * deterministic, so two runs over the same state pick the same priorities and the cloud's one-priority-per-region
 * rule makes the second create come back `converged`; a change to a session another run left busy waits for it to
 * settle. When a pass shows another writer at work (a converged outcome, or owned sessions mid-change in the scan),
 * the region is scanned and planned again, which also removes an ENI another run put in a second session of its
 * rule (the planner keeps it in one), up to `maxPasses`.
 */
export async function reconcileRegion(deps: RegionDeps, opts: RegionOptions): Promise<RegionResult> {
  const clock = opts.clock ?? systemClock;
  const passes: RegionPass[] = [];
  // ActionTrail's answers hold for the whole run: later passes look up only what is new.
  const lookedUp = new Map<string, TagWrite | null>();
  const searched = new Map<string, TagSearch>();
  let foreign: RegionResult['foreign'] = { unapproved: [], approved: 0 };
  const done = (unfinished: boolean): RegionResult => {
    const last = passes.at(-1);
    const unowned = last ? unownedFindings(deps.policy, last.snapshot.sessions, last.snapshot.enis, last.decisions) : [];
    return { regionId: opts.regionId, mode: opts.mode, passes, unfinished, result: regionResultOf(unfinished, last?.outcomes ?? []), foreign, unowned };
  };
  const respond = async (found: ReturnType<typeof foreignSessions>, write: boolean) => {
    const unapproved = await respondToUnapproved(found.unapproved, deps.policy, deps.vpc, { regionId: opts.regionId, runId: opts.runId, write, clock, deadline: opts.deadline, settle: opts.settle });
    foreign = { unapproved, approved: found.approved };
  };
  const approve = opts.mode === 'enforce' ? opts.approve : undefined;
  for (let n = 1; ; n++) {
    opts.onPhase?.({ phase: 'scan', pass: n });
    const snapshot = await scanRegion(opts.regionId, deps.policy, deps);
    const found = n === 1 ? foreignSessions(deps.policy, snapshot.sessions) : undefined;
    // Unapproved mirroring first: under `unapproved: disable` it is the most urgent write of the run (once approved, when asked).
    if (found && !approve) await respond(found, opts.mode === 'enforce');
    const resources = [...snapshot.enis, ...snapshot.instances.values()];
    const attribution = await attributeOptOuts(deps.policy, resources, [], { history: deps.trail, maxLookups: LOOKUPS_PER_REGION_RUN - lookedUp.size - searched.size, cache: lookedUp });
    const at = evalTimes(snapshot.sessions, clock.now());
    const { decisions } = await judgeRemovals(
      deps.policy,
      snapshot.enis,
      (e) => (e.instanceId ? snapshot.instances.get(e.instanceId) : undefined),
      snapshot.sessions,
      decideRegion(deps.policy, snapshot, attribution.writes, at),
      { tagWrites: [], optOutWrites: attribution.writes, regionId: snapshot.regionId, at },
      { history: deps.trail, maxLookups: LOOKUPS_PER_REGION_RUN - lookedUp.size - searched.size, cache: searched },
    );
    const p = planRegion(deps.policy, snapshot, decisions);
    if (found && approve) {
      const planned: RegionPass = { snapshot, decisions, plan: p, outcomes: [], attribution };
      await respond(found, false);
      if (!(await approve({ regionId: opts.regionId, mode: 'report', passes: [planned], unfinished: false, result: regionResultOf(false, []), foreign }))) {
        passes.push(planned);
        return done(false);
      }
      await respond(found, true);
    }
    const proving = snapshot.sessions.some(awaitingProof);
    if (opts.mode === 'report' || (p.actions.length === 0 && !proving)) {
      passes.push({ snapshot, decisions, plan: p, outcomes: [], attribution });
      return done(false);
    }
    opts.onPhase?.({ phase: 'apply', pass: n, actions: p.actions.length });
    const outcomes = await apply(p.actions, deps.vpc, {
      runId: opts.runId,
      clock,
      concurrency: opts.concurrency,
      deadline: opts.deadline,
      settle: opts.settle,
      observed: snapshot.sessions,
      onOutcome: opts.onOutcome,
    });
    passes.push({ snapshot, decisions, plan: p, outcomes, attribution });
    const late = opts.deadline !== undefined && clock.now() >= opts.deadline;
    if (late && outcomes.some((o) => o.status === 'deferred')) return done(true);
    if (n >= (opts.maxPasses ?? DEFAULT_PASSES) || !(proving || othersAtWork(snapshot.sessions, outcomes))) return done(false);
    // Another writer is between a Create and its proof: give it a moment before scanning again, within the deadline.
    if (proving && outcomes.length === 0) {
      if (opts.deadline !== undefined && clock.now() + PROOF_WAIT_MS >= opts.deadline) return done(false);
      await clock.sleep(PROOF_WAIT_MS);
    }
  }
}

/** How long a pass waits for a proof another writer has yet to write (it follows its Create within a second or so). */
const PROOF_WAIT_MS = 1_000;

/** Signs that another run is changing the region too: its work found done, or owned sessions caught mid-change. */
const othersAtWork = (sessions: readonly Session[], outcomes: readonly Outcome[]): boolean =>
  outcomes.some((o) => o.status === 'converged') || sessions.some((s) => isOwned(s) && s.status !== 'Created');

/** A claim moments old without its proof: most likely another run's create, between its two writes. */
const awaitingProof = (s: Session): boolean => s.ownership.verdict === 'pending';

/**
 * plan() over the whole region: every ENI and session, what the scan found gone, and the session counts for the
 * quotas (per region, and per filter of the policy's rules).
 */
function planRegion(policy: Policy, snap: RegionSnapshot, decisions: readonly Decision[]): Plan {
  const sessionsPerFilter = filterCounts(
    snap.sessions,
    policy.rules.map((r) => r.spec.filterId),
  );
  return plan(
    {
      decisions,
      enis: snap.enis,
      sessions: snap.sessions,
      rules: policy.rules.map((r) => r.name),
      gone: snap.goneEnis,
      goneTargets: snap.goneTargets,
      sessionsInRegion: snap.sessions.length,
      sessionsPerFilter,
    },
    { sourcesPerSession: policy.quotas.sourcesPerSession },
  );
}
