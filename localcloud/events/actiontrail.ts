import { randomUUID } from 'node:crypto';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import type { CloudEvent } from './cloud-event.js';

/**
 * What a cloud service puts on the default event bus, shared by the products localcloud serves: the CloudEvents
 * envelope (EventBridge "Event overview", https://www.alibabacloud.com/help/en/eventbridge/latest/event-overview)
 * and the ActionTrail record of a successful write (`<product>:ActionTrail:ApiCall`; fields as ActionTrail's
 * management event structure, https://www.alibabacloud.com/help/en/eventbridge/user-guide/actiontrail-events).
 */
export interface ServiceNames {
  /** The CloudEvents `source` and `subject` prefix: `acs.ecs`, `acs.vpc`. */
  readonly source: string;
  /** The event type prefix: `ecs`, `vpc`. */
  readonly prefix: string;
  /** ActionTrail's eventSource and serviceName: `ecs.aliyuncs.com`, `Ecs`. */
  readonly eventSource: string;
  readonly serviceName: string;
}

export function serviceEvent(state: CloudState, svc: ServiceNames, regionId: string, type: string, resource: string, data: unknown): CloudEvent {
  const now = new Date(state.now()).toISOString();
  return {
    id: randomUUID(),
    source: svc.source,
    specversion: '1.0',
    type,
    subject: `${svc.source}:${regionId}:${state.accountId}:${resource}`,
    time: now,
    datacontenttype: 'application/json;charset=utf-8',
    data,
    aliyunaccountid: state.accountId,
    aliyunregionid: regionId,
    aliyuneventbusname: 'default',
    aliyunpublishtime: now,
  };
}

/**
 * ActionTrail's userIdentity for the caller's key: the principal the world gives the key, else the account itself,
 * or an unnamed role for an STS key (event structure:
 * https://www.alibabacloud.com/help/en/actiontrail/user-guide/actiontrail-event-structure).
 */
function userIdentity(state: CloudState, ctx: PopContext): Record<string, string> {
  const p = ctx.principal ?? { type: 'root-account', userName: 'root' };
  return {
    type: p.type,
    accountId: state.accountId,
    principalId: p.principalId ?? state.accountId,
    ...(p.userName !== undefined && { userName: p.userName }),
    accessKeyId: ctx.accessKeyId,
  };
}

/**
 * `<prefix>:ActionTrail:ApiCall` for a successful write (EventBridge only delivers write events), naming the
 * caller by the AccessKey that signed the request (userIdentity above).
 */
export function publishApiCallRecord(
  state: CloudState,
  svc: ServiceNames,
  regionId: string,
  ctx: PopContext,
  resource: string,
  referencedResources: Record<string, string[]>,
  responseElements?: Record<string, unknown>,
): void {
  const data = {
    eventId: randomUUID(),
    eventVersion: 1,
    eventType: 'ApiCall',
    eventRW: 'Write',
    eventName: ctx.action,
    eventSource: svc.eventSource,
    serviceName: svc.serviceName,
    apiVersion: ctx.version,
    acsRegion: regionId,
    eventTime: state.isoNow(),
    requestId: ctx.requestId,
    isGlobal: false,
    sourceIpAddress: '127.0.0.1',
    requestParameters: ctx.params.toObject(),
    ...(responseElements ? { responseElements: { RequestId: ctx.requestId, ...responseElements } } : {}),
    referencedResources,
    userIdentity: userIdentity(state, ctx),
  };
  state.events.publish(serviceEvent(state, svc, regionId, `${svc.prefix}:ActionTrail:ApiCall`, resource, data));
}
