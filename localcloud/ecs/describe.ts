import { ApiError } from '../core/api-error.js';
import { compareIds } from '../core/id-map.js';
import { pageByNumber, pageByToken } from '../core/paging.js';
import { ecsTags, matchesTags } from '../core/tags.js';
import { where } from '../core/where.js';
import { dryRunPassed } from '../pop/idempotency.js';
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

const privateIpSets = (ip: string) => ({ PrivateIpSet: [{ PrivateIpAddress: ip, Primary: true }] });

export function eniView(r: RegionState, e: EniRec) {
  return {
    NetworkInterfaceId: e.networkInterfaceId,
    NetworkInterfaceName: e.name,
    Description: e.description,
    Status: e.status,
    Type: e.type,
    InstanceId: e.instanceId ?? '',
    VpcId: e.vpcId,
    VSwitchId: e.vSwitchId,
    ZoneId: e.zoneId,
    PrivateIpAddress: e.privateIpAddress,
    MacAddress: e.macAddress,
    PrivateIpSets: privateIpSets(e.privateIpAddress),
    SecurityGroupIds: { SecurityGroupId: [...e.securityGroupIds] },
    Tags: ecsTags(e.tags),
    ResourceGroupId: '',
    CreationTime: e.creationTime,
    ServiceManaged: e.serviceManaged,
    DeleteOnRelease: e.deleteOnRelease,
    Attachment: e.instanceId ? { InstanceId: e.instanceId, NetworkCardIndex: 0 } : undefined,
    OwnerId: '',
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
    ImageId: i.imageId,
    InstanceNetworkType: 'vpc',
    ResourceGroupId: '',
    CreationTime: i.creationTime,
    VpcAttributes: { VpcId: i.vpcId, VSwitchId: i.vSwitchId, PrivateIpAddress: { IpAddress: primary ? [primary.privateIpAddress] : [] } },
    NetworkInterfaces: {
      NetworkInterface: enis.map((e) => ({
        NetworkInterfaceId: e.networkInterfaceId,
        Type: e.type,
        PrimaryIpAddress: e.privateIpAddress,
        MacAddress: e.macAddress,
        PrivateIpSets: privateIpSets(e.privateIpAddress),
      })),
    },
    SecurityGroupIds: { SecurityGroupId: [...i.securityGroupIds] },
    Tags: ecsTags(i.tags),
  };
}

/**
 * ECS paging: MaxResults/NextToken (MaxResults clamped into 10–`max`, as the current docs say), or the deprecated
 * PageNumber/PageSize when neither NextToken nor MaxResults is sent.
 */
function ecsPage<T>(ctx: PopContext, sorted: readonly T[], idOf: (t: T) => string, match: ((t: T) => boolean) | undefined, max: number) {
  const p = ctx.params;
  const byNumber = !p.str('NextToken') && !p.str('MaxResults') && (p.has('PageNumber') || p.has('PageSize'));
  if (byNumber) {
    const pageNumber = p.int('PageNumber', { min: 1 }) ?? 1;
    const pageSize = p.int('PageSize', { min: 1, max }) ?? 10;
    const pg = pageByNumber(sorted, match, pageNumber, pageSize);
    return { items: pg.items, meta: { TotalCount: pg.total, PageNumber: pageNumber, PageSize: pageSize, NextToken: '' } };
  }
  const maxResults = clamp(p.int('MaxResults'), 10, max, 10);
  const pg = pageByToken(sorted, idOf, match, p.str('NextToken'), maxResults);
  return { items: pg.items, meta: { TotalCount: pg.total, PageNumber: 1, PageSize: maxResults, NextToken: pg.nextToken } };
}

/** Resources named by id are looked up directly rather than found by scanning the region. */
function byIds<T>(ids: string[], get: (id: string) => T | undefined): T[] {
  return [...new Set(ids)].sort(compareIds).flatMap((id) => {
    const t = get(id);
    return t === undefined ? [] : [t];
  });
}

export function describeInstances(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    const ids = jsonIdList(ctx, 'InstanceIds', 100);
    const ips = jsonIdList(ctx, 'PrivateIpAddresses', 100);
    const tagFilter = p.objects('Tag', 20);
    const status = p.oneOf('Status', ['Pending', 'Running', 'Starting', 'Stopping', 'Stopped'] as const);
    const family = p.str('InstanceTypeFamily');
    const sg = p.str('SecurityGroupId');
    const primaryIp = (i: InstanceRec) => r.enis.get(i.eniIds[0] ?? '')?.privateIpAddress ?? '';
    const { items, meta } = ecsPage(
      ctx,
      ids ? byIds(ids, (id) => r.instances.get(id)) : r.instances.sorted(),
      (i) => i.instanceId,
      where<InstanceRec>(
        ...p.equalities<InstanceRec>({
          VpcId: (i) => i.vpcId,
          VSwitchId: (i) => i.vSwitchId,
          ZoneId: (i) => i.zoneId,
          InstanceType: (i) => i.instanceType,
          InstanceName: (i) => i.instanceName,
          ImageId: (i) => i.imageId,
        }),
        sg && ((i) => i.securityGroupIds.includes(sg)),
        family && ((i) => i.instanceType.startsWith(`${family}.`)),
        status && ((i) => i.status === status),
        ips && ((i) => ips.includes(primaryIp(i))),
        tagFilter.length > 0 && ((i) => matchesTags(i.tags, tagFilter)),
      ),
      100,
    );
    dryRunPassed(ctx);
    return { ...meta, Instances: { Instance: items.map((i) => instanceView(r, i)) } };
  };
}

export function describeNetworkInterfaces(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    const ids = p.list('NetworkInterfaceId', 100);
    const ips = new Set(p.list('PrivateIpAddress', 100));
    const tagFilter = p.objects('Tag', 20);
    const type = p.oneOf('Type', ['Primary', 'Secondary'] as const);
    const status = p.oneOf('Status', ['Available', 'Attaching', 'InUse', 'Detaching', 'Deleting'] as const);
    const serviceManaged = p.bool('ServiceManaged');
    const instanceId = p.str('InstanceId');
    const sg = p.str('SecurityGroupId');
    // Ids, or an instance's own ENIs, narrow the candidates before any scan of the region.
    const candidates = ids.length > 0 ? byIds(ids, (id) => r.enis.get(id)) : instanceId ? byIds(r.instances.get(instanceId)?.eniIds ?? [], (id) => r.enis.get(id)) : r.enis.sorted();
    const { items, meta } = ecsPage(
      ctx,
      candidates,
      (e) => e.networkInterfaceId,
      where<EniRec>(
        instanceId && ((e) => e.instanceId === instanceId),
        ...p.equalities<EniRec>({
          VpcId: (e) => e.vpcId,
          VSwitchId: (e) => e.vSwitchId,
          NetworkInterfaceName: (e) => e.name,
          PrimaryIpAddress: (e) => e.privateIpAddress,
        }),
        ips.size > 0 && ((e) => ips.has(e.privateIpAddress)),
        // Documented: SecurityGroupId matches secondary ENIs only.
        sg && ((e) => e.type === 'Secondary' && e.securityGroupIds.includes(sg)),
        type && ((e) => e.type === type),
        status && ((e) => e.status === status),
        serviceManaged !== undefined && ((e) => e.serviceManaged === serviceManaged),
        tagFilter.length > 0 && ((e) => matchesTags(e.tags, tagFilter)),
      ),
      500,
    );
    return { ...meta, NetworkInterfaceSets: { NetworkInterfaceSet: items.map((e) => eniView(r, e)) } };
  };
}
