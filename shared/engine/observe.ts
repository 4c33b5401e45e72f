import type { EcsInventory } from '../cloud/ecs.js';
import type { LoadBalancers } from '../cloud/slb.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { Eni, Instance, MirrorSpec, Session, Subject } from '../domain.js';
import { CAPACITY } from '../policy/schema-mirror.js';
import type { Policy } from '../policy/types.js';
import { mapConcurrent } from './concurrent.js';
import { inPool } from './desired.js';
import { INSTANCE_TAG, mirrors, OWNER_TAG, OWNER_VALUE } from './ownership.js';
import { goneTargets } from './placement.js';

/** Reads in flight at once while observing. */
const READS = 8;

export interface Observed {
  readonly enis: readonly Eni[];
  readonly instances: ReadonlyMap<string, Instance>;
  /** Sessions touching the subject's ENIs (owned or not), then those on the targets new placements need. */
  readonly sessions: readonly Session[];
  /** ENIs the subject names that the cloud no longer has. */
  readonly goneEnis: readonly string[];
  /** Instances the subject names that the cloud no longer has (their ENIs can't be listed any more). */
  readonly goneInstances: readonly string[];
}

/** How a subject's reads go. */
export interface ReadOptions {
  /** Gets the ids the reads find gone with nothing of ours naming them (settled: a deferral need not name them). */
  readonly settled?: Set<string>;
  /** Runs before each read; throws to stop reading (clock.ts deadlineCheck). */
  readonly check?: () => void;
}

/** `read` over `items`, READS at a time, each after `check`. */
const each = <T, R>(items: readonly T[], opts: ReadOptions, read: (item: T) => Promise<R>): Promise<R[]> =>
  mapConcurrent(items, READS, (item) => {
    opts.check?.();
    return read(item);
  });

/** What readEnis found: the ENIs and instances, and the owned sessions that name a gone instance by tag. */
export interface FoundEnis extends Pick<Observed, 'enis' | 'instances' | 'goneEnis' | 'goneInstances'> {
  /**
   * Owned sessions tagged with a gone instance (automirror:instance), whatever their sources: one the cloud left
   * with no source at all (it dropped the deleted ENIs) can't be found by source ENI, and plan() deletes it.
   */
  readonly tagged: readonly Session[];
}

/**
 * The subject's ENIs and instances: one DescribeInstances per 100 instances, one DescribeNetworkInterfaces per
 * instance that exists (plus one per 100 ENIs named directly). A few instances have their ENIs read beside
 * DescribeInstances, in one round trip; a larger subject (a batch, or one naming forged ids) reads ENIs only for the
 * instances found, so an id naming nothing costs no read of its own. A released instance's ENIs can't be listed by
 * instance any more: its per-ENI sessions name them (automirror:instance tag: one List per such instance, or one
 * List of every owned session when more than a few are gone), and those that still exist are read by id. Those
 * sessions are returned too (`tagged`): one left with no source is seen only so. A gone instance no owned session
 * names is settled (nothing left to do for it): added to `opts.settled`.
 */
export async function readEnis(subject: Subject, ecs: EcsInventory, vpc: MirrorSessions, opts: ReadOptions = {}): Promise<FoundEnis> {
  opts.check?.();
  const ids = subject.instanceIds;
  const enisOf = (of: readonly string[]) => each(of, opts, (instanceId) => ecs.enis({ instanceId }));
  const [instances, named, early] = await Promise.all([
    ids.length > 0 ? ecs.instances(ids) : [],
    subject.eniIds.length > 0 ? ecs.enis({ eniIds: subject.eniIds }) : [],
    ids.length <= READS ? enisOf(ids) : undefined,
  ]);
  const byId = new Map(instances.map((i) => [i.id, i]));
  const perInstance = early ?? (await enisOf(ids.filter((id) => byId.has(id))));
  const enis = new Map([...perInstance.flat(), ...named].map((e) => [e.id, e]));
  const goneInstances = ids.filter((id) => !byId.has(id));
  const left = await taggedWith(goneInstances, vpc, opts);
  opts.check?.();
  const orphans = [...new Set(left.flat().flatMap((s) => s.sourceIds))].filter((id) => !enis.has(id));
  if (orphans.length > 0) for (const e of await ecs.enis({ eniIds: orphans })) enis.set(e.id, e);
  const missing = [...new Set([...enis.values()].flatMap((e) => (e.instanceId && !byId.has(e.instanceId) ? [e.instanceId] : [])))];
  opts.check?.();
  if (missing.length > 0) for (const i of await ecs.instances(missing)) byId.set(i.id, i);
  return {
    enis: [...enis.values()],
    instances: byId,
    goneEnis: [...new Set([...subject.eniIds, ...orphans])].filter((id) => !enis.has(id)),
    goneInstances,
    tagged: left.flat(),
  };
}

/** The owned sessions tagged with each gone instance; those no session names are settled. */
async function taggedWith(gone: readonly string[], vpc: MirrorSessions, opts: ReadOptions): Promise<Session[][]> {
  const settle = (id: string, tagged: Session[]) => {
    if (tagged.length === 0) opts.settled?.add(id);
    return tagged;
  };
  if (gone.length <= READS) return each(gone, opts, async (id) => settle(id, await vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE, [INSTANCE_TAG]: id } })));
  opts.check?.();
  const owned = await vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE } });
  return gone.map((id) =>
    settle(
      id,
      owned.filter((s) => s.tags[INSTANCE_TAG] === id),
    ),
  );
}

/**
 * Every session touching the given ENIs, one ListTrafficMirrorSessions by TrafficMirrorSourceId each. Per ENI
 * rather than one list by our owner tag: the answer is at most 3 sessions whatever the region holds, and it shows
 * the sessions we don't own, which take the ENI's slots. `onEmpty` hears of each ENI no session touches.
 */
export async function readSessions(eniIds: readonly string[], vpc: MirrorSessions, opts: ReadOptions = {}, onEmpty?: (eniId: string) => void): Promise<Session[]> {
  const lists = await each(eniIds, opts, async (sourceId) => {
    const touching = await vpc.list({ sourceId });
    if (touching.length === 0) onEmpty?.(sourceId);
    return touching;
  });
  return [...new Map(lists.flat().map((s) => [s.id, s])).values()];
}

/**
 * The instances whose ENIs' sessions one list by the instance tag reads instead of one list per ENI: those the
 * subject names with two or more ENIs, when no rule of the policy pools (a pooled session carries no instance tag,
 * so only per-ENI sessions can be found so). Every session automirror makes per ENI carries the instance its ENI
 * was on, and a claim carries it too (pending or forged, it is read and judged as by source). What the tag read
 * can't show: sessions automirror does not own (they take an ENI's slots and priorities; a create they refuse
 * re-reads the ENI and the priority's holder, apply.ts), and an ENI's session tagged with the instance the ENI was
 * moved from (its move's own event reads it by source; a create for it meets it at the ENI's deterministic
 * priority, converged, and the region reconcile takes an ENI out of a second session of its rule).
 */
export function byInstanceTag(subject: Subject, enis: readonly Eni[], policy: Policy): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (policy.rules.some((r) => r.spec.layout.kind === 'pooled')) return out;
  const named = new Set(subject.eniIds);
  const wanted = new Set(subject.instanceIds);
  for (const e of enis) {
    if (!e.instanceId || !wanted.has(e.instanceId) || named.has(e.id)) continue;
    out.set(e.instanceId, [...(out.get(e.instanceId) ?? []), e.id]);
  }
  for (const [id, of] of out) if (of.length < 2) out.delete(id);
  return out;
}

/** The owned sessions (and claims) tagged with each instance: one ListTrafficMirrorSessions per instance. */
export async function readByInstance(instanceIds: readonly string[], vpc: MirrorSessions, opts: ReadOptions = {}): Promise<Session[]> {
  return (await each(instanceIds, opts, (id) => vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE, [INSTANCE_TAG]: id } }))).flat();
}

/**
 * Whether placing under `spec` needs the sessions on its targets read: a pool to choose from, pooled sessions to
 * fill, or a capacity below what the cloud enforces by itself. One internal CLB at its full capacity (the 500
 * sources a CLB takes, whoever's sessions they are) needs none: the cloud refuses a create past it
 * (QuotaExceeded.SourcesPerTarget), and that refusal is the one check the read would have made.
 */
export const readsTargets = (spec: MirrorSpec): boolean =>
  spec.layout.kind === 'pooled' || spec.targets.length !== 1 || spec.targets[0].target.kind !== 'SLB' || spec.targets[0].capacity < CAPACITY.slb.max;

/**
 * The pool targets a plan may place into: those of specs with an ENI no session of its rule mirrors yet, or with
 * a session on a target outside the pool. Reading every session on them gives the capacity left (owned or not)
 * and the pooled sessions to fill; `read` says which specs need that (readsTargets), the others' targets are only
 * checked to exist. Nothing is listed when everything is in place.
 */
export function targetsToRead(specs: ReadonlyMap<string, MirrorSpec>, sessions: readonly Session[], read: (spec: MirrorSpec) => boolean = () => true): string[] {
  const ids = new Set<string>();
  for (const [eniId, spec] of specs) {
    if (!read(spec)) continue;
    const mine = sessions.filter((s) => mirrors(s, spec.rule, [eniId]));
    if (mine.length === 0 || mine.some((s) => !inPool(spec, s.target))) for (const t of spec.targets) ids.add(t.target.id);
  }
  return [...ids].sort();
}

export async function readTargets(targetIds: readonly string[], vpc: MirrorSessions, opts: ReadOptions = {}): Promise<Session[]> {
  return (await each(targetIds, opts, (targetId) => vpc.list({ targetId }))).flat();
}

/**
 * Which of the pool targets a plan may place into (`targetIds`, from targetsToRead) the region no longer has: one
 * DescribeLoadBalancers per 10 CLBs not found within `maxAgeMs` (TARGET_SEEN_MS on the event path) and one
 * DescribeNetworkInterfaces for ENI targets, only when there is something to place. The region reconcile learns the same from its scan; plan() weighs both alike.
 */
/**
 * How long the event path takes a CLB this process found as still there (a warm FC instance serves a launch's
 * events and the next launches): a CLB released meanwhile refuses the create toward it
 * (ResourceNotFound.TrafficMirrorTarget), which fails that action and makes the next look ask again (ensure()
 * forgets it); the region reconcile always asks.
 */
export const TARGET_SEEN_MS = 5 * 60_000;

export async function readGoneTargets(specs: ReadonlyMap<string, MirrorSpec>, targetIds: readonly string[], ecs: EcsInventory, slb: LoadBalancers, maxAgeMs?: number): Promise<Set<string>> {
  if (targetIds.length === 0) return new Set();
  const wanted = new Set(targetIds);
  const targets = [
    ...new Map(
      [...specs.values()]
        .flatMap((s) => s.targets.map((t) => t.target))
        .filter((t) => wanted.has(t.id))
        .map((t) => [`${t.kind}:${t.id}`, t]),
    ).values(),
  ];
  const slbIds = [...new Set(targets.filter((t) => t.kind === 'SLB').map((t) => t.id))].sort();
  const eniIds = [...new Set(targets.filter((t) => t.kind === 'NetworkInterface').map((t) => t.id))].sort();
  const [slbs, enis] = await Promise.all([slbIds.length > 0 ? slb.existing(slbIds, { maxAgeMs }) : new Map<string, string | undefined>(), eniIds.length > 0 ? ecs.enis({ eniIds }) : []]);
  return goneTargets(targets, { slbs, enis: new Set(enis.map((e) => e.id)) });
}
