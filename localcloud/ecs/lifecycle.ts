import type { CloudState, EniRec, EniStatus, InstanceRec, InstanceStatus, RegionState } from '../state.js';
import { publishStateChange } from './events.js';

const BOOT: Partial<Record<InstanceStatus, InstanceStatus>> = { Pending: 'Starting', Starting: 'Running' };

/**
 * Pending → Starting → Running, one world delay per step, each step published as ecs:Instance:StateChange when it
 * happens (the scheduler's timer fires it even if nobody reads ECS). A deleted instance stops booting.
 */
export function boot(state: CloudState, r: RegionState, inst: InstanceRec, from?: number): void {
  const next = BOOT[inst.status];
  if (!next) return;
  const expected = inst.status;
  state.later((dueAt) => {
    if (r.instances.get(inst.instanceId) !== inst || inst.status !== expected) return;
    inst.status = next;
    publishStateChange(state, r.regionId, inst.instanceId, next);
    boot(state, r, inst, dueAt);
  }, from);
}

/** Removes an ENI; sessions that mirror it keep the id or drop it, as the world's `deletedSourceEni` says. */
export function removeEni(state: CloudState, r: RegionState, eni: EniRec): void {
  r.enis.delete(eni.networkInterfaceId);
  if (state.options.deletedSourceEni !== 'remove') return;
  for (const s of r.sessions.withSource(eni.networkInterfaceId)) {
    r.sessions.update(s, { trafficMirrorSourceIds: s.trafficMirrorSourceIds.filter((id) => id !== eni.networkInterfaceId) });
  }
}

/** Unlinks an ENI from its instance and leaves it Available. */
export function detachNow(r: RegionState, eni: EniRec): void {
  const inst = eni.instanceId ? r.instances.get(eni.instanceId) : undefined;
  if (inst) inst.eniIds = inst.eniIds.filter((id) => id !== eni.networkInterfaceId);
  eni.instanceId = undefined;
  eni.status = 'Available';
}

const SETTLE: Partial<Record<EniStatus, (state: CloudState, r: RegionState, eni: EniRec) => void>> = {
  Attaching: (_s, _r, eni) => (eni.status = 'InUse'),
  Detaching: (_s, r, eni) => detachNow(r, eni),
  Deleting: (state, r, eni) => removeEni(state, r, eni),
};

/** Attaching → InUse, Detaching → Available, Deleting → gone, after the world's delay. */
export function settleEni(state: CloudState, r: RegionState, eni: EniRec, status: EniStatus): void {
  const settle = SETTLE[status];
  eni.status = status;
  if (!settle) return;
  state.later(() => {
    if (r.enis.get(eni.networkInterfaceId) === eni && eni.status === status) settle(state, r, eni);
  });
}
