import { ApiError } from './core/api-error.js';
import { EventSink } from './events/cloud-event.js';

export type Tags = Map<string, string>;

export interface VSwitchRec { vSwitchId: string; vpcId: string; zoneId: string }

export interface InstanceRec {
  instanceId: string;
  instanceName: string;
  instanceType: string;
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  status: string;
  tags: Tags;
  creationTime: string;
  /** Attached ENIs, primary first. */
  eniIds: string[];
}

export interface EniRec {
  networkInterfaceId: string;
  name: string;
  type: 'Primary' | 'Secondary';
  status: string;
  instanceId?: string;
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  privateIpAddress: string;
  macAddress: string;
  serviceManaged: boolean;
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

export interface FilterRec {
  trafficMirrorFilterId: string;
  trafficMirrorFilterName: string;
  trafficMirrorFilterDescription: string;
  status: string;
  tags: Tags;
}

export type SessionStatus = 'Creating' | 'Created' | 'Modifying' | 'Deleting';

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
  /** When the transitional status settles (Creating/Modifying → Created, Deleting → gone). */
  settlesAt: number;
}

export interface RegionState {
  readonly regionId: string;
  vSwitches: Map<string, VSwitchRec>;
  vpcIds: Set<string>;
  instances: Map<string, InstanceRec>;
  enis: Map<string, EniRec>;
  loadBalancers: Map<string, LoadBalancerRec>;
  filters: Map<string, FilterRec>;
  sessions: Map<string, SessionRec>;
  /** ClientToken → the fingerprint of the first request and its response, per action. */
  clientTokens: Map<string, { fingerprint: string; response: Record<string, unknown> }>;
}

export interface CloudOptions {
  asyncDelayMs: number;
  trafficMirrorServiceOpened: boolean;
}

export function emptyRegion(regionId: string): RegionState {
  return {
    regionId,
    vSwitches: new Map(),
    vpcIds: new Set(),
    instances: new Map(),
    enis: new Map(),
    loadBalancers: new Map(),
    filters: new Map(),
    sessions: new Map(),
    clientTokens: new Map(),
  };
}

/** The whole local cloud: one account, its regions, and a clock that drives asynchronous transitions. */
export class CloudState {
  readonly regions = new Map<string, RegionState>();
  /** Events the services emit (ECS state changes, ActionTrail records), for the event bus to route. */
  readonly events = new EventSink();

  constructor(
    readonly accountId: string,
    readonly options: CloudOptions,
    readonly now: () => number = Date.now,
  ) {}

  /** The region a request names; settles every transition that is due first, so reads see the current truth. */
  region(regionId: string | undefined): RegionState {
    if (!regionId) throw new ApiError('MissingParameter', 'The input parameter "RegionId" that is mandatory for processing this request is not supplied.');
    const r = this.regions.get(regionId);
    if (!r) throw new ApiError('InvalidRegionId.NotFound', `The specified RegionId "${regionId}" does not exist.`, 404);
    this.settle(r);
    return r;
  }

  settle(r: RegionState): void {
    const t = this.now();
    for (const s of r.sessions.values()) {
      if (s.status === 'Created' || s.settlesAt > t) continue;
      if (s.status === 'Deleting') r.sessions.delete(s.trafficMirrorSessionId);
      else s.status = 'Created';
    }
  }

  /** Starts a transition that settles after the world's async delay. */
  transition(s: SessionRec, status: Exclude<SessionStatus, 'Created'>): void {
    s.status = status;
    s.settlesAt = this.now() + this.options.asyncDelayMs;
  }

  isoNow(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
