import { ApiError, missingParameter } from '../core/api-error.js';
import { dryRunPassed } from '../pop/idempotency.js';
import type { CloudState, RegionState, SessionRec } from '../state.js';
import { recordedOperation } from './events.js';
import { transitionSession } from './lifecycle.js';
import { LIMITS } from './limits.js';
import { checkSources, checkSourcesPerSession, checkTarget, requireCreated, requireServiceOpened, requireSession } from './rules.js';

/** The shared frame of Add and Remove: a settled session, a non-empty source list, DryRun, then Modifying. */
function changeSources(state: CloudState, max: number | undefined, apply: (r: RegionState, s: SessionRec, ids: string[]) => string[]) {
  return recordedOperation(state, 'TrafficMirrorSession', (ctx, r) => {
    requireServiceOpened(r);
    const s = requireSession(r, ctx.params.str('TrafficMirrorSessionId'));
    const ids = ctx.params.list('TrafficMirrorSourceIds', max);
    if (ids.length === 0) throw missingParameter('TrafficMirrorSourceIds.N');
    requireCreated(s);
    const next = apply(r, s, ids);
    dryRunPassed(ctx);
    r.sessions.update(s, { trafficMirrorSourceIds: next });
    transitionSession(state, r, s, 'Modifying');
    return {};
  });
}

export const addSourcesToTrafficMirrorSession = (state: CloudState) =>
  changeSources(state, undefined, (r, s, ids) => {
    const already = ids.find((id) => s.trafficMirrorSourceIds.includes(id));
    if (already) throw new ApiError('OperationDenied.SourceAlreadyInSession', `The network interface "${already}" is already a source of this session.`);
    checkSourcesPerSession(state, s.trafficMirrorSourceIds.length + ids.length);
    checkSources(r, ids, s.trafficMirrorTargetId);
    checkTarget(state, r, s.trafficMirrorTargetType, s.trafficMirrorTargetId, ids.length);
    return [...s.trafficMirrorSourceIds, ...ids];
  });

/** Removing needs no ENI to exist, so a source left dangling by a deleted ENI can be cleaned up. */
export const removeSourcesFromTrafficMirrorSession = (state: CloudState) =>
  changeSources(state, LIMITS.removeSourcesPerCall, (_r, s, ids) => {
    const missing = ids.find((id) => !s.trafficMirrorSourceIds.includes(id));
    if (missing) throw new ApiError('ResourceNotFound.TrafficMirrorSource', `The network interface "${missing}" is not a source of this session.`, 404);
    return s.trafficMirrorSourceIds.filter((id) => !ids.includes(id));
  });
