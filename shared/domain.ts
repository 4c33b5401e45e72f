/** The domain automirror reasons about; adapters in shared/cloud convert SDK shapes to and from these. */

export type Tags = Readonly<Record<string, string>>;

export type EniStatus = 'Available' | 'Attaching' | 'InUse' | 'Detaching' | 'Deleting' | 'Creating' | 'CreateFailed';

export interface Eni {
  readonly id: string;
  readonly regionId: string;
  readonly instanceId?: string;
  readonly primary: boolean;
  readonly status: EniStatus;
  readonly vpcId: string;
  readonly vSwitchId: string;
  readonly zoneId: string;
  readonly serviceManaged: boolean;
  readonly tags: Tags;
}

export interface Instance {
  readonly id: string;
  readonly regionId: string;
  readonly instanceType: string;
  readonly status: string;
  readonly vpcId: string;
  readonly vSwitchId: string;
  readonly zoneId: string;
  readonly tags: Tags;
}

export type TargetKind = 'SLB' | 'NetworkInterface';

export interface MirrorTarget {
  readonly kind: TargetKind;
  readonly id: string;
}

export interface PriorityBand {
  readonly min: number;
  readonly max: number;
}

/** One collector in a rule's target pool, with how many sources it may take. */
export interface PoolTarget {
  readonly target: MirrorTarget;
  /** Sources this target accepts across all sessions (500 for an internal CLB, the documented hard limit). */
  readonly capacity: number;
  /** Prefer this target for ENIs in this zone (zone affinity); undefined serves any zone. */
  readonly zoneId?: string;
}

/** One session per ENI, or pooled sessions of up to `maxSources` ENIs each (≤ the sources-per-session quota). */
export type SessionLayout = { readonly kind: 'per-eni' } | { readonly kind: 'pooled'; readonly maxSources: number };

/** What one ENI should be mirrored with, as a policy rule says. */
export interface MirrorSpec {
  readonly rule: string;
  /** One target, or a pool the planner places ENIs into by zone affinity and remaining capacity. */
  readonly targets: readonly PoolTarget[];
  readonly filterId: string;
  /** Fixed or derived per rule (stable); undefined lets the cloud pick a random one, which is then never drift. */
  readonly vni?: number;
  readonly packetLength: number;
  readonly enabled: boolean;
  readonly priorityBand: PriorityBand;
  /** A name template, e.g. `am-{rule}-{eni}`; rendered by the planner. */
  readonly sessionName?: string;
  readonly layout: SessionLayout;
}

export type SessionStatus = 'Creating' | 'Created' | 'Modifying' | 'Deleting';

export interface Session {
  readonly id: string;
  readonly name: string;
  readonly status: SessionStatus;
  readonly enabled: boolean;
  readonly priority: number;
  readonly vni: number;
  readonly packetLength: number;
  readonly filterId: string;
  readonly target: MirrorTarget;
  readonly sourceIds: readonly string[];
  readonly tags: Tags;
}

/** Which instances and ENIs an invocation is about, and why (for logs and reports). */
export interface Subject {
  readonly regionId: string;
  readonly instanceIds: readonly string[];
  readonly eniIds: readonly string[];
  readonly cause: string;
  /** Times this work was deferred before; absent for first-hand events. */
  readonly attempt?: number;
}
