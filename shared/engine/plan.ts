import { type Eni, type EniStatus, LIMITS, type MirrorSpec, type PoolTarget, type Session } from '../domain.js';
import type { Decision } from '../policy/evaluate.js';
import type { Action, Deferred, EniReason, Plan, Unmirrored, UnownedSession } from './actions.js';
import { attributeDrift, type Drift, draftFor, inBand, inPool, priorityDrift, sessionName, targetDrift } from './desired.js';
import { KINDS } from './kinds.js';
import { isOwned, provenTags, ruleOf } from './ownership.js';
import { awaitsProof, expectedOf } from './pending-claim.js';
import { type Filling, goneReason, TargetBook, targetLabel } from './placement.js';
import { eniPriorityKey, PriorityBook, poolPriorityKey } from './priority.js';
import { quotaReason, type SessionQuota } from './quotas.js';

export interface PlanInput {
  /** What the policy decided for each ENI in scope. */
  readonly decisions: readonly Decision[];
  /** Those ENIs as read (zone for target affinity, status for deferral); an ENI missing here counts as ready. */
  readonly enis: readonly Eni[];
  /**
   * Every session read, owned or not: at least those touching the decided ENIs, and those on the targets new ENIs
   * may go to (capacity and pooled sessions to fill); a region-wide reconcile passes the whole region.
   */
  readonly sessions: readonly Session[];
  /** The policy's rule names: an owned session of any other rule is deleted. */
  readonly rules: readonly string[];
  /** ENIs known to no longer exist (named by the subject, absent from the cloud): removed from owned sessions. */
  readonly gone?: readonly string[];
  /** Sessions in the region, when known (a region-wide read): creates stop at the 20,000 quota. */
  readonly sessionsInRegion?: number;
  /**
   * Sessions on each filter, when known (`filterCounts` of a region-wide read): creates on a filter stop at its
   * 2,000 quota. A filter not in the map is not checked.
   */
  readonly sessionsPerFilter?: ReadonlyMap<string, number>;
  /**
   * Labels (`SLB:lb-…`, `NetworkInterface:eni-…`) of the policy's targets the region no longer has. They leave
   * their rules' pools: new ENIs go to live ones and sessions on a gone one move (an update); an ENI whose rule
   * has none left is withheld (unmirrored, with why) and its sessions are left alone rather than churned.
   */
  readonly goneTargets?: ReadonlySet<string>;
}

export interface PlanOptions {
  /** The account's sources-per-session quota (10 unless raised); caps a pooled layout's maxSources. */
  readonly sourcesPerSession?: number;
}

/**
 * For a region-wide plan: the sources of owned sessions that are not among the region's ENIs (deleted ENIs a
 * session still names), to pass as `gone`. A subject-scoped plan can't tell absent from out of scope, so it names
 * its gone ENIs itself.
 */
export function absentSources(sessions: readonly Session[], regionEnis: readonly Eni[]): string[] {
  const present = new Set(regionEnis.map((e) => e.id));
  return [...new Set(sessions.filter(isOwned).flatMap((s) => s.sourceIds.filter((id) => !present.has(id))))].sort();
}

/** ENI states in which attaching or detaching is under way: handled later, not failed. */
const NOT_READY: ReadonlySet<EniStatus> = new Set(['Attaching', 'Detaching', 'Creating']);
const GONE: ReadonlySet<EniStatus> = new Set(['Deleting', 'CreateFailed']);

/** An owned, live session of a rule that still exists, and what this plan does with it. */
interface Tracked {
  readonly s: Session;
  readonly rule: string;
  /** Sources decided into this session's rule. */
  readonly keep: string[];
  /** Sources leaving, with why. */
  readonly leave: EniReason[];
  /** Sources this plan knows nothing about (outside the scope, or not ready): left alone. */
  readonly unknown: string[];
  readonly adds: Array<{ eniId: string; after: readonly string[] }>;
  /** Set when a replace recreates the session; its deletion then belongs to the replace. */
  replaced?: boolean;
}

interface PoolGroup {
  readonly spec: MirrorSpec;
  readonly target: PoolTarget;
  readonly index: number;
  readonly priority: number;
  readonly sources: string[];
  readonly after: Set<string>;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const ruleTarget = (rule: string, targetId: string): string => `${rule}\u0000${targetId}`;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
const members = (t: Tracked): number => t.keep.length + t.unknown.length + t.adds.length;
const listReasons = (r: readonly EniReason[]): string => r.map((x) => `${x.eniId} (${x.reason})`).join('; ');

/**
 * A spec without the gone targets, memoised per spec (decisions share their rule's spec): the spec itself when all
 * are live, a narrowed copy when some are, or the gone labels when none is left.
 */
function liveSpecs(gone: ReadonlySet<string> | undefined): (spec: MirrorSpec) => MirrorSpec | string[] {
  const memo = new Map<MirrorSpec, MirrorSpec | string[]>();
  return (spec) => {
    if (!gone || gone.size === 0) return spec;
    let v = memo.get(spec);
    if (v === undefined) {
      const kept = spec.targets.filter((t) => !gone.has(targetLabel(t.target)));
      v = kept.length === spec.targets.length ? spec : kept.length > 0 ? { ...spec, targets: kept } : spec.targets.map((t) => targetLabel(t.target));
      memo.set(spec, v);
    }
    return v;
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Turns what the policy decided into the actions that make the cloud match, without touching what automirror does
 * not own. Pure and deterministic (the same input in any order gives the same plan); O(n log n) in ENIs and
 * sessions. Existing memberships stay put: layouts and pools govern where new ENIs go.
 */
export function plan(input: PlanInput, opts: PlanOptions = {}): Plan {
  return new Planner(input, opts).run();
}

class Planner {
  private readonly actions: Action[] = [];
  private readonly unmirrored: Unmirrored[] = [];
  private readonly deferred: Deferred[] = [];
  private readonly decided = new Map<string, Decision>();
  private readonly enis = new Map<string, Eni>();
  private readonly gone: Set<string>;
  private readonly rules: Set<string>;
  private readonly sessions: Session[];
  private readonly bySource = new Map<string, Session[]>();
  private readonly tracked: Tracked[] = [];
  private readonly trackedById = new Map<string, Tracked>();
  /** Owned live sessions by rule and target: pooled sessions to fill, and how many a rule has on a target. */
  private readonly byRuleTarget = new Map<string, Tracked[]>();
  private readonly groups = new Map<string, PoolGroup[]>();
  /** Per ENI, the ids of the actions that free one of its session slots. */
  private readonly freeing = new Map<string, string[]>();
  private readonly covered = new Set<string>();
  private readonly fillCursor = new Map<string, number>();
  private readonly priorities: PriorityBook;
  private readonly targets: TargetBook;
  private readonly maxPerSession: number;
  private newSessions = 0;
  /** Sessions this plan adds to each filter (creates, and updates moving a session onto it). */
  private readonly onFilter = new Map<string, number>();

  constructor(
    private readonly input: PlanInput,
    opts: PlanOptions,
  ) {
    this.maxPerSession = opts.sourcesPerSession ?? LIMITS.sourcesPerSession;
    this.rules = new Set(input.rules);
    const live = liveSpecs(input.goneTargets);
    for (const d of input.decisions) {
      if (!('spec' in d)) {
        this.decided.set(d.eniId, d);
        continue;
      }
      this.rules.add(d.spec.rule);
      const spec = live(d.spec);
      if (Array.isArray(spec)) this.unmirrored.push({ eniId: d.eniId, rule: d.spec.rule, reason: goneReason(d.spec.rule, spec), goneTargets: spec });
      else this.decided.set(d.eniId, spec === d.spec ? d : { eniId: d.eniId, spec });
    }
    for (const e of input.enis) this.enis.set(e.id, e);
    this.gone = new Set(input.gone ?? []);
    for (const e of input.enis) if (GONE.has(e.status) && !this.decided.has(e.id)) this.gone.add(e.id);
    const unique = new Map(input.sessions.map((s) => [s.id, s]));
    this.sessions = [...unique.values()].sort((a, b) => byId(a.id, b.id));
    for (const s of this.sessions) for (const src of s.sourceIds) push(this.bySource, src, s);
    this.priorities = new PriorityBook(this.sessions.map((s) => s.priority));
    this.targets = new TargetBook(this.sessions);
  }

  run(): Plan {
    for (const e of [...this.enis.values()].sort((a, b) => byId(a.id, b.id))) {
      if (NOT_READY.has(e.status)) this.deferred.push({ eniIds: [e.id], reason: `the ENI is ${e.status}; it is handled once that settles` });
    }
    this.classify();
    this.dedupe();
    this.planRemovals();
    for (const t of this.tracked) if (t.keep.length > 0) this.fixDrift(t);
    const opted = [...this.decided.values()].filter((d): d is Extract<Decision, { spec: MirrorSpec }> => 'spec' in d).sort((a, b) => byId(a.eniId, b.eniId));
    for (const d of opted) if (!this.covered.has(d.eniId) && !this.notReady(d.eniId)) this.place(d.eniId, d.spec);
    this.emitGroups();
    this.emitMembership();
    this.emitResigning();
    this.actions.sort((a, b) => KINDS[a.kind].phase - KINDS[b.kind].phase || byId(a.id, b.id));
    // Sessions read only for a target's capacity are someone else's business; those on ENIs in scope are reported.
    const unowned: UnownedSession[] = this.sessions
      .filter((s) => !isOwned(s) && s.sourceIds.some((id) => this.decided.has(id) || this.gone.has(id)))
      .map((s) => ({ sessionId: s.id, priority: s.priority, sourceIds: s.sourceIds, target: targetLabel(s.target) }));
    return { actions: this.actions, unmirrored: this.unmirrored, deferred: this.deferred, unowned };
  }

  private notReady(eniId: string): boolean {
    const e = this.enis.get(eniId);
    return e !== undefined && NOT_READY.has(e.status);
  }

  /** Where each source of an owned session stands: kept under the session's rule, leaving (and why), or unknown. */
  private classify(): void {
    for (const s of this.sessions) {
      const rule = ruleOf(s);
      if (rule === undefined || s.status === 'Deleting') continue;
      const t: Tracked = { s, rule, keep: [], leave: [], unknown: [], adds: [] };
      for (const src of [...s.sourceIds].sort(byId)) {
        const d = this.decided.get(src);
        if (!this.rules.has(rule)) t.leave.push({ eniId: src, reason: `rule ${rule} no longer exists in the policy` });
        else if (this.notReady(src)) t.unknown.push(src);
        else if (d && 'spec' in d && d.spec.rule === rule) t.keep.push(src);
        else if (d && 'spec' in d) t.leave.push({ eniId: src, reason: `it now belongs to rule ${d.spec.rule}` });
        else if (d) t.leave.push({ eniId: src, reason: `no longer opted in: ${d.excluded}` });
        else if (this.gone.has(src)) t.leave.push({ eniId: src, reason: 'the ENI no longer exists' });
        else t.unknown.push(src);
      }
      this.tracked.push(t);
      this.trackedById.set(s.id, t);
      if (this.rules.has(rule)) push(this.byRuleTarget, ruleTarget(rule, s.target.id), t);
    }
  }

  /** An ENI kept in several sessions of its rule (a lost race, a hand-made copy) stays in the best one only. */
  private dedupe(): void {
    const holders = new Map<string, Tracked[]>();
    for (const t of this.tracked) for (const e of t.keep) push(holders, e, t);
    for (const [eniId, ts] of holders) {
      this.covered.add(eniId);
      if (ts.length < 2) continue;
      const spec = (this.decided.get(eniId) as { spec: MirrorSpec }).spec;
      const rank = (t: Tracked) => [inPool(spec, t.s.target) ? 0 : 1, t.s.status === 'Created' ? 0 : 1, -members(t)];
      const best = [...ts].sort((a, b) => {
        const [x, y] = [rank(a), rank(b)];
        return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || byId(a.s.id, b.s.id);
      })[0];
      for (const t of ts) {
        if (t === best) continue;
        t.keep.splice(t.keep.indexOf(eniId), 1);
        t.leave.push({ eniId, reason: `it is also mirrored by ${best.s.id} under the same rule` });
      }
    }
  }

  private leavesEmpty(t: Tracked): boolean {
    return t.leave.length > 0 && t.keep.length + t.unknown.length === 0;
  }

  /** An owned session with no source at all (the cloud dropped its deleted ENIs): deleted, never filled. */
  private empty(t: Tracked): boolean {
    return t.s.sourceIds.length === 0;
  }

  /** Which action will take each leaving ENI out: the delete of a session left empty, or a ≤10-source removal. */
  private planRemovals(): void {
    for (const t of this.tracked) {
      if (t.leave.length === 0) continue;
      t.leave.sort((a, b) => byId(a.eniId, b.eniId));
      if (this.leavesEmpty(t)) for (const l of t.leave) this.free(l.eniId, `delete:${t.s.id}`);
      else chunk(t.leave, LIMITS.sourcesPerCall).forEach((c, i) => c.forEach((l) => this.free(l.eniId, `remove:${t.s.id}:${i}`)));
    }
  }

  private free(eniId: string, actionId: string): void {
    push(this.freeing, eniId, actionId);
  }

  /** Owned sessions differing from their rule: update in place, moving target or priority back into the rule. */
  private fixDrift(t: Tracked): void {
    const spec = (this.decided.get(t.keep[0]) as { spec: MirrorSpec }).spec;
    const all = [...t.keep, ...t.unknown];
    const n = all.length;
    const single = n === 1 ? all[0] : undefined;
    let target = t.s.target;
    const moves: Drift[] = [];
    if (!inPool(spec, t.s.target)) {
      const to = this.targets.choose(spec.targets, this.enis.get(t.keep[0])?.zoneId, n);
      if (to) {
        moves.push(targetDrift(t.s, to.target));
        this.targets.add(to.target.id, n);
        target = to.target;
      } else {
        this.stuck(
          t,
          `still mirrored by ${t.s.id} to ${targetLabel(t.s.target)}, which is not in rule ${t.rule}'s pool, and no pool target has room for ${n} sources (${this.targets.describe(spec.targets)})`,
        );
      }
    }
    if (!inBand(spec, t.s.priority)) {
      const p = this.priorities.take(spec.priorityBand, single ? eniPriorityKey(t.rule, single) : `${t.rule}\u0000${t.s.id}`);
      if (p !== undefined) moves.push(priorityDrift(t.s, p));
      else this.stuck(t, `mirrored by ${t.s.id} at priority ${t.s.priority}, outside rule ${t.rule}'s band ${spec.priorityBand.min}–${spec.priorityBand.max}, which has no free priority`);
    }
    const zoneId = this.zoneOf(
      spec.targets.find((p) => p.target.id === target.id),
      t.keep[0],
    );
    const name = sessionName(spec, { eniId: single, eni: single ? this.enis.get(single) : undefined, zoneId });
    const drift = [...attributeDrift(t.s, spec, name), ...moves];
    if (drift.length === 0) return;
    if (drift.some((d) => d.change.field === 'filterId')) this.addOnFilter(spec.filterId);
    this.actions.push({
      kind: 'update',
      id: `update:${t.s.id}`,
      rule: t.rule,
      sessionId: t.s.id,
      eniIds: all,
      changes: drift.map((d) => d.change),
      set: Object.assign({}, ...drift.map((d) => d.set)),
      band: spec.priorityBand,
      reason: `${t.s.id} differs from rule ${t.rule}: ${drift.map((d) => `${d.change.field} ${String(d.change.actual)} → ${String(d.change.wanted)}`).join(', ')}`,
    });
  }

  private stuck(t: Tracked, reason: string): void {
    for (const eniId of t.keep) this.unmirrored.push({ eniId, rule: t.rule, reason, blockers: [t.s.id] });
  }

  /** Finds room for an ENI no session of its rule mirrors: a session slot on the ENI, a pool target, a priority. */
  private place(eniId: string, spec: MirrorSpec): void {
    // Only a claim that is exactly this placement is waited for: any other is forged and can't hold the ENI off.
    const expected = expectedOf(spec, eniId, this.enis.get(eniId)?.instanceId);
    const pending = (this.bySource.get(eniId) ?? []).find((s) => awaitsProof(s, expected));
    if (pending) {
      this.deferred.push({ eniIds: [eniId], reason: `${pending.id} claims rule ${spec.rule} for it and awaits its proof (another invocation's create, moments old)` });
      return;
    }
    const after = this.slotFor(eniId, spec);
    if (after === undefined) return;
    // A pooled ENI fills a session still filling before a new one opens, and past a sessions quota only fills.
    const quota = this.quotaHit(spec);
    const target = this.targets.choose(spec.targets, this.enis.get(eniId)?.zoneId, 1, spec.layout.kind === 'pooled' ? this.filling(spec, !quota) : undefined);
    if (!target) {
      if (quota) this.unmirror(eniId, spec, quota.reason, undefined, quota.quota);
      else this.unmirror(eniId, spec, `rule ${spec.rule}'s target pool is full: ${this.targets.describe(spec.targets)}`);
      return;
    }
    if (spec.layout.kind === 'pooled') {
      this.placePooled(eniId, spec, target, after);
      return;
    }
    const priority = this.newPriority(eniId, spec, eniPriorityKey(spec.rule, eniId));
    if (priority === undefined) return;
    this.targets.add(target.target.id, 1);
    const eni = this.enis.get(eniId);
    const draft = draftFor(spec, target.target, [eniId], priority, sessionName(spec, { eniId, eni }), eni?.instanceId);
    const old = this.replaceable(eniId, spec);
    if (!old) {
      this.actions.push({
        kind: 'create',
        id: `create:${spec.rule}:${eniId}`,
        rule: spec.rule,
        eniIds: [eniId],
        draft,
        band: spec.priorityBand,
        after: after.length > 0 ? after : undefined,
        reason: `rule ${spec.rule} opts ${eniId} in and no session of that rule mirrors it`,
      });
      return;
    }
    old.replaced = true;
    this.actions.push({
      kind: 'replace',
      id: `replace:${old.s.id}`,
      rule: spec.rule,
      sessionId: old.s.id,
      eniIds: [eniId],
      changes: [{ field: 'rule', wanted: spec.rule, actual: old.rule }],
      draft,
      band: spec.priorityBand,
      breakFirst: after.length > 0,
      reason: `${eniId} moved from rule ${old.rule} to rule ${spec.rule}; a session's rule tag can't be updated in place, so ${old.s.id} is recreated`,
    });
  }

  /**
   * Whether the ENI has a session slot (3 per ENI, counting sessions we don't own): free now (no prerequisite),
   * free once this plan's removals settle (their ids), or not at all (reported; undefined).
   */
  private slotFor(eniId: string, spec: MirrorSpec): readonly string[] | undefined {
    const on = this.bySource.get(eniId) ?? [];
    const freeing = this.freeing.get(eniId) ?? [];
    if (on.length < LIMITS.sessionsPerEni) return [];
    if (on.length - freeing.length < LIMITS.sessionsPerEni) return freeing;
    const deleting = on.filter((s) => s.status === 'Deleting');
    if (deleting.length > 0 && on.length - freeing.length - deleting.length < LIMITS.sessionsPerEni) {
      this.deferred.push({ eniIds: [eniId], reason: `its ${LIMITS.sessionsPerEni} session slots include ${deleting.map((s) => s.id).join(', ')}, still being deleted` });
      return undefined;
    }
    const who = on.map((s) => `${s.id} (${isOwned(s) ? `rule ${ruleOf(s)}` : 'not owned by automirror'}, priority ${s.priority})`).join(', ');
    this.unmirror(
      eniId,
      spec,
      `the ENI is already a source of ${on.length} sessions, the limit per ENI: ${who}`,
      on.map((s) => s.id),
    );
    return undefined;
  }

  /** The rule's pooled sessions on each target still filling (existing or planned), for the choice of target. */
  private filling(spec: MirrorSpec, opens: boolean): Filling {
    const size = this.poolSize(spec);
    return {
      opens,
      free: (targetId) => {
        const k = ruleTarget(spec.rule, targetId);
        const open = this.openSession(k, size);
        const g = open ? undefined : this.openGroup(k, size);
        return open ? size - members(open) : g ? size - g.sources.length : undefined;
      },
    };
  }

  /** Fills the rule's pooled sessions on the target first (lowest id first), then the sessions this plan creates. */
  private placePooled(eniId: string, spec: MirrorSpec, target: PoolTarget, after: readonly string[]): void {
    const k = ruleTarget(spec.rule, target.target.id);
    const size = this.poolSize(spec);
    const open = this.openSession(k, size);
    if (open) {
      open.adds.push({ eniId, after });
    } else {
      const groups = this.groups.get(k) ?? [];
      let g = this.openGroup(k, size);
      if (!g) {
        const index = (this.byRuleTarget.get(k)?.length ?? 0) + groups.length;
        const priority = this.newPriority(eniId, spec, poolPriorityKey(spec.rule, target.target.id, index));
        if (priority === undefined) return;
        g = { spec, target, index, priority, sources: [], after: new Set() };
        push(this.groups, k, g);
      }
      g.sources.push(eniId);
      for (const a of after) g.after.add(a);
    }
    this.targets.add(target.target.id, 1);
  }

  /** The session this plan creates for a rule on a target that still has room (the last one opened). */
  private openGroup(k: string, size: number): PoolGroup | undefined {
    const last = this.groups.get(k)?.at(-1);
    return last && last.sources.length < size ? last : undefined;
  }

  /** The first existing session of a rule on a target with room; a cursor per key, as sessions only fill up. */
  private openSession(k: string, size: number): Tracked | undefined {
    const list = this.byRuleTarget.get(k) ?? [];
    let i = this.fillCursor.get(k) ?? 0;
    while (i < list.length && (list[i].replaced || this.leavesEmpty(list[i]) || this.empty(list[i]) || members(list[i]) >= size)) i++;
    this.fillCursor.set(k, i);
    return list[i];
  }

  private poolSize(spec: MirrorSpec): number {
    return spec.layout.kind === 'pooled' ? Math.min(spec.layout.maxSources, this.maxPerSession) : 1;
  }

  /** The sessions quota (region, then the rule's filter) a new session of the rule would exceed, with why. */
  private quotaHit(spec: MirrorSpec): { quota: SessionQuota; reason: string } | undefined {
    const region = this.input.sessionsInRegion;
    if (region !== undefined && region + this.newSessions >= LIMITS.sessionsPerRegion) {
      return { quota: 'sessionsPerRegion', reason: quotaReason('sessionsPerRegion', spec, region, this.newSessions, this.maxPerSession) };
    }
    const read = this.input.sessionsPerFilter?.get(spec.filterId);
    const planned = this.onFilter.get(spec.filterId) ?? 0;
    if (read !== undefined && read + planned >= LIMITS.sessionsPerFilter) {
      return { quota: 'sessionsPerFilter', reason: quotaReason('sessionsPerFilter', spec, read, planned, this.maxPerSession) };
    }
    return undefined;
  }

  private addOnFilter(filterId: string): void {
    this.onFilter.set(filterId, (this.onFilter.get(filterId) ?? 0) + 1);
  }

  /** A priority for a new session, within the sessions quotas; undefined (reported) when there is none. */
  private newPriority(eniId: string, spec: MirrorSpec, key: string): number | undefined {
    const quota = this.quotaHit(spec);
    if (quota) {
      this.unmirror(eniId, spec, quota.reason, undefined, quota.quota);
      return undefined;
    }
    const p = this.priorities.take(spec.priorityBand, key);
    if (p === undefined) this.unmirror(eniId, spec, `rule ${spec.rule}'s priority band ${spec.priorityBand.min}–${spec.priorityBand.max} has no free priority`);
    else {
      this.newSessions++;
      this.addOnFilter(spec.filterId);
    }
    return p;
  }

  /** A pooled session's zone: its target's zone affinity, else its first member's zone. */
  private zoneOf(target: PoolTarget | undefined, eniId: string): string | undefined {
    return target?.zoneId ?? this.enis.get(eniId)?.zoneId;
  }

  private unmirror(eniId: string, spec: MirrorSpec, reason: string, blockers?: string[], quota?: SessionQuota): void {
    this.unmirrored.push({ eniId, rule: spec.rule, reason, blockers, ...(quota && { quota }) });
  }

  /** The per-ENI session of another rule this ENI leaves, which a replace recreates under the new rule. */
  private replaceable(eniId: string, spec: MirrorSpec): Tracked | undefined {
    return (this.bySource.get(eniId) ?? [])
      .map((s) => this.trackedById.get(s.id))
      .find((t) => t !== undefined && t.rule !== spec.rule && this.rules.has(t.rule) && t.s.sourceIds.length === 1 && this.leavesEmpty(t));
  }

  private emitGroups(): void {
    for (const gs of this.groups.values()) {
      for (const g of gs) {
        const rule = g.spec.rule;
        this.actions.push({
          kind: 'create',
          id: `create:${rule}:${g.target.target.id}:${g.index}`,
          rule,
          eniIds: g.sources,
          draft: draftFor(g.spec, g.target.target, g.sources, g.priority, sessionName(g.spec, { zoneId: this.zoneOf(g.target, g.sources[0]), index: g.index })),
          band: g.spec.priorityBand,
          after: g.after.size > 0 ? [...g.after].sort(byId) : undefined,
          reason: `rule ${rule} opts ${g.sources.join(', ')} in; pooled sessions of the rule on ${targetLabel(g.target.target)} have no room left`,
        });
      }
    }
  }

  /** Sessions proven under an older key that stay: re-signed with the signing key (key rotation). */
  private emitResigning(): void {
    for (const t of this.tracked) {
      const { s } = t;
      if (s.ownership.verdict !== 'proven' || s.ownership.current || t.replaced || this.empty(t) || this.leavesEmpty(t)) continue;
      const kid = s.ownership.kid;
      this.actions.push({
        kind: 're-sign',
        id: `re-sign:${s.id}`,
        rule: t.rule,
        sessionId: s.id,
        eniIds: [],
        tags: provenTags(s.tags),
        kid,
        reason: `${s.id} is proven under key ${kid}, not the signing key: re-signed`,
      });
    }
  }

  /** Removals (or the delete of a session left empty) and additions to existing sessions. */
  private emitMembership(): void {
    for (const t of this.tracked) {
      const id = t.s.id;
      if (this.empty(t)) {
        this.actions.push({ kind: 'delete', id: `delete:${id}`, rule: t.rule, sessionId: id, eniIds: [], perEni: [], reason: `no source is left in ${id}: its ENIs no longer exist` });
        continue;
      }
      if (t.leave.length > 0 && !t.replaced) {
        if (this.leavesEmpty(t)) {
          this.actions.push({
            kind: 'delete',
            id: `delete:${id}`,
            rule: t.rule,
            sessionId: id,
            eniIds: t.leave.map((l) => l.eniId),
            perEni: t.leave,
            reason: `no source is left in ${id}: ${listReasons(t.leave)}`,
          });
        } else {
          chunk(t.leave, LIMITS.sourcesPerCall).forEach((c, i) =>
            this.actions.push({ kind: 'remove-sources', id: `remove:${id}:${i}`, rule: t.rule, sessionId: id, eniIds: c.map((l) => l.eniId), perEni: c, reason: `leaving ${id}: ${listReasons(c)}` }),
          );
        }
      }
      chunk(t.adds, LIMITS.sourcesPerCall).forEach((c, i) => {
        const after = [...new Set(c.flatMap((a) => a.after))].sort(byId);
        const eniIds = c.map((a) => a.eniId);
        this.actions.push({
          kind: 'add-sources',
          id: `add:${id}:${i}`,
          rule: t.rule,
          sessionId: id,
          eniIds,
          after: after.length > 0 ? after : undefined,
          reason: `rule ${t.rule} opts ${eniIds.join(', ')} in; pooled session ${id} on ${targetLabel(t.s.target)} has room`,
        });
      });
    }
  }
}
