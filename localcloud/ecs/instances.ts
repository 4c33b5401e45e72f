import { ApiError, invalidParameter } from '../core/api-error.js';
import { newId } from '../core/ids.js';
import { checkTags } from '../core/tags.js';
import { dryRunPassed, idempotentOperation } from '../pop/idempotency.js';
import { nestedList, type Params } from '../pop/params.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, InstanceRec, RegionState, VSwitchRec } from '../state.js';
import { instanceNotFound, requireInstance, requireVSwitch, securityGroups } from './checks.js';
import { makeEni } from './enis.js';
import { publishApiCall, publishStateChange } from './events.js';
import { boot, detachNow, removeEni } from './lifecycle.js';

/** One `NetworkInterface.N` entry of RunInstances, validated. */
interface EniSpec {
  type: 'Primary' | 'Secondary';
  vsw: VSwitchRec;
  securityGroupIds: string[];
  ip?: string;
  name?: string;
  description?: string;
  deleteOnRelease: boolean;
}

function eniSpecs(r: RegionState, p: Params, vsw: VSwitchRec, instanceGroups: string[]): EniSpec[] {
  return p.objects('NetworkInterface').map((g, i) => {
    const type = g.InstanceType ?? 'Secondary';
    if (type !== 'Primary' && type !== 'Secondary') throw invalidParameter('NetworkInterface.N.InstanceType', `"${type}" is not Primary or Secondary`);
    if (type === 'Primary' && i !== 0) throw invalidParameter('NetworkInterface.N.InstanceType', 'only NetworkInterface.1 can be Primary');
    const eniVsw = g.VSwitchId ? requireVSwitch(r, g.VSwitchId, 'NetworkInterface.N.VSwitchId') : vsw;
    if (eniVsw.zoneId !== vsw.zoneId || eniVsw.vpcId !== vsw.vpcId) {
      throw new ApiError('InvalidVSwitchId.ZoneMismatch', 'An ENI must be in the zone and VPC of its instance.');
    }
    const many = nestedList(g, 'SecurityGroupIds');
    const groups = g.SecurityGroupId || many.length > 0 ? securityGroups(r, g.SecurityGroupId, many, vsw.vpcId) : instanceGroups;
    return {
      type,
      vsw: eniVsw,
      securityGroupIds: groups,
      ip: g.PrimaryIpAddress,
      name: g.NetworkInterfaceName,
      description: g.Description,
      deleteOnRelease: type === 'Primary' || g.DeleteOnRelease !== 'false',
    };
  });
}

/** RunInstances: Amount instances, each with a primary ENI (and any secondary ENIs asked for), booting from Pending. */
export const runInstances = (state: CloudState) =>
  idempotentOperation(state, (ctx, r) => {
    const p = ctx.params;
    p.required('ImageId');
    const instanceType = p.required('InstanceType');
    if (!/^ecs\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceType)) throw new ApiError('InvalidInstanceType.ValueNotSupported', `The instance type "${instanceType}" is not valid.`);
    const vsw = requireVSwitch(r, p.str('VSwitchId'));
    const zoneId = p.str('ZoneId');
    if (zoneId && zoneId !== vsw.zoneId) throw new ApiError('InvalidVSwitchId.ZoneMismatch', `The vSwitch "${vsw.vSwitchId}" is not in zone ${zoneId}.`);
    const amount = p.int('Amount', { min: 1, max: 100 }) ?? 1;
    p.int('MinAmount', { min: 1, max: 100 });
    const name = p.text('InstanceName', 2, 128, 'InvalidInstanceName.Malformed');
    p.text('Description', 2, 256, 'InvalidDescription.Malformed');
    const tags = checkTags(p.objects('Tag'));
    const groups = securityGroups(r, p.str('SecurityGroupId'), p.list('SecurityGroupIds'), vsw.vpcId);
    const specs = eniSpecs(r, p, vsw, groups);
    const primary: EniSpec = specs[0]?.type === 'Primary' ? specs[0] : { type: 'Primary', vsw, securityGroupIds: groups, ip: p.str('PrivateIpAddress'), deleteOnRelease: true };
    const secondaries = specs.filter((s) => s.type === 'Secondary');
    dryRunPassed(ctx);

    const instanceIds: string[] = [];
    const eniIds: string[] = [];
    for (let n = 1; n <= amount; n++) {
      const instanceId = newId('i');
      const suffix = amount > 1 && p.bool('UniqueSuffix') ? String(n).padStart(3, '0') : '';
      const inst: InstanceRec = {
        instanceId,
        instanceName: name ? name + suffix : instanceId,
        instanceType,
        imageId: p.str('ImageId') ?? '',
        vSwitchId: vsw.vSwitchId,
        vpcId: vsw.vpcId,
        zoneId: vsw.zoneId,
        status: 'Pending',
        securityGroupIds: groups,
        tags: new Map(tags),
        creationTime: state.isoNow(),
        eniIds: [],
      };
      for (const spec of [primary, ...secondaries]) {
        const eni = makeEni(state, {
          vsw: spec.vsw,
          type: spec.type,
          securityGroupIds: spec.securityGroupIds,
          ip: amount === 1 ? spec.ip : undefined,
          name: spec.name,
          description: spec.description,
          deleteOnRelease: spec.deleteOnRelease,
          // The documented Tag.N applies to the instance, its disks and its primary ENI.
          tags: spec.type === 'Primary' ? tags : [],
        });
        eni.instanceId = instanceId;
        eni.status = 'InUse';
        r.enis.set(eni.networkInterfaceId, eni);
        inst.eniIds.push(eni.networkInterfaceId);
        eniIds.push(eni.networkInterfaceId);
      }
      r.instances.set(instanceId, inst);
      instanceIds.push(instanceId);
    }
    publishApiCall(state, r.regionId, ctx, { instances: instanceIds, enis: eniIds });
    for (const id of instanceIds) {
      const inst = r.instances.get(id) as InstanceRec;
      publishStateChange(state, r.regionId, id, 'Pending');
      boot(state, r, inst);
    }
    return { InstanceIdSets: { InstanceIdSet: instanceIds } };
  });

/**
 * DeleteInstance: a Stopped instance, or any instance with Force=true, is released at once with its primary ENI and
 * the secondary ENIs marked DeleteOnRelease; other attached ENIs are detached and left Available.
 */
export function deleteInstance(state: CloudState) {
  return (ctx: PopContext) => {
    // DeleteInstance carries no RegionId: the instance id alone names it.
    const id = ctx.params.required('InstanceId');
    const regionId = ctx.params.str('RegionId');
    const r = regionId ? state.region(regionId) : state.regionWhere((x) => x.instances.has(id));
    if (!r) throw instanceNotFound(id);
    const inst = requireInstance(r, id);
    if (inst.status !== 'Stopped' && !ctx.params.bool('Force')) {
      throw new ApiError('IncorrectInstanceStatus', `The instance is ${inst.status}; release a running instance with Force=true.`, 403);
    }
    dryRunPassed(ctx);
    const released: string[] = [];
    for (const id of [...inst.eniIds]) {
      const eni = r.enis.get(id);
      if (!eni) continue;
      if (eni.deleteOnRelease) {
        removeEni(state, r, eni);
        released.push(id);
      } else {
        detachNow(r, eni);
      }
    }
    r.instances.delete(inst.instanceId);
    publishApiCall(state, r.regionId, ctx, { instances: [inst.instanceId], enis: released });
    publishStateChange(state, r.regionId, inst.instanceId, 'Deleted');
    return {};
  };
}
