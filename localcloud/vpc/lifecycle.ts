import type { CloudState, FilterRec, RegionState, SessionRec, TransitionalStatus } from '../state.js';

type Transitional = { status: TransitionalStatus };

/** Creating/Modifying → Created and Deleting → gone, after the world's async delay. */
function transition(state: CloudState, rec: Transitional, status: Exclude<TransitionalStatus, 'Created'>, remove: () => void, from?: number): void {
  rec.status = status;
  state.later(() => {
    if (rec.status !== status) return;
    if (status === 'Deleting') remove();
    else rec.status = 'Created';
  }, from);
}

export function transitionSession(state: CloudState, r: RegionState, s: SessionRec, status: Exclude<TransitionalStatus, 'Created'>, from?: number): void {
  transition(state, s, status, () => r.sessions.delete(s), from);
}

export function transitionFilter(state: CloudState, r: RegionState, f: FilterRec, status: Exclude<TransitionalStatus, 'Created'>, from?: number): void {
  transition(state, f, status, () => r.filters.delete(f.trafficMirrorFilterId), from);
}
