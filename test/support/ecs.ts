import * as $Ecs from '@alicloud/ecs20140526';
import type { CloudEvent } from '../../localcloud/events/cloud-event.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { REGION } from './conformance.js';
import type { ecsClient } from './localcloud.js';

/** ECS helpers for the localcloud conformance tests. */

type Ecs = ReturnType<typeof ecsClient>;

export function runRequest(fields: ConstructorParameters<typeof $Ecs.RunInstancesRequest>[0] = {}) {
  return new $Ecs.RunInstancesRequest({ regionId: REGION, imageId: 'aliyun_3_x64', instanceType: 'ecs.g7.large', vSwitchId: 'vsw-prod-h', securityGroupId: 'sg-prod01', ...fields });
}

export async function runInstance(ecs: Ecs, fields: ConstructorParameters<typeof $Ecs.RunInstancesRequest>[0] = {}): Promise<string> {
  return (await ecs.runInstances(runRequest(fields))).body?.instanceIdSets?.instanceIdSet?.[0] as string;
}

export async function describeEnis(ecs: Ecs, fields: ConstructorParameters<typeof $Ecs.DescribeNetworkInterfacesRequest>[0] = {}) {
  return (await ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, ...fields }))).body as $Ecs.DescribeNetworkInterfacesResponseBody;
}

export async function eni(ecs: Ecs, id: string) {
  return (await describeEnis(ecs, { networkInterfaceId: [id] })).networkInterfaceSets?.networkInterfaceSet?.[0];
}

export async function describeInstances(ecs: Ecs, fields: ConstructorParameters<typeof $Ecs.DescribeInstancesRequest>[0] = {}) {
  return (await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, ...fields }))).body as $Ecs.DescribeInstancesResponseBody;
}

export async function instance(ecs: Ecs, id: string) {
  return (await describeInstances(ecs, { instanceIds: JSON.stringify([id]) })).instances?.instance?.[0];
}

export async function createEni(ecs: Ecs, fields: ConstructorParameters<typeof $Ecs.CreateNetworkInterfaceRequest>[0] = {}): Promise<string> {
  const r = await ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: REGION, vSwitchId: 'vsw-prod-h', securityGroupId: 'sg-prod01', ...fields }));
  return r.body?.networkInterfaceId as string;
}

/** Every event the cloud publishes from now on. */
export function recordEvents(cloud: LocalCloud): CloudEvent[] {
  const seen: CloudEvent[] = [];
  cloud.state.events.subscribe((e) => seen.push(e));
  return seen;
}

export const apiCalls = (events: CloudEvent[], name?: string) =>
  events.filter((e) => e.type === 'ecs:ActionTrail:ApiCall' && (name === undefined || (e.data as { eventName: string }).eventName === name));

export const stateChanges = (events: CloudEvent[], instanceId: string) =>
  events.filter((e) => e.type === 'ecs:Instance:StateChange' && (e.data as { resourceId: string }).resourceId === instanceId).map((e) => (e.data as { state: string }).state);
