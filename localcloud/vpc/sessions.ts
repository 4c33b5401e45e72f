import { randomInt } from 'node:crypto';
import { ApiError, missingParameter } from '../core/api-error.js';
import { newId } from '../core/ids.js';
import { page } from '../core/paging.js';
import { checkTags, matchesTags, vpcTags } from '../core/tags.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, RegionState, SessionRec } from '../state.js';
import { dryRunPassed, idempotent } from './idempotency.js';

/** Documented limits (../shared/reference/alibaba-cloud-apis.md §3). */
export const LIMITS = {
  sessionsPerSourceEni: 3,
  sourcesPerSession: 10,
  sourcesPerSlbTarget: 500,
  sessionsPerRegion: 20_000,
} as const;

export function sessionView(s: SessionRec) {
  return {
    TrafficMirrorSessionId: s.trafficMirrorSessionId,
    TrafficMirrorSessionName: s.trafficMirrorSessionName,
    TrafficMirrorSessionDescription: s.trafficMirrorSessionDescription,
    TrafficMirrorSessionStatus: s.status,
    TrafficMirrorSessionBusinessStatus: s.businessStatus,
    Enabled: s.enabled,
    Priority: s.priority,
    VirtualNetworkId: s.virtualNetworkId,
    PacketLength: s.packetLength,
    TrafficMirrorFilterId: s.trafficMirrorFilterId,
    TrafficMirrorSourceIds: [...s.trafficMirrorSourceIds],
    TrafficMirrorTargetId: s.trafficMirrorTargetId,
    TrafficMirrorTargetType: s.trafficMirrorTargetType,
    ResourceGroupId: s.resourceGroupId,
    Tags: vpcTags(s.tags),
    CreationTime: s.creationTime,
  };
}

function checkText(ctx: PopContext, name: string, max: number): string | undefined {
  const v = ctx.params.str(name);
  if (v === undefined) return undefined;
  if (v.length < 1 || v.length > max || /^https?:\/\//i.test(v)) {
    throw new ApiError(`IllegalParam.${name}`, `${name} must be 1–${max} characters and must not start with http:// or https://.`);
  }
  return v;
}

export function requireSession(r: RegionState, id: string | undefined): SessionRec {
  if (!id) throw missingParameter('TrafficMirrorSessionId');
  const s = r.sessions.get(id);
  if (!s) throw new ApiError('ResourceNotFound.TrafficMirrorSession', `The specified traffic mirror session "${id}" does not exist.`, 404);
  return s;
}

/** Every write needs a settled session: the API forbids changes while Creating, Modifying or Deleting. */
export function requireCreated(s: SessionRec): void {
  if (s.status !== 'Created') {
    throw new ApiError('IncorrectStatus.TrafficMirrorSession', `The traffic mirror session is in status ${s.status}; only Created sessions can be changed.`, 400);
  }
}

export function requireServiceOpened(state: CloudState): void {
  if (!state.options.trafficMirrorServiceOpened) {
    throw new ApiError('OperationDenied.TrafficMirrorServiceNotOpened', 'The traffic mirror service is not opened; call OpenTrafficMirrorService first.', 400);
  }
}

export function checkPriorityFree(r: RegionState, priority: number, except?: string): void {
  for (const s of r.sessions.values()) {
    if (s.priority === priority && s.trafficMirrorSessionId !== except) {
      throw new ApiError('InvalidPriority.Conflict', `Priority ${priority} is already used by traffic mirror session ${s.trafficMirrorSessionId} in this region.`, 400);
    }
  }
}

/** Rules a target must meet: it exists, and an SLB target serves at most 500 sources across sessions. */
export function checkTarget(r: RegionState, type: string, targetId: string, addedSources: number, except?: string): void {
  if (type === 'SLB') {
    if (!r.loadBalancers.has(targetId)) throw new ApiError('ResourceNotFound.TrafficMirrorTarget', `The load balancer "${targetId}" does not exist.`, 404);
    let used = 0;
    for (const s of r.sessions.values()) {
      if (s.trafficMirrorTargetId === targetId && s.trafficMirrorSessionId !== except) used += s.trafficMirrorSourceIds.length;
    }
    if (used + addedSources > LIMITS.sourcesPerSlbTarget) {
      throw new ApiError('QuotaExceeded.SourcesPerTarget', `An internal CLB target accepts at most ${LIMITS.sourcesPerSlbTarget} sources.`, 400);
    }
  } else if (type === 'NetworkInterface') {
    if (!r.enis.has(targetId)) throw new ApiError('ResourceNotFound.TrafficMirrorTarget', `The network interface "${targetId}" does not exist.`, 404);
  } else {
    throw new ApiError('IllegalParam.TrafficMirrorTargetType', `TrafficMirrorTargetType must be NetworkInterface or SLB, not "${type}".`);
  }
}

/** Rules every new source must meet: an ENI of this region, not the target, not managed, in fewer than 3 sessions. */
export function checkSources(r: RegionState, sources: string[], targetId: string, except?: string): void {
  if (new Set(sources).size !== sources.length) throw new ApiError('InvalidParameter', 'TrafficMirrorSourceIds contains duplicates.');
  for (const src of sources) {
    const eni = r.enis.get(src);
    if (!eni) throw new ApiError('ResourceNotFound.TrafficMirrorSource', `The source "${src}" is not a network interface in ${r.regionId}.`, 404);
    if (eni.serviceManaged) throw new ApiError('OperationDenied.ServiceManagedEni', `The network interface "${src}" is managed by a cloud service.`);
    if (src === targetId) throw new ApiError('OperationDenied.SourceIsTarget', `The network interface "${src}" cannot be both source and target.`);
    let sessions = 0;
    for (const s of r.sessions.values()) {
      if (s.trafficMirrorSessionId !== except && s.trafficMirrorSourceIds.includes(src)) sessions++;
    }
    if (sessions >= LIMITS.sessionsPerSourceEni) {
      throw new ApiError('QuotaExceeded.SessionsPerSource', `The network interface "${src}" is already a source of ${LIMITS.sessionsPerSourceEni} sessions.`);
    }
  }
}

export function createTrafficMirrorSession(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    requireServiceOpened(state);
    const sources = p.list('TrafficMirrorSourceIds');
    if (sources.length === 0) throw missingParameter('TrafficMirrorSourceIds.N');
    if (sources.length > LIMITS.sourcesPerSession) {
      throw new ApiError('QuotaExceeded.SourcesPerSession', `A session accepts at most ${LIMITS.sourcesPerSession} sources.`);
    }
    const targetId = p.required('TrafficMirrorTargetId');
    const targetType = p.required('TrafficMirrorTargetType');
    const filterId = p.required('TrafficMirrorFilterId');
    if (!p.has('Priority')) throw missingParameter('Priority');
    const priority = p.int('Priority', { min: 1, max: 32766 }) as number;
    const vni = p.int('VirtualNetworkId', { min: 0, max: 16_777_215 });
    const packetLength = p.int('PacketLength', { min: 64, max: 8500 }) ?? 1500;
    const name = checkText(ctx, 'TrafficMirrorSessionName', 128);
    const description = checkText(ctx, 'TrafficMirrorSessionDescription', 256);
    const tags = checkTags(p.objects('Tag'));
    if (!r.filters.has(filterId)) throw new ApiError('ResourceNotFound.TrafficMirrorFilter', `The traffic mirror filter "${filterId}" does not exist.`, 404);
    checkTarget(r, targetType, targetId, sources.length);
    checkSources(r, sources, targetId);
    dryRunPassed(ctx);
    return idempotent(r, ctx, () => {
      checkPriorityFree(r, priority);
      if (r.sessions.size >= LIMITS.sessionsPerRegion) {
        throw new ApiError('QuotaExceeded.TrafficMirrorSession', `A region holds at most ${LIMITS.sessionsPerRegion} traffic mirror sessions.`);
      }
      const s: SessionRec = {
        trafficMirrorSessionId: newId('tms'),
        trafficMirrorSessionName: name ?? '',
        trafficMirrorSessionDescription: description ?? '',
        status: 'Creating',
        businessStatus: 'Normal',
        enabled: p.bool('Enabled') ?? false,
        priority,
        virtualNetworkId: vni ?? randomInt(0, 16_777_216),
        packetLength,
        trafficMirrorFilterId: filterId,
        trafficMirrorSourceIds: sources,
        trafficMirrorTargetId: targetId,
        trafficMirrorTargetType: targetType as SessionRec['trafficMirrorTargetType'],
        resourceGroupId: p.str('ResourceGroupId') ?? '',
        tags: new Map(tags),
        creationTime: state.isoNow(),
        settlesAt: 0,
      };
      state.transition(s, 'Creating');
      r.sessions.set(s.trafficMirrorSessionId, s);
      return { TrafficMirrorSessionId: s.trafficMirrorSessionId, ResourceGroupId: s.resourceGroupId };
    });
  };
}

export function deleteTrafficMirrorSession(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const s = requireSession(r, ctx.params.str('TrafficMirrorSessionId'));
    dryRunPassed(ctx);
    return idempotent(r, ctx, () => {
      requireCreated(s);
      state.transition(s, 'Deleting');
      return {};
    });
  };
}

export function listTrafficMirrorSessions(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    const ids = p.list('TrafficMirrorSessionIds', 100);
    const tagFilter = p.objects('Tags', 20);
    const maxResults = p.int('MaxResults', { min: 1, max: 100 }) ?? 10;
    const eq = (name: string, actual: string | number | boolean) => !p.has(name) || p.str(name) === String(actual);
    const matches = [...r.sessions.values()].filter(
      (s) =>
        (ids.length === 0 || ids.includes(s.trafficMirrorSessionId)) &&
        eq('TrafficMirrorSessionName', s.trafficMirrorSessionName) &&
        eq('TrafficMirrorTargetId', s.trafficMirrorTargetId) &&
        eq('TrafficMirrorFilterId', s.trafficMirrorFilterId) &&
        eq('VirtualNetworkId', s.virtualNetworkId) &&
        eq('Priority', s.priority) &&
        eq('Enabled', s.enabled) &&
        eq('ResourceGroupId', s.resourceGroupId) &&
        (!p.has('TrafficMirrorSourceId') || s.trafficMirrorSourceIds.includes(p.str('TrafficMirrorSourceId') as string)) &&
        matchesTags(s.tags, tagFilter),
    );
    const pg = page(matches, (s) => s.trafficMirrorSessionId, p.str('NextToken'), maxResults);
    return { TotalCount: String(matches.length), NextToken: pg.nextToken, TrafficMirrorSessions: pg.items.map(sessionView) };
  };
}
