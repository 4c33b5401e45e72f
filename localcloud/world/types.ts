/** The world file as parsed (see schema.ts). */
export type TagMap = Record<string, string>;
export type WorldTags = TagMap | Array<{ key: string; value?: string }>;

export interface WorldFile {
  accountId: string;
  accessKeys: Array<{ accessKeyId: string; accessKeySecret: string; securityToken?: string }>;
  options?: { asyncDelayMs?: number; trafficMirrorServiceOpened?: boolean };
  regions: Record<string, WorldRegion>;
}

export interface WorldRegion {
  vpcs?: Array<{ vpcId: string; vSwitches?: Array<{ vSwitchId: string; zoneId: string }> }>;
  instances?: Array<{
    instanceId: string;
    instanceName?: string;
    instanceType?: string;
    vSwitchId: string;
    status?: 'Pending' | 'Starting' | 'Running' | 'Stopping' | 'Stopped';
    tags?: TagMap;
    networkInterfaces?: Array<{ networkInterfaceId: string; type?: 'Primary' | 'Secondary'; name?: string; primaryIpAddress?: string; tags?: TagMap }>;
  }>;
  networkInterfaces?: Array<{
    networkInterfaceId: string;
    vSwitchId: string;
    status?: 'Available' | 'Attaching' | 'InUse' | 'Detaching' | 'Deleting';
    name?: string;
    primaryIpAddress?: string;
    serviceManaged?: boolean;
    tags?: TagMap;
  }>;
  loadBalancers?: Array<{
    loadBalancerId: string;
    loadBalancerName?: string;
    addressType?: 'intranet' | 'internet';
    networkType?: 'vpc' | 'classic';
    vpcId?: string;
    vSwitchId?: string;
    address?: string;
    loadBalancerStatus?: 'active' | 'inactive' | 'locked';
    udpListenerPorts?: number[];
    tcpListenerPorts?: number[];
    tags?: TagMap;
  }>;
  trafficMirrorFilters?: Array<{ trafficMirrorFilterId: string; trafficMirrorFilterName?: string; trafficMirrorFilterDescription?: string; tags?: TagMap }>;
  trafficMirrorSessions?: Array<{
    trafficMirrorSessionId: string;
    trafficMirrorSessionName?: string;
    trafficMirrorSessionDescription?: string;
    trafficMirrorSessionStatus?: 'Creating' | 'Created' | 'Modifying' | 'Deleting';
    trafficMirrorSessionBusinessStatus?: 'Normal' | 'FinancialLocked';
    enabled?: boolean;
    priority: number;
    virtualNetworkId?: number;
    packetLength?: number;
    trafficMirrorFilterId: string;
    trafficMirrorSourceIds: string[];
    trafficMirrorTargetId: string;
    trafficMirrorTargetType: 'NetworkInterface' | 'SLB';
    resourceGroupId?: string;
    creationTime?: string;
    tags?: WorldTags;
  }>;
}
