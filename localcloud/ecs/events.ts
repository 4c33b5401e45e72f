import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '../events/cloud-event.js';
import { userIdentity } from '../events/user-identity.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, InstanceStatus } from '../state.js';

/** What ECS emits to the default event bus (EventBridge "Event overview" and "ECS events"). All ECS event construction lives here. */

export type InstanceEventState = InstanceStatus | 'Deleted';

/** Resources an ActionTrail record references, by ActionTrail resource type. */
export interface Referenced {
  instances?: string[];
  enis?: string[];
}

function envelope(state: CloudState, regionId: string, type: string, resource: string, data: unknown): CloudEvent {
  const now = new Date(state.now()).toISOString();
  return {
    id: randomUUID(),
    source: 'acs.ecs',
    specversion: '1.0',
    type,
    subject: `acs.ecs:${regionId}:${state.accountId}:${resource}`,
    time: now,
    datacontenttype: 'application/json;charset=utf-8',
    data,
    aliyunaccountid: state.accountId,
    aliyunregionid: regionId,
    aliyuneventbusname: 'default',
    aliyunpublishtime: now,
  };
}

/** ecs:Instance:StateChange; the field placement (data or data.content) is the world's `stateChangeShape`. */
export function publishStateChange(state: CloudState, regionId: string, instanceId: string, s: InstanceEventState): void {
  const fields = { resourceId: instanceId, resourceType: 'ALIYUN::ECS::Instance', state: s };
  const data = state.options.stateChangeShape === 'content' ? { content: fields } : fields;
  state.events.publish(envelope(state, regionId, 'ecs:Instance:StateChange', `instance/${instanceId}`, data));
}

/** ecs:ActionTrail:ApiCall for a successful write; EventBridge only delivers write events. */
export function publishApiCall(state: CloudState, regionId: string, ctx: PopContext, referenced: Referenced): void {
  const instances = referenced.instances ?? [];
  const enis = referenced.enis ?? [];
  const resource = instances.length > 0 ? `instance/${instances[0]}` : `eni/${enis[0] ?? ''}`;
  const data = {
    eventId: randomUUID(),
    eventVersion: 1,
    eventType: 'ApiCall',
    eventRW: 'Write',
    eventName: ctx.action,
    eventSource: 'ecs.aliyuncs.com',
    serviceName: 'Ecs',
    apiVersion: ctx.version,
    acsRegion: regionId,
    eventTime: state.isoNow(),
    requestId: ctx.requestId,
    isGlobal: false,
    sourceIpAddress: '127.0.0.1',
    requestParameters: ctx.params.toObject(),
    referencedResources: {
      ...(instances.length > 0 ? { 'ACS::ECS::Instance': instances } : {}),
      ...(enis.length > 0 ? { 'ACS::ECS::NetworkInterface': enis } : {}),
    },
    userIdentity: userIdentity(state, ctx),
  };
  state.events.publish(envelope(state, regionId, 'ecs:ActionTrail:ApiCall', resource, data));
}
