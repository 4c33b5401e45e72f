import type { TagHistory } from '../cloud/actiontrail.js';
import type { EcsInventory, RegionInventory } from '../cloud/ecs.js';
import type { LoadBalancers } from '../cloud/slb.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { Eni, Instance, Session } from '../domain.js';
import { type Decision, evaluate } from '../policy/evaluate.js';
import type { OptOutWrites } from '../policy/opt-out.js';
import type { EvalTime } from '../policy/temporary.js';
import type { Policy } from '../policy/types.js';
import { judgePending } from './pending-claim.js';
import { goneTargets } from './placement.js';
import { absentSources } from './plan.js';

export interface RegionScanDeps {
  readonly ecs: RegionInventory & EcsInventory;
  readonly vpc: MirrorSessions;
  readonly slb: LoadBalancers;
  /** Who wrote the opt-out tags (ActionTrail), looked up for a bounded number of opted-out resources per run. */
  readonly trail?: TagHistory;
}

/** A whole region as read: every ENI, instance and session (owned or not), and the policy's targets that are gone. */
export interface RegionSnapshot {
  readonly regionId: string;
  readonly enis: readonly Eni[];
  readonly instances: ReadonlyMap<string, Instance>;
  readonly sessions: readonly Session[];
  /** Labels (`SLB:lb-…`, `NetworkInterface:eni-…`) of targets the policy names that the region no longer has. */
  readonly goneTargets: ReadonlySet<string>;
  /** Sources of owned sessions the region no longer has (absent from the scan and from a re-read by id). */
  readonly goneEnis: readonly string[];
  /** The zone of each CLB target that exists, where DescribeLoadBalancers says (its MasterZoneId): for the report. */
  readonly slbZones?: ReadonlyMap<string, string>;
}

/**
 * Reads the region in three paged scans at the APIs' largest pages (500 ENIs, 100 instances, 100 sessions), in
 * parallel, plus one DescribeLoadBalancers per 10 CLB targets the policy names. The scans are not one instant: an
 * ENI an owned session names but the ENI scan missed, or an instance an ENI names but the instance scan missed,
 * may have been made meanwhile (a launch the event path is handling), so those are read again by id before
 * anything is taken for gone.
 */
export async function scanRegion(regionId: string, policy: Policy, deps: RegionScanDeps): Promise<RegionSnapshot> {
  const targets = policy.rules.flatMap((r) => r.spec.targets.map((t) => t.target));
  const slbIds = [...new Set(targets.filter((t) => t.kind === 'SLB').map((t) => t.id))].sort();
  const [scanned, instances, sessions, liveSlbs] = await Promise.all([deps.ecs.scanEnis(), deps.ecs.scanInstances(), deps.vpc.list({}), deps.slb.existing(slbIds)]);
  const absent = absentSources(sessions, scanned);
  const reread = absent.length > 0 ? await deps.ecs.enis({ eniIds: absent }) : [];
  const enis = reread.length > 0 ? [...scanned, ...reread] : scanned;
  const found = new Set(reread.map((e) => e.id));
  const byId = new Map(instances.map((i) => [i.id, i]));
  const unseen = [...new Set(enis.flatMap((e) => (e.instanceId && !byId.has(e.instanceId) ? [e.instanceId] : [])))];
  if (unseen.length > 0) for (const i of await deps.ecs.instances(unseen)) byId.set(i.id, i);
  const gone = goneTargets(targets, { slbs: liveSlbs, enis: new Set(enis.map((e) => e.id)) });
  const slbZones = new Map([...liveSlbs].flatMap(([id, zone]) => (zone ? [[id, zone] as const] : [])));
  return { regionId, enis, instances: byId, sessions: judgePending(sessions, policy, enis), goneTargets: gone, goneEnis: absent.filter((id) => !found.has(id)), slbZones };
}

/**
 * The policy's decision for every ENI of the snapshot, at `at` (the engine clock's now and the sessions' creation:
 * rules' `expires`, temporary mirroring); what is gone is plan()'s to weigh (PlanInput.goneTargets).
 */
export function decideRegion(policy: Policy, snap: RegionSnapshot, writes?: OptOutWrites, at?: (eniId: string) => EvalTime): Decision[] {
  return snap.enis.map((eni) => evaluate(policy, eni, eni.instanceId ? snap.instances.get(eni.instanceId) : undefined, snap.regionId, writes, undefined, at?.(eni.id)));
}
