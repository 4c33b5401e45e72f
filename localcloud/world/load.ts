import { readFileSync, statSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ipFor, macFor } from '../core/addresses.js';
import { IdMap } from '../core/id-map.js';
import { newId } from '../core/ids.js';
import { boot, settleEni } from '../ecs/lifecycle.js';
import { type CloudOptions, CloudState, type EniRec, emptyRegion, type FilterRuleRec, type RegionState, type Tags } from '../state.js';
import { transitionFilter, transitionSession } from '../vpc/lifecycle.js';
import { worldSchema } from './schema.js';
import type { WorldAttachedEni, WorldFile, WorldFilterRule, WorldFreeEni, WorldRegion, WorldTags } from './types.js';

export class WorldError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid world:\n  ${problems.join('\n  ')}`);
    this.name = 'WorldError';
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<WorldFile>(worldSchema);

/**
 * A world is data a test or a person wrote: far below these, and a file past them is a mistake or an attack on
 * the loader. Depth: the schema nests about ten levels. Values: a 20,000-ENI fleet holds a few hundred thousand.
 */
export const WORLD_LIMITS = { bytes: 64 * 1024 * 1024, depth: 32, values: 5_000_000, stringChars: 64 * 1024 } as const;
// Enough to fix a broken world in one pass; a hostile one can produce far more.
const MAX_LISTED = 200;

/** Why a parsed world is too deep or too big to validate, or undefined. Iterative: each value visited once. */
function tooBig(raw: unknown): string | undefined {
  const stack: Array<[unknown, number, string]> = [[raw, 0, '']];
  let values = 0;
  while (stack.length > 0) {
    const [v, depth, at] = stack.pop() as [unknown, number, string];
    if (++values > WORLD_LIMITS.values) return `/: more than ${WORLD_LIMITS.values} values`;
    if (typeof v === 'string' && v.length > WORLD_LIMITS.stringChars) return `${at || '/'}: a string of ${v.length} characters (at most ${WORLD_LIMITS.stringChars})`;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= WORLD_LIMITS.depth) return `${at || '/'}: nested deeper than ${WORLD_LIMITS.depth} levels`;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, depth + 1, `${at}/${i}`]));
    else for (const k of Object.keys(v)) stack.push([(v as Record<string, unknown>)[k], depth + 1, `${at}/${k.slice(0, 40)}`]);
  }
  return undefined;
}

export function readWorldFile(path: string): WorldFile {
  let raw: unknown;
  try {
    const size = statSync(path).size;
    if (size > WORLD_LIMITS.bytes) throw new Error(`the file is ${size} bytes; a world may be at most ${WORLD_LIMITS.bytes}`);
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WorldError([`${path}: ${(err as Error).message}`]);
  }
  return checkWorld(raw);
}

/** Validates a world document; unknown fields are errors that name their path. */
export function checkWorld(raw: unknown): WorldFile {
  const big = tooBig(raw);
  if (big !== undefined) throw new WorldError([big]);
  if (validate(raw)) return raw;
  const problems = schemaProblems(validate.errors);
  throw new WorldError(problems.length > MAX_LISTED ? [...problems.slice(0, MAX_LISTED), `… and ${problems.length - MAX_LISTED} more problems`] : problems);
}

export function schemaProblems(errors: typeof validate.errors): string[] {
  const problems = (errors ?? []).map((e) => {
    const at = e.instancePath || '/';
    if (e.keyword === 'additionalProperties') return `${at}: unknown field ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty.slice(0, 80))}`;
    return `${at}: ${e.message}`;
  });
  return [...new Set(problems)];
}

const toTags = (t: WorldTags | undefined): Tags => new Map(Array.isArray(t) ? t.map(({ key, value }) => [key, value ?? ''] as [string, string]) : Object.entries(t ?? {}));

/** The options with their documented defaults (README "World options"). */
function resolveOptions(world: WorldFile): CloudOptions {
  const o = world.options ?? {};
  return {
    asyncDelayMs: o.asyncDelayMs ?? 100,
    trafficMirrorServiceOpened: o.trafficMirrorServiceOpened ?? true,
    deletedSourceEni: o.deletedSourceEni ?? 'dangling',
    stateChangeShape: o.stateChangeShape ?? 'data',
    quotas: { sourcesPerSession: 10, sourcesPerEniTarget: 20, sourcesPerLargeEniTarget: 200, rulesPerFilter: 20, ...o.quotas },
    seed: o.seed ?? 1,
  };
}

/** Builds the in-memory cloud from a validated world; cross-references are checked here. */
export function buildState(world: WorldFile, now: () => number = Date.now): CloudState {
  const state = new CloudState(world.accountId, resolveOptions(world), now);
  const problems: string[] = [];
  for (const [regionId, wr] of Object.entries(world.regions)) {
    state.regions.set(regionId, loadRegion(state, regionId, wr, problems));
  }
  if (problems.length > 0) {
    state.stop();
    throw new WorldError(problems);
  }
  return state;
}

function ruleRec(rule: WorldFilterRule, direction: FilterRuleRec['direction']): FilterRuleRec {
  const ipVersion = rule.ipVersion ?? 'IPv4';
  const any = ipVersion === 'IPv6' ? '::/0' : '0.0.0.0/0';
  return {
    trafficMirrorFilterRuleId: newId('tmr'),
    direction,
    action: rule.action,
    priority: rule.priority,
    protocol: rule.protocol,
    sourceCidrBlock: rule.sourceCidrBlock ?? any,
    destinationCidrBlock: rule.destinationCidrBlock ?? any,
    sourcePortRange: rule.sourcePortRange ?? '-1/-1',
    destinationPortRange: rule.destinationPortRange ?? '-1/-1',
    ipVersion,
  };
}

function loadRegion(state: CloudState, regionId: string, wr: WorldRegion, problems: string[]): RegionState {
  const r = emptyRegion(regionId, wr.trafficMirrorServiceOpened ?? state.options.trafficMirrorServiceOpened);
  const at = `/regions/${regionId}`;
  const created = state.isoNow();
  for (const vpc of wr.vpcs ?? []) {
    r.vpcIds.add(vpc.vpcId);
    for (const vsw of vpc.vSwitches ?? []) r.vSwitches.set(vsw.vSwitchId, { vSwitchId: vsw.vSwitchId, vpcId: vpc.vpcId, zoneId: vsw.zoneId });
  }
  (wr.securityGroups ?? []).forEach((sg, i) => {
    if (!r.vpcIds.has(sg.vpcId)) problems.push(`${at}/securityGroups/${i}/vpcId: VPC "${sg.vpcId}" is not declared under vpcs`);
    r.securityGroups.set(sg.securityGroupId, {
      securityGroupId: sg.securityGroupId,
      securityGroupName: sg.securityGroupName ?? '',
      vpcId: sg.vpcId,
      ingress: (sg.ingress ?? []).map((rule) => ({ sourceCidrIp: '0.0.0.0/0', policy: 'accept', ...rule })),
    });
  });
  const vswitch = (id: string, path: string) => {
    const v = r.vSwitches.get(id);
    if (!v) problems.push(`${path}/vSwitchId: vSwitch "${id}" is not declared under vpcs`);
    return v ?? { vSwitchId: id, vpcId: '', zoneId: '' };
  };
  const groups = (ids: string[] | undefined, path: string) => {
    for (const id of ids ?? []) if (!r.securityGroups.has(id)) problems.push(`${path}/securityGroupIds: security group "${id}" is not declared`);
    return [...(ids ?? [])];
  };
  const addEni = (
    we: WorldAttachedEni | WorldFreeEni,
    path: string,
    rec: Omit<EniRec, 'networkInterfaceId' | 'name' | 'description' | 'privateIpAddress' | 'macAddress' | 'tags' | 'creationTime'>,
  ) => {
    if (r.enis.has(we.networkInterfaceId)) problems.push(`${path}: duplicate networkInterfaceId "${we.networkInterfaceId}"`);
    r.enis.set(we.networkInterfaceId, {
      ...rec,
      networkInterfaceId: we.networkInterfaceId,
      name: we.name ?? '',
      description: we.description ?? '',
      privateIpAddress: we.primaryIpAddress ?? ipFor(we.networkInterfaceId),
      macAddress: macFor(we.networkInterfaceId),
      tags: toTags(we.tags),
      creationTime: created,
    });
  };

  (wr.instances ?? []).forEach((wi, i) => {
    const path = `${at}/instances/${i}`;
    const vsw = vswitch(wi.vSwitchId, path);
    const instanceGroups = groups(wi.securityGroupIds, path);
    const eniIds: string[] = [];
    (wi.networkInterfaces ?? []).forEach((we, j) => {
      const type = we.type ?? (j === 0 ? 'Primary' : 'Secondary');
      addEni(we, `${path}/networkInterfaces/${j}`, {
        type,
        status: we.status ?? 'InUse',
        instanceId: wi.instanceId,
        vSwitchId: vsw.vSwitchId,
        vpcId: vsw.vpcId,
        zoneId: vsw.zoneId,
        securityGroupIds: we.securityGroupIds ? groups(we.securityGroupIds, `${path}/networkInterfaces/${j}`) : instanceGroups,
        serviceManaged: false,
        deleteOnRelease: we.deleteOnRelease ?? type === 'Primary',
      });
      eniIds.push(we.networkInterfaceId);
    });
    if (eniIds.filter((id) => r.enis.get(id)?.type === 'Primary').length !== 1) {
      problems.push(`${path}/networkInterfaces: an instance has exactly one Primary ENI`);
    }
    r.instances.set(wi.instanceId, {
      instanceId: wi.instanceId,
      instanceName: wi.instanceName ?? wi.instanceId,
      instanceType: wi.instanceType ?? 'ecs.g7.large',
      imageId: wi.imageId ?? 'aliyun_3_x64_20G_alibase_20240528.vhd',
      vSwitchId: vsw.vSwitchId,
      vpcId: vsw.vpcId,
      zoneId: vsw.zoneId,
      status: wi.status ?? 'Running',
      securityGroupIds: instanceGroups,
      tags: toTags(wi.tags),
      creationTime: created,
      eniIds,
    });
  });

  (wr.networkInterfaces ?? []).forEach((we, i) => {
    const path = `${at}/networkInterfaces/${i}`;
    const vsw = vswitch(we.vSwitchId, path);
    addEni(we, path, {
      type: 'Secondary',
      status: we.status ?? 'Available',
      vSwitchId: vsw.vSwitchId,
      vpcId: vsw.vpcId,
      zoneId: vsw.zoneId,
      securityGroupIds: groups(we.securityGroupIds, path),
      serviceManaged: we.serviceManaged ?? false,
      deleteOnRelease: we.deleteOnRelease ?? false,
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
      status: f.trafficMirrorFilterStatus ?? 'Created',
      resourceGroupId: f.resourceGroupId ?? '',
      rules: [...(f.ingressRules ?? []).map((x) => ruleRec(x, 'ingress')), ...(f.egressRules ?? []).map((x) => ruleRec(x, 'egress'))],
      tags: toTags(f.tags),
      creationTime: f.creationTime ?? created,
    });
  }
  const deleted = new Set(wr.deletedNetworkInterfaceIds ?? []);
  const knownEni = (id: string) => r.enis.has(id) || deleted.has(id);
  (wr.trafficMirrorSessions ?? []).forEach((s, i) => {
    const path = `${at}/trafficMirrorSessions/${i}`;
    for (const src of s.trafficMirrorSourceIds) {
      if (!knownEni(src)) problems.push(`${path}/trafficMirrorSourceIds: ENI "${src}" is not in this region (list deleted ones in deletedNetworkInterfaceIds)`);
    }
    const target = s.trafficMirrorTargetType === 'SLB' ? r.loadBalancers.has(s.trafficMirrorTargetId) : knownEni(s.trafficMirrorTargetId);
    if (!target) problems.push(`${path}/trafficMirrorTargetId: ${s.trafficMirrorTargetType} "${s.trafficMirrorTargetId}" is not in this region`);
    if (!r.filters.has(s.trafficMirrorFilterId)) problems.push(`${path}/trafficMirrorFilterId: filter "${s.trafficMirrorFilterId}" is not declared`);
    if (r.sessions.withPriority(s.priority).length > 0) problems.push(`${path}/priority: priority ${s.priority} is used twice`);
    r.sessions.add({
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
    });
  });
  (wr.scalingGroups ?? []).forEach((g, i) => {
    const path = `${at}/scalingGroups/${i}`;
    const vsw = vswitch(g.vSwitchId, path);
    if (r.scalingGroups.has(g.scalingGroupId)) problems.push(`${path}: duplicate scalingGroupId "${g.scalingGroupId}"`);
    for (const id of g.instanceIds ?? []) if (!r.instances.has(id)) problems.push(`${path}/instanceIds: instance "${id}" is not in this region`);
    r.scalingGroups.set(g.scalingGroupId, {
      scalingGroupId: g.scalingGroupId,
      scalingGroupName: g.scalingGroupName ?? g.scalingGroupId,
      vSwitchId: vsw.vSwitchId,
      instanceType: g.instanceType ?? 'ecs.g7.large',
      imageId: g.imageId ?? 'aliyun_3_x64_20G_alibase_20240528.vhd',
      securityGroupIds: groups(g.securityGroupIds, path),
      instanceTags: toTags(g.instanceTags),
      tags: toTags(g.tags),
      instances: new Map((g.instanceIds ?? []).map((id) => [id, 'InService'])),
      hooks: new IdMap(
        (g.lifecycleHooks ?? []).map((h) => [
          h.lifecycleHookId,
          {
            lifecycleHookId: h.lifecycleHookId,
            lifecycleHookName: h.lifecycleHookName ?? h.lifecycleHookId,
            lifecycleTransition: h.lifecycleTransition ?? 'SCALE_OUT',
            defaultResult: h.defaultResult ?? 'CONTINUE',
            heartbeatTimeout: h.heartbeatTimeout ?? 600,
            notificationArn: h.notificationArn ?? '',
            notificationMetadata: h.notificationMetadata ?? '',
          },
        ]),
      ),
      actions: new Map(),
      creationTime: created,
    });
  });
  resumeTransitions(state, r);
  return r;
}

/** Resources the world leaves mid-transition carry on from load time, as if their call had just been made. */
function resumeTransitions(state: CloudState, r: RegionState): void {
  for (const s of r.sessions.values()) if (s.status !== 'Created') transitionSession(state, r, s, s.status);
  for (const f of r.filters.values()) if (f.status !== 'Created') transitionFilter(state, r, f, f.status);
  for (const inst of r.instances.values()) boot(state, r, inst);
  for (const eni of r.enis.values()) settleEni(state, r, eni, eni.status);
}
