import { ApiError } from '../core/api-error.js';
import { page } from '../core/paging.js';
import { ecsTags, matchesTags } from '../core/tags.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, EniRec, InstanceRec, RegionState } from '../state.js';

const clamp = (n: number | undefined, min: number, max: number, dflt: number) => Math.min(max, Math.max(min, n ?? dflt));

function jsonIdList(ctx: PopContext, name: string, max: number): string[] | undefined {
  const raw = ctx.params.str(name);
  if (raw === undefined || raw === '') return undefined;
  let ids: unknown;
  try {
    ids = JSON.parse(raw);
  } catch {
    throw new ApiError('InvalidParameter', `The specified parameter "${name}" is not a JSON array.`);
  }
  if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string')) throw new ApiError('InvalidParameter', `"${name}" must be a JSON array of strings.`);
  if (ids.length > max) throw new ApiError('InvalidParameter', `The number of ${name} exceeds the limit of ${max}.`);
  return ids as string[];
}

export function eniView(r: RegionState, e: EniRec) {
  return {
    NetworkInterfaceId: e.networkInterfaceId,
    NetworkInterfaceName: e.name,
    Status: e.status,
    Type: e.type,
    InstanceId: e.instanceId ?? '',
    VpcId: e.vpcId,
    VSwitchId: e.vSwitchId,
    ZoneId: e.zoneId,
    PrivateIpAddress: e.privateIpAddress,
    MacAddress: e.macAddress,
    PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: e.privateIpAddress, Primary: true }] },
    SecurityGroupIds: { SecurityGroupId: [] as string[] },
    Tags: ecsTags(e.tags),
    ResourceGroupId: '',
    CreationTime: e.creationTime,
    ServiceManaged: e.serviceManaged,
    DeleteOnRelease: e.type === 'Primary',
    Attachment: e.instanceId ? { InstanceId: e.instanceId, NetworkCardIndex: 0 } : undefined,
    OwnerId: '',
    Description: '',
    NetworkInterfaceTrafficMode: 'Standard',
    RegionId: r.regionId,
  };
}

export function instanceView(r: RegionState, i: InstanceRec) {
  const enis = i.eniIds.map((id) => r.enis.get(id)).filter((e): e is EniRec => e !== undefined);
  const primary = enis.find((e) => e.type === 'Primary');
  return {
    InstanceId: i.instanceId,
    InstanceName: i.instanceName,
    Status: i.status,
    RegionId: r.regionId,
    ZoneId: i.zoneId,
    InstanceType: i.instanceType,
    InstanceTypeFamily: i.instanceType.split('.').slice(0, 2).join('.'),
    ResourceGroupId: '',
    CreationTime: i.creationTime,
    VpcAttributes: { VpcId: i.vpcId, VSwitchId: i.vSwitchId, PrivateIpAddress: { IpAddress: primary ? [primary.privateIpAddress] : [] } },
    NetworkInterfaces: {
      NetworkInterface: enis.map((e) => ({
        NetworkInterfaceId: e.networkInterfaceId,
        Type: e.type,
        PrimaryIpAddress: e.privateIpAddress,
        MacAddress: e.macAddress,
        PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: e.privateIpAddress, Primary: true }] },
      })),
    },
    SecurityGroupIds: { SecurityGroupId: [] as string[] },
    Tags: ecsTags(i.tags),
  };
}

export function describeInstances(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    const ids = jsonIdList(ctx, 'InstanceIds', 100);
    const tagFilter = p.objects('Tag', 20);
    const status = p.str('Status');
    const family = p.str('InstanceTypeFamily');
    const matches = [...r.instances.values()].filter(
      (i) =>
        (!ids || ids.includes(i.instanceId)) &&
        (!p.str('VpcId') || i.vpcId === p.str('VpcId')) &&
        (!p.str('VSwitchId') || i.vSwitchId === p.str('VSwitchId')) &&
        (!p.str('ZoneId') || i.zoneId === p.str('ZoneId')) &&
        (!p.str('InstanceType') || i.instanceType === p.str('InstanceType')) &&
        (!family || i.instanceType.startsWith(`${family}.`)) &&
        (!status || i.status === status) &&
        matchesTags(i.tags, tagFilter),
    );
    const maxResults = clamp(p.int('MaxResults', { min: 1 }), 10, 100, 10);
    const pg = page(matches, (i) => i.instanceId, p.str('NextToken'), maxResults);
    return {
      TotalCount: matches.length,
      PageNumber: 1,
      PageSize: maxResults,
      NextToken: pg.nextToken,
      Instances: { Instance: pg.items.map((i) => instanceView(r, i)) },
    };
  };
}

export function describeNetworkInterfaces(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    const ids = p.list('NetworkInterfaceId', 100);
    const tagFilter = p.objects('Tag', 20);
    const type = p.str('Type');
    const status = p.str('Status');
    if (type && type !== 'Primary' && type !== 'Secondary') throw new ApiError('InvalidParameter', `The specified Type "${type}" is not valid.`);
    const matches = [...r.enis.values()].filter(
      (e) =>
        (ids.length === 0 || ids.includes(e.networkInterfaceId)) &&
        (!p.str('InstanceId') || e.instanceId === p.str('InstanceId')) &&
        (!p.str('VpcId') || e.vpcId === p.str('VpcId')) &&
        (!p.str('VSwitchId') || e.vSwitchId === p.str('VSwitchId')) &&
        (!p.str('NetworkInterfaceName') || e.name === p.str('NetworkInterfaceName')) &&
        (!p.str('PrimaryIpAddress') || e.privateIpAddress === p.str('PrimaryIpAddress')) &&
        (!type || e.type === type) &&
        (!status || e.status === status) &&
        (p.bool('ServiceManaged') === undefined || e.serviceManaged === p.bool('ServiceManaged')) &&
        matchesTags(e.tags, tagFilter),
    );
    // The current model clamps MaxResults into 10–500 rather than rejecting it.
    const maxResults = clamp(p.int('MaxResults'), 10, 500, 10);
    const pg = page(matches, (e) => e.networkInterfaceId, p.str('NextToken'), maxResults);
    return {
      TotalCount: matches.length,
      PageNumber: 1,
      PageSize: maxResults,
      NextToken: pg.nextToken,
      NetworkInterfaceSets: { NetworkInterfaceSet: pg.items.map((e) => eniView(r, e)) },
    };
  };
}
