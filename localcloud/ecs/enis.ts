import { ipFor, macFor } from '../core/addresses.js';
import { ApiError } from '../core/api-error.js';
import { newId } from '../core/ids.js';
import { checkTags } from '../core/tags.js';
import { idempotentOperation } from '../pop/idempotency.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, EniRec, RegionState, VSwitchRec } from '../state.js';
import { requireEni, requireEniStatus, requireInstance, requireInstanceStatus, requireVSwitch, securityGroups } from './checks.js';
import { eniView } from './describe.js';
import { publishApiCall } from './events.js';
import { settleEni } from './lifecycle.js';

export interface EniSpec {
  vsw: VSwitchRec;
  type: EniRec['type'];
  securityGroupIds: string[];
  ip?: string;
  name?: string;
  description?: string;
  deleteOnRelease: boolean;
  tags: Array<[string, string]>;
}

/** A new, unattached ENI record (Available). */
export function makeEni(state: CloudState, spec: EniSpec): EniRec {
  const id = newId('eni');
  return {
    networkInterfaceId: id,
    name: spec.name ?? '',
    description: spec.description ?? '',
    type: spec.type,
    status: 'Available',
    vSwitchId: spec.vsw.vSwitchId,
    vpcId: spec.vsw.vpcId,
    zoneId: spec.vsw.zoneId,
    privateIpAddress: spec.ip ?? ipFor(id),
    macAddress: macFor(id),
    securityGroupIds: spec.securityGroupIds,
    serviceManaged: false,
    deleteOnRelease: spec.deleteOnRelease,
    tags: new Map(spec.tags),
    creationTime: state.isoNow(),
  };
}

/** A successful ECS ENI write: publish its ActionTrail record, answer `{}`. */
function eniWrite(state: CloudState, run: (ctx: PopContext, r: RegionState) => { instances?: string[]; enis: string[] }) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    publishApiCall(state, r.regionId, ctx, run(ctx, r));
    return {};
  };
}

/** CreateNetworkInterface is synchronous: the ENI is Available at once. */
export const createNetworkInterface = (state: CloudState) =>
  idempotentOperation(state, (ctx, r) => {
    const p = ctx.params;
    const vsw = requireVSwitch(r, p.str('VSwitchId'));
    if (p.oneOf('InstanceType', ['Secondary', 'Trunk'] as const) === 'Trunk') {
      throw new ApiError('InvalidParameter.NotSupported', 'Trunk network interfaces are not available in localcloud.');
    }
    const eni = makeEni(state, {
      vsw,
      type: 'Secondary',
      securityGroupIds: securityGroups(r, p.str('SecurityGroupId'), p.list('SecurityGroupIds'), vsw.vpcId),
      ip: p.str('PrimaryIpAddress'),
      name: p.text('NetworkInterfaceName', 2, 128, 'InvalidNetworkInterfaceName.Malformed'),
      description: p.text('Description', 2, 256, 'InvalidDescription.Malformed'),
      deleteOnRelease: p.bool('DeleteOnRelease') ?? false,
      tags: checkTags(p.objects('Tag')),
    });
    r.enis.set(eni.networkInterfaceId, eni);
    publishApiCall(state, r.regionId, ctx, { enis: [eni.networkInterfaceId] });
    return eniView(r, eni);
  });

/** The ENI must be Available and in the instance's zone and VPC; the instance Running or Stopped. */
export const attachNetworkInterface = (state: CloudState) =>
  eniWrite(state, (ctx, r) => {
    const eni = requireEni(r, ctx.params.str('NetworkInterfaceId'));
    const inst = requireInstance(r, ctx.params.str('InstanceId'));
    requireEniStatus(eni, ['Available']);
    requireInstanceStatus(inst, ['Running', 'Stopped']);
    if (eni.zoneId !== inst.zoneId) throw new ApiError('InvalidOperation.ZoneMismatch', 'The network interface and the instance are in different zones.');
    if (eni.vpcId !== inst.vpcId) throw new ApiError('InvalidOperation.VpcMismatch', 'The network interface and the instance are in different VPCs.');
    eni.instanceId = inst.instanceId;
    inst.eniIds.push(eni.networkInterfaceId);
    settleEni(state, r, eni, 'Attaching');
    return { instances: [inst.instanceId], enis: [eni.networkInterfaceId] };
  });

/** A secondary ENI that is InUse (or already Detaching) on that instance; the primary ENI never detaches. */
export const detachNetworkInterface = (state: CloudState) =>
  eniWrite(state, (ctx, r) => {
    const eni = requireEni(r, ctx.params.str('NetworkInterfaceId'));
    const inst = requireInstance(r, ctx.params.str('InstanceId'));
    if (eni.instanceId !== inst.instanceId) {
      throw new ApiError('InvalidOperation.EniNotAttached', `The network interface is not attached to instance ${inst.instanceId}.`);
    }
    if (eni.type === 'Primary') throw new ApiError('InvalidOperation.DetachPrimaryEniNotAllowed', 'The primary network interface of an instance cannot be detached.');
    requireEniStatus(eni, ['InUse', 'Detaching']);
    requireInstanceStatus(inst, ['Running', 'Stopped']);
    if (eni.status === 'InUse') settleEni(state, r, eni, 'Detaching');
    return { instances: [inst.instanceId], enis: [eni.networkInterfaceId] };
  });

/** Only an Available ENI is deleted (asynchronously: Deleting → gone); a repeated delete while Deleting is accepted. */
export const deleteNetworkInterface = (state: CloudState) =>
  eniWrite(state, (ctx, r) => {
    const eni = requireEni(r, ctx.params.str('NetworkInterfaceId'));
    requireEniStatus(eni, ['Available', 'Deleting']);
    if (eni.status === 'Available') settleEni(state, r, eni, 'Deleting');
    return { enis: [eni.networkInterfaceId] };
  });
