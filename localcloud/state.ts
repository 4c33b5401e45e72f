import { ApiError } from './core/api-error.js';
import { IdMap } from './core/id-map.js';
import { Rng } from './core/rng.js';
import { type Due, Scheduler } from './core/scheduler.js';
import { EventSink } from './events/cloud-event.js';
import { SessionStore } from './vpc/store.js';

export type Tags = Map<string, string>;

export interface VSwitchRec {
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
}

/** An inbound rule, kept so callers can check that a mirror target accepts VXLAN (UDP 4789); not enforced. */
export interface SecurityGroupRuleRec {
  ipProtocol: 'tcp' | 'udp' | 'icmp' | 'all';
  portRange: string;
  sourceCidrIp: string;
  policy: 'accept' | 'drop';
}

export interface SecurityGroupRec {
  securityGroupId: string;
  securityGroupName: string;
  vpcId: string;
  ingress: SecurityGroupRuleRec[];
}

export type InstanceStatus = 'Pending' | 'Starting' | 'Running' | 'Stopping' | 'Stopped';

export interface InstanceRec {
  instanceId: string;
  instanceName: string;
  instanceType: string;
  imageId: string;
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  status: InstanceStatus;
  securityGroupIds: string[];
  tags: Tags;
  creationTime: string;
  /** Attached ENIs, primary first. */
  eniIds: string[];
}

export type EniStatus = 'Available' | 'Attaching' | 'InUse' | 'Detaching' | 'Deleting';

export interface EniRec {
  networkInterfaceId: string;
  name: string;
  description: string;
  type: 'Primary' | 'Secondary';
  status: EniStatus;
  instanceId?: string;
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  privateIpAddress: string;
  macAddress: string;
  securityGroupIds: string[];
  serviceManaged: boolean;
  /** Released together with its instance (always for a primary ENI). */
  deleteOnRelease: boolean;
  tags: Tags;
  creationTime: string;
}

export interface LoadBalancerRec {
  loadBalancerId: string;
  loadBalancerName: string;
  addressType: 'intranet' | 'internet';
  networkType: 'vpc' | 'classic';
  vpcId: string;
  vSwitchId: string;
  address: string;
  loadBalancerStatus: 'active' | 'inactive' | 'locked';
  udpListenerPorts: number[];
  tcpListenerPorts: number[];
  tags: Tags;
  creationTime: string;
}

export type TransitionalStatus = 'Creating' | 'Created' | 'Modifying' | 'Deleting';

export interface FilterRuleRec {
  trafficMirrorFilterRuleId: string;
  direction: 'ingress' | 'egress';
  action: 'accept' | 'drop';
  priority: number;
  protocol: 'ALL' | 'ICMP' | 'TCP' | 'UDP';
  sourceCidrBlock: string;
  destinationCidrBlock: string;
  sourcePortRange: string;
  destinationPortRange: string;
  ipVersion: 'IPv4' | 'IPv6';
}

export interface FilterRec {
  trafficMirrorFilterId: string;
  trafficMirrorFilterName: string;
  trafficMirrorFilterDescription: string;
  status: TransitionalStatus;
  resourceGroupId: string;
  rules: FilterRuleRec[];
  tags: Tags;
  creationTime: string;
}

export type SessionStatus = TransitionalStatus;

export interface SessionRec {
  trafficMirrorSessionId: string;
  trafficMirrorSessionName: string;
  trafficMirrorSessionDescription: string;
  status: SessionStatus;
  businessStatus: 'Normal' | 'FinancialLocked';
  enabled: boolean;
  priority: number;
  virtualNetworkId: number;
  packetLength: number;
  trafficMirrorFilterId: string;
  trafficMirrorSourceIds: string[];
  trafficMirrorTargetId: string;
  trafficMirrorTargetType: 'NetworkInterface' | 'SLB';
  resourceGroupId: string;
  tags: Tags;
  creationTime: string;
}

export type LifecycleResult = 'CONTINUE' | 'ABANDON' | 'ROLLBACK';

export interface LifecycleHookRec {
  lifecycleHookId: string;
  lifecycleHookName: string;
  lifecycleTransition: 'SCALE_OUT' | 'SCALE_IN';
  defaultResult: LifecycleResult;
  /** Seconds. */
  heartbeatTimeout: number;
  notificationArn: string;
  notificationMetadata: string;
}

/** One hook's hold on one scaling activity's instances (DescribeLifecycleActions). */
export interface LifecycleActionRec {
  token: string;
  lifecycleHookId: string;
  scalingActivityId: string;
  instanceIds: string[];
  status: 'Pending' | 'Completed' | 'Timeout';
  result?: LifecycleResult;
  /** Bumped by each heartbeat, so a superseded timeout finds itself stale. */
  generation: number;
}

export interface ScalingGroupRec {
  scalingGroupId: string;
  scalingGroupName: string;
  vSwitchId: string;
  /** What a scale-out launches (the active scaling configuration, reduced to what RunInstances takes). */
  instanceType: string;
  imageId: string;
  securityGroupIds: string[];
  instanceTags: Tags;
  tags: Tags;
  /** Instance id → LifecycleState (Pending, Pending:Wait, InService). */
  instances: Map<string, string>;
  hooks: IdMap<LifecycleHookRec>;
  actions: Map<string, LifecycleActionRec>;
  creationTime: string;
}

export interface RegionState {
  readonly regionId: string;
  /** Auto Scaling (ESS) groups with their lifecycle hooks and actions (ess/). */
  scalingGroups: IdMap<ScalingGroupRec>;
  vSwitches: Map<string, VSwitchRec>;
  vpcIds: Set<string>;
  securityGroups: IdMap<SecurityGroupRec>;
  instances: IdMap<InstanceRec>;
  enis: IdMap<EniRec>;
  loadBalancers: IdMap<LoadBalancerRec>;
  filters: IdMap<FilterRec>;
  sessions: SessionStore;
  /** OpenTrafficMirrorService works per region. */
  trafficMirrorServiceOpened: boolean;
  /** ClientToken → the fingerprint of the first request and its response, per action. */
  clientTokens: Map<string, { fingerprint: string; response: Record<string, unknown> }>;
}

/** Adjustable traffic-mirroring quotas (Quota Center); the fixed limits live in vpc/limits.ts. */
export interface Quotas {
  sourcesPerSession: number;
  sourcesPerEniTarget: number;
  sourcesPerLargeEniTarget: number;
  rulesPerFilter: number;
}

export interface CloudOptions {
  asyncDelayMs: number;
  trafficMirrorServiceOpened: boolean;
  /** What a session keeps when one of its source ENIs is deleted (undocumented). */
  deletedSourceEni: 'dangling' | 'remove';
  /** Where ecs:Instance:StateChange puts its fields (unconfirmed): `data` or `data.content`. */
  stateChangeShape: 'data' | 'content';
  quotas: Quotas;
  seed: number;
}

export function emptyRegion(regionId: string, trafficMirrorServiceOpened: boolean): RegionState {
  return {
    regionId,
    vSwitches: new Map(),
    vpcIds: new Set(),
    securityGroups: new IdMap(),
    instances: new IdMap(),
    enis: new IdMap(),
    loadBalancers: new IdMap(),
    filters: new IdMap(),
    sessions: new SessionStore(),
    scalingGroups: new IdMap(),
    trafficMirrorServiceOpened,
    clientTokens: new Map(),
  };
}

/** The whole local cloud: one account, its regions, and a clock that drives asynchronous transitions. */
export class CloudState {
  readonly regions = new Map<string, RegionState>();
  /** Events the services emit (ECS state changes, ActionTrail records), for the event bus to route. */
  readonly events = new EventSink();
  readonly rng: Rng;
  private readonly scheduler: Scheduler;

  constructor(
    readonly accountId: string,
    readonly options: CloudOptions,
    readonly now: () => number = Date.now,
  ) {
    this.scheduler = new Scheduler(now);
    this.rng = new Rng(options.seed);
  }

  /** The region a request names; settles every transition that is due first, so reads see the current truth. */
  region(regionId: string | undefined): RegionState {
    if (!regionId) throw new ApiError('MissingParameter', 'The input parameter "RegionId" that is mandatory for processing this request is not supplied.');
    const r = this.regions.get(regionId);
    if (!r) throw new ApiError('InvalidRegionId.NotFound', `The specified RegionId "${regionId}" does not exist.`, 404);
    this.settle();
    return r;
  }

  /** For calls that name no RegionId (ECS DeleteInstance): the region holding the resource, settled. */
  regionWhere(holds: (r: RegionState) => boolean): RegionState | undefined {
    this.settle();
    return [...this.regions.values()].find(holds);
  }

  settle(): void {
    this.scheduler.runDue();
  }

  /** Runs `step` after the world's async delay, counted from `from` (a previous step's due time) or from now. */
  later(step: Due, from?: number): void {
    this.scheduler.at((from ?? this.now()) + this.options.asyncDelayMs, step);
  }

  /** Runs `step` `delayMs` from now (timeouts that are not the world's async delay, e.g. a lifecycle hook's). */
  after(delayMs: number, step: Due): void {
    this.scheduler.after(delayMs, step);
  }

  /** Stops the transition timer; pending transitions are dropped. */
  stop(): void {
    this.scheduler.stop();
  }

  isoNow(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
