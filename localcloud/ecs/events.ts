import { publishApiCallRecord, type ServiceNames, serviceEvent } from '../events/actiontrail.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, InstanceStatus } from '../state.js';

/** What ECS emits to the default event bus (EventBridge "Event overview" and "ECS events"). All ECS event construction lives here. */

export type InstanceEventState = InstanceStatus | 'Deleted';

/** Resources an ActionTrail record references, by ActionTrail resource type. */
export interface Referenced {
  instances?: string[];
  enis?: string[];
}

const ECS: ServiceNames = { source: 'acs.ecs', prefix: 'ecs', eventSource: 'ecs.aliyuncs.com', serviceName: 'Ecs' };

/** ecs:Instance:StateChange; the field placement (data or data.content) is the world's `stateChangeShape`. */
export function publishStateChange(state: CloudState, regionId: string, instanceId: string, s: InstanceEventState): void {
  const fields = { resourceId: instanceId, resourceType: 'ALIYUN::ECS::Instance', state: s };
  const data = state.options.stateChangeShape === 'content' ? { content: fields } : fields;
  state.events.publish(serviceEvent(state, ECS, regionId, 'ecs:Instance:StateChange', `instance/${instanceId}`, data));
}

/** ecs:ActionTrail:ApiCall for a successful write, referencing `ACS::ECS::Instance` / `ACS::ECS::NetworkInterface`. */
export function publishApiCall(state: CloudState, regionId: string, ctx: PopContext, referenced: Referenced): void {
  const instances = referenced.instances ?? [];
  const enis = referenced.enis ?? [];
  const resource = instances.length > 0 ? `instance/${instances[0]}` : `eni/${enis[0] ?? ''}`;
  publishApiCallRecord(state, ECS, regionId, ctx, resource, {
    ...(instances.length > 0 ? { 'ACS::ECS::Instance': instances } : {}),
    ...(enis.length > 0 ? { 'ACS::ECS::NetworkInterface': enis } : {}),
  });
}
