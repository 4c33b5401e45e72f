import { ApiError, invalidParameter, missingParameter } from '../core/api-error.js';
import { pageByNumber } from '../core/paging.js';
import { ecsTags, matchesTags } from '../core/tags.js';
import { where } from '../core/where.js';
import type { Params } from '../pop/params.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, LoadBalancerRec, RegionState } from '../state.js';

function lbView(r: RegionState, lb: LoadBalancerRec) {
  return {
    LoadBalancerId: lb.loadBalancerId,
    LoadBalancerName: lb.loadBalancerName,
    LoadBalancerStatus: lb.loadBalancerStatus,
    Address: lb.address,
    AddressType: lb.addressType,
    AddressIPVersion: 'ipv4',
    NetworkType: lb.networkType,
    VpcId: lb.vpcId,
    VSwitchId: lb.vSwitchId,
    RegionId: r.regionId,
    RegionIdAlias: r.regionId,
    MasterZoneId: r.vSwitches.get(lb.vSwitchId)?.zoneId ?? '',
    CreateTime: lb.creationTime,
    CreateTimeStamp: Date.parse(lb.creationTime),
    PayType: 'PayOnDemand',
    DeleteProtection: 'off',
    ModificationProtectionStatus: 'NonProtection',
    ResourceGroupId: '',
    Tags: ecsTags(lb.tags),
  };
}

/** `LoadBalancerId` / `LoadBalancerName` are comma-separated lists of at most 10. */
function commaList(p: Params, name: string): Set<string> | undefined {
  const raw = p.str(name);
  if (!raw) return undefined;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length > 10) throw invalidParameter(name, 'at most 10 values');
  return new Set(items);
}

/** Tags come as `Tag.N.Key/Value` or as the JSON string `Tags=[{"tagKey","tagValue"}]`. */
function tagFilter(p: Params): Array<Record<string, string>> {
  const raw = p.str('Tags');
  if (!raw) return p.objects('Tag', 20);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter('Tags', 'not a JSON array');
  }
  if (!Array.isArray(parsed) || parsed.length > 20) throw invalidParameter('Tags', 'a JSON array of at most 20 {tagKey, tagValue}');
  return parsed.map((t: { tagKey?: string; tagValue?: string }) => ({ Key: String(t.tagKey ?? ''), ...(t.tagValue === undefined ? {} : { Value: String(t.tagValue) }) }));
}

export function describeLoadBalancers(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    const ids = commaList(p, 'LoadBalancerId');
    const names = commaList(p, 'LoadBalancerName');
    const tags = tagFilter(p);
    const addressType = p.oneOf('AddressType', ['internet', 'intranet'] as const);
    const networkType = p.str('NetworkType')?.toLowerCase();
    const status = p.oneOf('LoadBalancerStatus', ['active', 'inactive', 'locked'] as const);
    const pageNumber = p.int('PageNumber', { min: 1 }) ?? 1;
    const pageSize = p.int('PageSize', { min: 1, max: 100 }) ?? 50;
    const pg = pageByNumber(
      r.loadBalancers.sorted(),
      where<LoadBalancerRec>(
        ids && ((lb) => ids.has(lb.loadBalancerId)),
        names && ((lb) => names.has(lb.loadBalancerName)),
        addressType && ((lb) => lb.addressType === addressType),
        networkType && ((lb) => lb.networkType === networkType),
        status && ((lb) => lb.loadBalancerStatus === status),
        ...p.equalities<LoadBalancerRec>({ VpcId: (lb) => lb.vpcId, VSwitchId: (lb) => lb.vSwitchId, Address: (lb) => lb.address }),
        tags.length > 0 && ((lb) => matchesTags(lb.tags, tags)),
      ),
      pageNumber,
      pageSize,
    );
    return { TotalCount: pg.total, PageNumber: pageNumber, PageSize: pageSize, LoadBalancers: { LoadBalancer: pg.items.map((lb) => lbView(r, lb)) } };
  };
}

export function describeLoadBalancerAttribute(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const id = ctx.params.str('LoadBalancerId');
    if (!id) throw missingParameter('LoadBalancerId');
    const lb = r.loadBalancers.get(id);
    if (!lb) throw new ApiError('InvalidLoadBalancerId.NotFound', `The specified load balancer "${id}" does not exist.`, 404);
    const listeners = [...lb.tcpListenerPorts.map((port) => ({ port, protocol: 'tcp' })), ...lb.udpListenerPorts.map((port) => ({ port, protocol: 'udp' }))].sort((a, b) => a.port - b.port);
    return {
      ...lbView(r, lb),
      InternetChargeType: 'paybytraffic',
      ListenerPorts: { ListenerPort: listeners.map((l) => l.port) },
      ListenerPortsAndProtocol: {
        ListenerPortAndProtocol: listeners.map((l) => ({ ListenerPort: l.port, ListenerProtocol: l.protocol, ListenerForward: 'off', Description: '' })),
      },
      // The legacy misspelt twin the SDK model still carries.
      ListenerPortsAndProtocal: { ListenerPortAndProtocal: listeners.map((l) => ({ ListenerPort: l.port, ListenerProtocal: l.protocol })) },
      BackendServers: { BackendServer: [] },
    };
  };
}
