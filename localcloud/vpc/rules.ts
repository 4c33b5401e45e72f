import { ApiError, missingParameter } from '../core/api-error.js';
import type { CloudState, RegionState, SessionRec } from '../state.js';
import { LARGE_TARGET_TYPES, LIMITS } from './limits.js';

export function requireServiceOpened(r: RegionState): void {
  if (!r.trafficMirrorServiceOpened) {
    throw new ApiError('OperationDenied.TrafficMirrorServiceNotOpened', 'The traffic mirror service is not opened in this region; call OpenTrafficMirrorService first.', 400);
  }
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

/** Priorities are unique per account and region, counting sessions that are still being deleted. */
export function checkPriorityFree(r: RegionState, priority: number, except?: SessionRec): void {
  const holder = r.sessions.withPriority(priority).find((s) => s !== except);
  if (holder) {
    throw new ApiError('InvalidPriority.Conflict', `Priority ${priority} is already used by traffic mirror session ${holder.trafficMirrorSessionId} in this region.`, 400);
  }
}

/** The filter exists, has settled, and serves fewer than 2000 sessions. */
export function checkFilter(r: RegionState, filterId: string): void {
  const f = r.filters.get(filterId);
  if (!f) throw new ApiError('ResourceNotFound.TrafficMirrorFilter', `The traffic mirror filter "${filterId}" does not exist.`, 404);
  if (f.status !== 'Created') throw new ApiError('IncorrectStatus.TrafficMirrorFilter', `The traffic mirror filter is in status ${f.status}.`, 400);
  if (r.sessions.countWithFilter(filterId) >= LIMITS.sessionsPerFilter) {
    throw new ApiError('QuotaExceeded.SessionsPerFilter', `A traffic mirror filter serves at most ${LIMITS.sessionsPerFilter} sessions.`, 400);
  }
}

function sourcesPerTargetLimit(state: CloudState, r: RegionState, type: string, targetId: string): number {
  if (type === 'SLB') return LIMITS.sourcesPerSlbTarget;
  const instanceId = r.enis.get(targetId)?.instanceId;
  const instanceType = instanceId ? r.instances.get(instanceId)?.instanceType : undefined;
  return instanceType && LARGE_TARGET_TYPES.has(instanceType) ? state.options.quotas.sourcesPerLargeEniTarget : state.options.quotas.sourcesPerEniTarget;
}

/**
 * The target exists in this region, is not a managed ENI nor any session's source, and can take `added` more
 * sources: 500 per internal CLB, the ENI target quota (20, or 200 on large instance types) per ENI.
 */
export function checkTarget(state: CloudState, r: RegionState, type: string, targetId: string, added: number, except?: SessionRec): void {
  if (type === 'SLB') {
    if (!r.loadBalancers.has(targetId)) throw new ApiError('ResourceNotFound.TrafficMirrorTarget', `The load balancer "${targetId}" does not exist.`, 404);
  } else if (type === 'NetworkInterface') {
    const eni = r.enis.get(targetId);
    if (!eni) throw new ApiError('ResourceNotFound.TrafficMirrorTarget', `The network interface "${targetId}" does not exist.`, 404);
    if (eni.serviceManaged) throw new ApiError('OperationDenied.ServiceManagedEni', `The network interface "${targetId}" is managed by a cloud service.`);
    if (r.sessions.withSource(targetId).some((s) => s !== except)) {
      throw new ApiError('OperationDenied.SourceIsTarget', `The network interface "${targetId}" is a traffic mirror source and cannot be a target.`);
    }
  } else {
    throw new ApiError('IllegalParam.TrafficMirrorTargetType', `TrafficMirrorTargetType must be NetworkInterface or SLB, not "${type}".`);
  }
  const limit = sourcesPerTargetLimit(state, r, type, targetId);
  const used = r.sessions.withTarget(targetId).reduce((n, s) => (s === except ? n : n + s.trafficMirrorSourceIds.length), 0);
  if (used + added > limit) throw new ApiError('QuotaExceeded.SourcesPerTarget', `The target "${targetId}" accepts at most ${limit} sources.`, 400);
}

/** Sources are distinct ENIs of this region, not managed, not a target, and each in fewer than 3 sessions. */
export function checkSources(r: RegionState, sources: string[], targetId: string): void {
  if (new Set(sources).size !== sources.length) throw new ApiError('InvalidParameter', 'TrafficMirrorSourceIds contains duplicates.');
  for (const src of sources) {
    const eni = r.enis.get(src);
    if (!eni) throw new ApiError('ResourceNotFound.TrafficMirrorSource', `The source "${src}" is not a network interface in ${r.regionId}.`, 404);
    if (eni.serviceManaged) throw new ApiError('OperationDenied.ServiceManagedEni', `The network interface "${src}" is managed by a cloud service.`);
    if (src === targetId || r.sessions.withTarget(src).length > 0) {
      throw new ApiError('OperationDenied.SourceIsTarget', `The network interface "${src}" cannot be both source and target.`);
    }
    if (r.sessions.withSource(src).length >= LIMITS.sessionsPerSourceEni) {
      throw new ApiError('QuotaExceeded.SessionsPerSource', `The network interface "${src}" is already a source of ${LIMITS.sessionsPerSourceEni} sessions.`);
    }
  }
}

export function checkSourcesPerSession(state: CloudState, count: number): void {
  const quota = state.options.quotas.sourcesPerSession;
  if (count > quota) throw new ApiError('QuotaExceeded.SourcesPerSession', `A session accepts at most ${quota} sources.`);
}
