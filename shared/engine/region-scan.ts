import type { EcsInventory, RegionInventory } from '../cloud/ecs.js';
import type { LoadBalancers } from '../cloud/slb.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { Eni, Instance, MirrorSpec, Session } from '../domain.js';
import { evaluate, type Decision } from '../policy/evaluate.js';
import type { Policy } from '../policy/types.js';
import { targetLabel } from './placement.js';
import { absentSources } from './plan.js';

export interface RegionScanDeps {
  readonly ecs: RegionInventory & EcsInventory;
  readonly vpc: MirrorSessions;
  readonly slb: LoadBalancers;
}

/** A whole region as read: every ENI, instance and session (owned or not), and the policy's targets that are gone. */
export interface RegionSnapshot {
  readonly regionId: string;
  readonly enis: readonly Eni[];
  readonly instances: ReadonlyMap<string, Instance>;
  readonly sessions: readonly Session[];
  /** Labels (`SLB:lb-…`, `NetworkInterface:eni-…`) of targets the policy names that the region no longer has. */
  readonly goneTargets: ReadonlySet<string>;
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
  const enis = absent.length > 0 ? [...scanned, ...(await deps.ecs.enis({ eniIds: absent }))] : scanned;
  const byId = new Map(instances.map((i) => [i.id, i]));
  const unseen = [...new Set(enis.flatMap((e) => (e.instanceId && !byId.has(e.instanceId) ? [e.instanceId] : [])))];
  if (unseen.length > 0) for (const i of await deps.ecs.instances(unseen)) byId.set(i.id, i);
  const eniIds = new Set(enis.map((e) => e.id));
  const gone = targets.filter((t) => (t.kind === 'SLB' ? !liveSlbs.has(t.id) : !eniIds.has(t.id)));
  return { regionId, enis, instances: byId, sessions, goneTargets: new Set(gone.map(targetLabel)) };
}

/** An opted-in ENI whose rule has no target left: nothing can be made for it until the policy names a live one. */
export interface Withheld {
  readonly eniId: string;
  readonly rule: string;
  readonly goneTargets: readonly string[];
}

/**
 * The policy's decision for every ENI of the snapshot. Gone targets are taken out of their rule's pool, so new
 * ENIs go to live ones and sessions on a gone target move (an update); an ENI whose rule has no live target is
 * withheld from the plan, which then leaves its sessions alone rather than churn them.
 */
export function decideRegion(policy: Policy, snap: RegionSnapshot): { decisions: Decision[]; withheld: Withheld[] } {
  const live = new Map<MirrorSpec, MirrorSpec | Withheld['goneTargets']>();
  const liveSpec = (spec: MirrorSpec) => {
    let v = live.get(spec);
    if (v === undefined) {
      const kept = spec.targets.filter((t) => !snap.goneTargets.has(targetLabel(t.target)));
      v = kept.length === spec.targets.length ? spec : kept.length > 0 ? { ...spec, targets: kept } : spec.targets.map((t) => targetLabel(t.target));
      live.set(spec, v);
    }
    return v;
  };
  const decisions: Decision[] = [];
  const withheld: Withheld[] = [];
  for (const eni of snap.enis) {
    const d = evaluate(policy, eni, eni.instanceId ? snap.instances.get(eni.instanceId) : undefined, snap.regionId);
    if ('excluded' in d) {
      decisions.push(d);
      continue;
    }
    const spec = liveSpec(d.spec);
    if (Array.isArray(spec)) withheld.push({ eniId: d.eniId, rule: d.spec.rule, goneTargets: spec });
    else decisions.push(spec === d.spec ? d : { eniId: d.eniId, spec: spec as MirrorSpec });
  }
  return { decisions, withheld };
}
