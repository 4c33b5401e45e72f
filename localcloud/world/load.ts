import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { CloudState, emptyRegion, type RegionState, type Tags } from '../state.js';
import { worldSchema } from './schema.js';
import type { WorldFile, WorldRegion, WorldTags } from './types.js';

export class WorldError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid world:\n  ${problems.join('\n  ')}`);
    this.name = 'WorldError';
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<WorldFile>(worldSchema);

export function readWorldFile(path: string): WorldFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WorldError([`${path}: ${(err as Error).message}`]);
  }
  return checkWorld(raw);
}

/** Validates a world document; unknown fields are errors that name their path. */
export function checkWorld(raw: unknown): WorldFile {
  if (validate(raw)) return raw;
  const problems = (validate.errors ?? []).map((e) => {
    const at = e.instancePath || '/';
    if (e.keyword === 'additionalProperties') return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    return `${at}: ${e.message}`;
  });
  throw new WorldError([...new Set(problems)]);
}

const toTags = (t: WorldTags | undefined): Tags =>
  new Map(Array.isArray(t) ? t.map(({ key, value }) => [key, value ?? ''] as [string, string]) : Object.entries(t ?? {}));

/** Deterministic addresses so a world loads the same way every time. */
function macFor(id: string): string {
  const h = createHash('md5').update(id).digest('hex');
  return `00:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

function ipFor(id: string): string {
  const h = createHash('md5').update(id).digest();
  return `10.${h[0] % 256}.${h[1] % 256}.${(h[2] % 250) + 2}`;
}

/** Builds the in-memory cloud from a validated world; cross-references are checked here. */
export function buildState(world: WorldFile, now: () => number = Date.now): CloudState {
  const state = new CloudState(
    world.accountId,
    {
      asyncDelayMs: world.options?.asyncDelayMs ?? 100,
      trafficMirrorServiceOpened: world.options?.trafficMirrorServiceOpened ?? true,
    },
    now,
  );
  const problems: string[] = [];
  for (const [regionId, wr] of Object.entries(world.regions)) {
    state.regions.set(regionId, loadRegion(regionId, wr, state.isoNow(), problems));
  }
  if (problems.length > 0) throw new WorldError(problems);
  return state;
}

function loadRegion(regionId: string, wr: WorldRegion, created: string, problems: string[]): RegionState {
  const r = emptyRegion(regionId);
  const at = `/regions/${regionId}`;
  for (const vpc of wr.vpcs ?? []) {
    r.vpcIds.add(vpc.vpcId);
    for (const vsw of vpc.vSwitches ?? []) r.vSwitches.set(vsw.vSwitchId, { vSwitchId: vsw.vSwitchId, vpcId: vpc.vpcId, zoneId: vsw.zoneId });
  }
  const vswitch = (id: string, path: string) => {
    const v = r.vSwitches.get(id);
    if (!v) problems.push(`${path}/vSwitchId: vSwitch "${id}" is not declared under vpcs`);
    return v ?? { vSwitchId: id, vpcId: '', zoneId: '' };
  };
  const addEni = (id: string, path: string) => {
    if (r.enis.has(id)) problems.push(`${path}: duplicate networkInterfaceId "${id}"`);
  };

  (wr.instances ?? []).forEach((wi, i) => {
    const path = `${at}/instances/${i}`;
    const vsw = vswitch(wi.vSwitchId, path);
    const type = wi.instanceType ?? 'ecs.g7.large';
    const inst = {
      instanceId: wi.instanceId,
      instanceName: wi.instanceName ?? wi.instanceId,
      instanceType: type,
      vSwitchId: vsw.vSwitchId,
      vpcId: vsw.vpcId,
      zoneId: vsw.zoneId,
      status: wi.status ?? 'Running',
      tags: toTags(wi.tags),
      creationTime: created,
      eniIds: [] as string[],
    };
    (wi.networkInterfaces ?? []).forEach((we, j) => {
      addEni(we.networkInterfaceId, `${path}/networkInterfaces/${j}`);
      r.enis.set(we.networkInterfaceId, {
        networkInterfaceId: we.networkInterfaceId,
        name: we.name ?? '',
        type: we.type ?? (j === 0 ? 'Primary' : 'Secondary'),
        status: 'InUse',
        instanceId: wi.instanceId,
        vSwitchId: vsw.vSwitchId,
        vpcId: vsw.vpcId,
        zoneId: vsw.zoneId,
        privateIpAddress: we.primaryIpAddress ?? ipFor(we.networkInterfaceId),
        macAddress: macFor(we.networkInterfaceId),
        serviceManaged: false,
        tags: toTags(we.tags),
        creationTime: created,
      });
      inst.eniIds.push(we.networkInterfaceId);
    });
    if (inst.eniIds.filter((id) => r.enis.get(id)?.type === 'Primary').length !== 1) {
      problems.push(`${path}/networkInterfaces: an instance has exactly one Primary ENI`);
    }
    r.instances.set(inst.instanceId, inst);
  });

  (wr.networkInterfaces ?? []).forEach((we, i) => {
    const path = `${at}/networkInterfaces/${i}`;
    addEni(we.networkInterfaceId, path);
    const vsw = vswitch(we.vSwitchId, path);
    r.enis.set(we.networkInterfaceId, {
      networkInterfaceId: we.networkInterfaceId,
      name: we.name ?? '',
      type: 'Secondary',
      status: we.status ?? 'Available',
      vSwitchId: vsw.vSwitchId,
      vpcId: vsw.vpcId,
      zoneId: vsw.zoneId,
      privateIpAddress: we.primaryIpAddress ?? ipFor(we.networkInterfaceId),
      macAddress: macFor(we.networkInterfaceId),
      serviceManaged: we.serviceManaged ?? false,
      tags: toTags(we.tags),
      creationTime: created,
    });
  });

  for (const lb of wr.loadBalancers ?? []) {
    r.loadBalancers.set(lb.loadBalancerId, {
      loadBalancerId: lb.loadBalancerId,
      loadBalancerName: lb.loadBalancerName ?? lb.loadBalancerId,
      addressType: lb.addressType ?? 'intranet',
      networkType: lb.networkType ?? 'vpc',
      vpcId: lb.vpcId ?? '',
      vSwitchId: lb.vSwitchId ?? '',
      address: lb.address ?? ipFor(lb.loadBalancerId),
      loadBalancerStatus: lb.loadBalancerStatus ?? 'active',
      udpListenerPorts: lb.udpListenerPorts ?? [],
      tcpListenerPorts: lb.tcpListenerPorts ?? [],
      tags: toTags(lb.tags),
      creationTime: created,
    });
  }
  for (const f of wr.trafficMirrorFilters ?? []) {
    r.filters.set(f.trafficMirrorFilterId, {
      trafficMirrorFilterId: f.trafficMirrorFilterId,
      trafficMirrorFilterName: f.trafficMirrorFilterName ?? '',
      trafficMirrorFilterDescription: f.trafficMirrorFilterDescription ?? '',
      status: 'Created',
      tags: toTags(f.tags),
    });
  }
  (wr.trafficMirrorSessions ?? []).forEach((s, i) => {
    const path = `${at}/trafficMirrorSessions/${i}`;
    for (const src of s.trafficMirrorSourceIds) {
      if (!r.enis.has(src)) problems.push(`${path}/trafficMirrorSourceIds: ENI "${src}" is not in this region`);
    }
    if (!r.filters.has(s.trafficMirrorFilterId)) problems.push(`${path}/trafficMirrorFilterId: filter "${s.trafficMirrorFilterId}" is not declared`);
    r.sessions.set(s.trafficMirrorSessionId, {
      trafficMirrorSessionId: s.trafficMirrorSessionId,
      trafficMirrorSessionName: s.trafficMirrorSessionName ?? '',
      trafficMirrorSessionDescription: s.trafficMirrorSessionDescription ?? '',
      status: s.trafficMirrorSessionStatus ?? 'Created',
      businessStatus: s.trafficMirrorSessionBusinessStatus ?? 'Normal',
      enabled: s.enabled ?? true,
      priority: s.priority,
      virtualNetworkId: s.virtualNetworkId ?? 0,
      packetLength: s.packetLength ?? 1500,
      trafficMirrorFilterId: s.trafficMirrorFilterId,
      trafficMirrorSourceIds: [...s.trafficMirrorSourceIds],
      trafficMirrorTargetId: s.trafficMirrorTargetId,
      trafficMirrorTargetType: s.trafficMirrorTargetType,
      resourceGroupId: s.resourceGroupId ?? '',
      tags: toTags(s.tags),
      creationTime: s.creationTime ?? created,
      settlesAt: 0,
    });
  });
  return r;
}
