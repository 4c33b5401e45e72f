import { ApiError, missingParameter } from '../core/api-error.js';
import type { EniRec, InstanceRec, InstanceStatus, RegionState, VSwitchRec } from '../state.js';

export const instanceNotFound = (id: string) => new ApiError('InvalidInstanceId.NotFound', `The specified InstanceId "${id}" does not exist.`, 404);

export function requireInstance(r: RegionState, id: string | undefined): InstanceRec {
  if (!id) throw missingParameter('InstanceId');
  const inst = r.instances.get(id);
  if (!inst) throw instanceNotFound(id);
  return inst;
}

export function requireEni(r: RegionState, id: string | undefined): EniRec {
  if (!id) throw missingParameter('NetworkInterfaceId');
  const eni = r.enis.get(id);
  if (!eni) throw new ApiError('InvalidEniId.NotFound', `The specified NetworkInterfaceId "${id}" does not exist.`, 404);
  return eni;
}

export function requireVSwitch(r: RegionState, id: string | undefined, param = 'VSwitchId'): VSwitchRec {
  if (!id) throw missingParameter(param);
  const vsw = r.vSwitches.get(id);
  if (!vsw) throw new ApiError('InvalidVSwitchId.NotFound', `The specified ${param} "${id}" does not exist.`, 404);
  return vsw;
}

/** Attach and Detach need the instance Running or Stopped (documented). */
export function requireInstanceStatus(inst: InstanceRec, allowed: readonly InstanceStatus[]): void {
  if (!allowed.includes(inst.status)) {
    throw new ApiError('IncorrectInstanceStatus', `The current status of the instance (${inst.status}) does not support this operation.`, 403);
  }
}

export function requireEniStatus(eni: EniRec, allowed: readonly EniRec['status'][]): void {
  if (!allowed.includes(eni.status)) {
    throw new ApiError('InvalidOperation.InvalidEniState', `The network interface is ${eni.status}; this operation needs ${allowed.join(' or ')}.`, 400);
  }
}

/** `SecurityGroupId` or `SecurityGroupIds.N` (exactly one form), every group existing in the VPC. */
export function securityGroups(r: RegionState, single: string | undefined, many: string[], vpcId: string): string[] {
  if (single && many.length > 0) throw new ApiError('InvalidParameter', 'SecurityGroupId and SecurityGroupIds.N cannot be set together.');
  const ids = single ? [single] : many;
  if (ids.length === 0) throw missingParameter('SecurityGroupId');
  for (const id of ids) {
    const sg = r.securityGroups.get(id);
    if (!sg) throw new ApiError('InvalidSecurityGroupId.NotFound', `The specified SecurityGroupId "${id}" does not exist.`, 404);
    if (sg.vpcId !== vpcId) throw new ApiError('InvalidSecurityGroupId.VpcMismatch', `The security group "${id}" is not in VPC ${vpcId}.`);
  }
  return ids;
}
