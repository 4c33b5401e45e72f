import type { AccessKey } from '../core/keyring.js';
import type { CloudState, EniRec, FilterRuleRec, RegionState, Tags } from '../state.js';
import type { WorldAttachedEni, WorldFile, WorldFilterRule, WorldFreeEni, WorldOptions, WorldRegion } from '../world/types.js';

const tagMap = (t: Tags) => Object.fromEntries(t);

function eniCommon(e: EniRec) {
  return {
    networkInterfaceId: e.networkInterfaceId,
    name: e.name,
    description: e.description,
    primaryIpAddress: e.privateIpAddress,
    securityGroupIds: [...e.securityGroupIds],
    deleteOnRelease: e.deleteOnRelease,
    tags: tagMap(e.tags),
  };
}

function attachedEni(e: EniRec): WorldAttachedEni {
  return { ...eniCommon(e), type: e.type, status: e.status as WorldAttachedEni['status'] };
}

function freeEni(e: EniRec): WorldFreeEni {
  return { ...eniCommon(e), vSwitchId: e.vSwitchId, status: e.status as WorldFreeEni['status'], serviceManaged: e.serviceManaged };
}

function rule(x: FilterRuleRec): WorldFilterRule {
  const { trafficMirrorFilterRuleId: _id, direction: _dir, ...rest } = x;
  return rest;
}

function dumpRegion(r: RegionState): WorldRegion {
  const vpcs = [...r.vpcIds].map((vpcId) => ({
    vpcId,
    vSwitches: [...r.vSwitches.values()].filter((v) => v.vpcId === vpcId).map((v) => ({ vSwitchId: v.vSwitchId, zoneId: v.zoneId })),
  }));
  const sessions = r.sessions.sorted();
  // Sources and targets whose ENI is gone (dangling) must be declared for the dump to load again.
  const dangling = new Set(
    sessions.flatMap((s) => [...s.trafficMirrorSourceIds, ...(s.trafficMirrorTargetType === 'NetworkInterface' ? [s.trafficMirrorTargetId] : [])]).filter((id) => !r.enis.has(id)),
  );
  return {
    vpcs,
    securityGroups: r.securityGroups.sorted().map((sg) => ({ ...sg, ingress: sg.ingress.map((x) => ({ ...x })) })),
    instances: r.instances.sorted().map((i) => ({
      instanceId: i.instanceId,
      instanceName: i.instanceName,
      instanceType: i.instanceType,
      imageId: i.imageId,
      vSwitchId: i.vSwitchId,
      status: i.status,
      securityGroupIds: [...i.securityGroupIds],
      tags: tagMap(i.tags),
      networkInterfaces: i.eniIds.flatMap((id) => {
        const e = r.enis.get(id);
        return e ? [attachedEni(e)] : [];
      }),
    })),
    networkInterfaces: r.enis
      .sorted()
      .filter((e) => !e.instanceId)
      .map(freeEni),
    deletedNetworkInterfaceIds: [...dangling].sort(),
    loadBalancers: r.loadBalancers.sorted().map((lb) => ({ ...lb, creationTime: undefined, tags: tagMap(lb.tags) })),
    trafficMirrorFilters: r.filters.sorted().map((f) => ({
      trafficMirrorFilterId: f.trafficMirrorFilterId,
      trafficMirrorFilterName: f.trafficMirrorFilterName,
      trafficMirrorFilterDescription: f.trafficMirrorFilterDescription,
      trafficMirrorFilterStatus: f.status,
      resourceGroupId: f.resourceGroupId,
      ingressRules: f.rules.filter((x) => x.direction === 'ingress').map(rule),
      egressRules: f.rules.filter((x) => x.direction === 'egress').map(rule),
      creationTime: f.creationTime,
      tags: tagMap(f.tags),
    })),
    trafficMirrorSessions: sessions.map((s) => ({
      trafficMirrorSessionId: s.trafficMirrorSessionId,
      trafficMirrorSessionName: s.trafficMirrorSessionName,
      trafficMirrorSessionDescription: s.trafficMirrorSessionDescription,
      trafficMirrorSessionStatus: s.status,
      trafficMirrorSessionBusinessStatus: s.businessStatus,
      enabled: s.enabled,
      priority: s.priority,
      virtualNetworkId: s.virtualNetworkId,
      packetLength: s.packetLength,
      trafficMirrorFilterId: s.trafficMirrorFilterId,
      trafficMirrorSourceIds: [...s.trafficMirrorSourceIds],
      trafficMirrorTargetId: s.trafficMirrorTargetId,
      trafficMirrorTargetType: s.trafficMirrorTargetType,
      resourceGroupId: s.resourceGroupId,
      creationTime: s.creationTime,
      tags: tagMap(s.tags),
    })),
    trafficMirrorServiceOpened: r.trafficMirrorServiceOpened,
    // Groups and hooks; a wait in progress is not dumped (it ends with the cloud that holds it).
    scalingGroups:
      r.scalingGroups.size === 0
        ? undefined
        : r.scalingGroups.sorted().map((g) => ({
            scalingGroupId: g.scalingGroupId,
            scalingGroupName: g.scalingGroupName,
            vSwitchId: g.vSwitchId,
            instanceType: g.instanceType,
            imageId: g.imageId,
            securityGroupIds: [...g.securityGroupIds],
            instanceTags: tagMap(g.instanceTags),
            tags: tagMap(g.tags),
            instanceIds: [...g.instances.keys()].filter((id) => r.instances.has(id)).sort(),
            lifecycleHooks: g.hooks.sorted().map((h) => ({ ...h })),
          })),
  };
}

/** The cloud as it is now, in world-file form: it validates against the schema and loads back. */
export function dumpWorld(state: CloudState, accessKeys: AccessKey[], options: WorldOptions): WorldFile {
  state.settle();
  const regions: Record<string, WorldRegion> = {};
  for (const [id, r] of state.regions) regions[id] = dumpRegion(r);
  return JSON.parse(JSON.stringify({ accountId: state.accountId, accessKeys, options, regions })) as WorldFile;
}
