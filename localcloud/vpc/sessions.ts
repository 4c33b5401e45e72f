import { ApiError, missingParameter } from '../core/api-error.js';
import { compareIds } from '../core/id-map.js';
import { newId } from '../core/ids.js';
import { pageByToken } from '../core/paging.js';
import { checkTags, matchesTags, vpcTags } from '../core/tags.js';
import { where } from '../core/where.js';
import { dryRunPassed } from '../pop/idempotency.js';
import type { Params } from '../pop/params.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, SessionRec } from '../state.js';
import { recordedOperation } from './events.js';
import { transitionSession } from './lifecycle.js';
import { LIMITS } from './limits.js';
import { checkFilter, checkPriorityFree, checkSources, checkSourcesPerSession, checkTarget, requireCreated, requireServiceOpened, requireSession } from './rules.js';

const VNI_MAX = 16_777_215;

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

/** The attributes Create and Update share, with their documented bounds. */
function attributes(p: Params) {
  return {
    priority: p.int('Priority', { min: 1, max: 32766 }),
    virtualNetworkId: p.int('VirtualNetworkId', { min: 0, max: VNI_MAX }),
    packetLength: p.int('PacketLength', { min: 64, max: 8500 }),
    enabled: p.bool('Enabled'),
    name: p.text('TrafficMirrorSessionName', 1, 128, 'IllegalParam.TrafficMirrorSessionName'),
    description: p.text('TrafficMirrorSessionDescription', 1, 256, 'IllegalParam.TrafficMirrorSessionDescription'),
  };
}

export const createTrafficMirrorSession = (state: CloudState) =>
  recordedOperation(state, 'TrafficMirrorSession', (ctx, r) => {
    const p = ctx.params;
    requireServiceOpened(r);
    const sources = p.list('TrafficMirrorSourceIds');
    if (sources.length === 0) throw missingParameter('TrafficMirrorSourceIds.N');
    const targetId = p.required('TrafficMirrorTargetId');
    const targetType = p.required('TrafficMirrorTargetType');
    const filterId = p.required('TrafficMirrorFilterId');
    const a = attributes(p);
    if (a.priority === undefined) throw missingParameter('Priority');
    const tags = checkTags(p.objects('Tag'));
    checkFilter(r, filterId);
    checkSourcesPerSession(state, sources.length);
    checkTarget(state, r, targetType, targetId, sources.length);
    checkSources(r, sources, targetId);
    checkPriorityFree(r, a.priority);
    if (r.sessions.size >= LIMITS.sessionsPerRegion) {
      throw new ApiError('QuotaExceeded.TrafficMirrorSession', `A region holds at most ${LIMITS.sessionsPerRegion} traffic mirror sessions.`);
    }
    dryRunPassed(ctx);
    const s: SessionRec = {
      trafficMirrorSessionId: newId('tms'),
      trafficMirrorSessionName: a.name ?? '',
      trafficMirrorSessionDescription: a.description ?? '',
      status: 'Creating',
      businessStatus: 'Normal',
      enabled: a.enabled ?? false,
      priority: a.priority,
      virtualNetworkId: a.virtualNetworkId ?? state.rng.int(0, VNI_MAX + 1),
      packetLength: a.packetLength ?? 1500,
      trafficMirrorFilterId: filterId,
      trafficMirrorSourceIds: sources,
      trafficMirrorTargetId: targetId,
      trafficMirrorTargetType: targetType as SessionRec['trafficMirrorTargetType'],
      resourceGroupId: p.str('ResourceGroupId') ?? '',
      tags: new Map(tags),
      creationTime: state.isoNow(),
    };
    r.sessions.add(s);
    transitionSession(state, r, s, 'Creating');
    return { TrafficMirrorSessionId: s.trafficMirrorSessionId, ResourceGroupId: s.resourceGroupId };
  });

export const updateTrafficMirrorSessionAttribute = (state: CloudState) =>
  recordedOperation(state, 'TrafficMirrorSession', (ctx, r) => {
    const p = ctx.params;
    requireServiceOpened(r);
    const s = requireSession(r, p.str('TrafficMirrorSessionId'));
    const a = attributes(p);
    const targetId = p.str('TrafficMirrorTargetId') || s.trafficMirrorTargetId;
    const targetType = p.str('TrafficMirrorTargetType') || s.trafficMirrorTargetType;
    const filterId = p.str('TrafficMirrorFilterId') || s.trafficMirrorFilterId;
    requireCreated(s);
    if (filterId !== s.trafficMirrorFilterId) checkFilter(r, filterId);
    if (targetId !== s.trafficMirrorTargetId || targetType !== s.trafficMirrorTargetType) {
      checkTarget(state, r, targetType, targetId, s.trafficMirrorSourceIds.length, s);
      if (s.trafficMirrorSourceIds.includes(targetId)) {
        throw new ApiError('OperationDenied.SourceIsTarget', `The network interface "${targetId}" cannot be both source and target.`);
      }
    }
    if (a.priority !== undefined) checkPriorityFree(r, a.priority, s);
    dryRunPassed(ctx);
    r.sessions.update(s, { priority: a.priority ?? s.priority, trafficMirrorTargetId: targetId, trafficMirrorFilterId: filterId });
    s.trafficMirrorTargetType = targetType as SessionRec['trafficMirrorTargetType'];
    s.virtualNetworkId = a.virtualNetworkId ?? s.virtualNetworkId;
    s.packetLength = a.packetLength ?? s.packetLength;
    s.enabled = a.enabled ?? s.enabled;
    s.trafficMirrorSessionName = a.name ?? s.trafficMirrorSessionName;
    s.trafficMirrorSessionDescription = a.description ?? s.trafficMirrorSessionDescription;
    transitionSession(state, r, s, 'Modifying');
    return {};
  });

export const deleteTrafficMirrorSession = (state: CloudState) =>
  recordedOperation(state, 'TrafficMirrorSession', (ctx, r) => {
    requireServiceOpened(r);
    const s = requireSession(r, ctx.params.str('TrafficMirrorSessionId'));
    requireCreated(s);
    dryRunPassed(ctx);
    transitionSession(state, r, s, 'Deleting');
    return {};
  });

export function listTrafficMirrorSessions(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    const ids = new Set(p.list('TrafficMirrorSessionIds', LIMITS.idsPerList));
    const tagFilter = p.objects('Tags', LIMITS.tagsPerCall);
    const maxResults = p.int('MaxResults', { min: 1, max: 100 }) ?? 10;
    p.int('Priority', { min: 1, max: 32766 });
    p.int('VirtualNetworkId', { min: 0, max: VNI_MAX });
    p.bool('Enabled');
    const source = p.str('TrafficMirrorSourceId');
    // A source filter is answered from the by-source index (at most 3 sessions), not by scanning the region.
    const candidates = source ? r.sessions.withSource(source).sort((a, b) => compareIds(a.trafficMirrorSessionId, b.trafficMirrorSessionId)) : r.sessions.sorted();
    const pg = pageByToken(
      candidates,
      (s) => s.trafficMirrorSessionId,
      where<SessionRec>(
        ids.size > 0 && ((s) => ids.has(s.trafficMirrorSessionId)),
        ...p.equalities<SessionRec>({
          TrafficMirrorSessionName: (s) => s.trafficMirrorSessionName,
          TrafficMirrorTargetId: (s) => s.trafficMirrorTargetId,
          TrafficMirrorFilterId: (s) => s.trafficMirrorFilterId,
          VirtualNetworkId: (s) => s.virtualNetworkId,
          Priority: (s) => s.priority,
          Enabled: (s) => s.enabled,
          ResourceGroupId: (s) => s.resourceGroupId,
        }),
        tagFilter.length > 0 && ((s) => matchesTags(s.tags, tagFilter)),
      ),
      p.str('NextToken'),
      maxResults,
    );
    return { TotalCount: String(pg.total), NextToken: pg.nextToken, TrafficMirrorSessions: pg.items.map(sessionView) };
  };
}
