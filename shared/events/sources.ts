import { actionTrailCall } from './actiontrail.js';
import { deferredMessage, parseBody } from './deferred.js';
import { eniOperationCompleted } from './eni-operation.js';
import { isObj, own } from './ids.js';
import { instanceStateChange } from './instance-state.js';
import { isLifecycleBody, lifecycleMessage } from './lifecycle.js';
import { mirrorSessionCall } from './mirror-session-call.js';
import type { Verdict } from './verdict.js';

/** The CloudEvents `source` of ECS's events on the default bus: the one ECS trigger `automirror setup` creates. */
export const ECS_SOURCE = 'acs.ecs';
/**
 * The CloudEvents `source` of VPC's events on the default bus (`acs.<product>`, as for ECS: EventBridge "Event
 * overview", https://www.alibabacloud.com/help/en/eventbridge/latest/event-overview): the VPC trigger's.
 */
export const VPC_SOURCE = 'acs.vpc';
/** CloudMonitor's own event-notification form has no envelope: its types are registered as `cms:<name>`. */
export const CMS_PREFIX = 'cms:';

/** One kind of event on-event understands: the envelope it comes in and the parser that reads its data. */
export interface EventSource {
  /** The CloudEvents `type` (or `cms:<name>` for CloudMonitor's form), the registry's key. */
  readonly type: string;
  /**
   * The CloudEvents `source` it must come from; absent when the source names the trigger rather than the
   * product (an MNS queue trigger's events come from `MNS-<function>-<trigger>`).
   */
  readonly source?: string;
  /** `data` (CloudEvents) or `content` (CloudMonitor) → what the event amounts to. */
  readonly parse: (data: unknown, label: string) => Verdict;
}

/**
 * Event sources by type. A Map, not a plain object: a `type` is untrusted text, and `__proto__` or
 * `hasOwnProperty` must find nothing rather than a property of Object.prototype.
 */
const REGISTRY = new Map<string, EventSource>();

/** Adds an event source; a type registered twice is a programming error. */
export function registerEventSource(s: EventSource): void {
  if (REGISTRY.has(s.type)) throw new Error(`event type ${s.type} is already registered`);
  REGISTRY.set(s.type, s);
}

/** The registered source for an event's type, when it also comes from the registered source. */
export function eventSourceFor(type: string, source: string | undefined): EventSource | undefined {
  const s = REGISTRY.get(type);
  return s && (s.source === undefined || s.source === source) ? s : undefined;
}

/** The registered types that come from `source` (the ECS and VPC triggers' filter patterns list them). */
export const eventTypesFrom = (source: string): string[] => [...REGISTRY.values()].filter((s) => s.source === source).map((s) => s.type);

// ECS, through the default bus (EventBridge).
registerEventSource({ type: 'ecs:Instance:StateChange', source: ECS_SOURCE, parse: instanceStateChange });
registerEventSource({ type: 'ecs:ActionTrail:ApiCall', source: ECS_SOURCE, parse: actionTrailCall });
registerEventSource({ type: 'ecs:ActionTrail:ConsoleOperation', source: ECS_SOURCE, parse: actionTrailCall });
registerEventSource({ type: 'ecs:NetworkInterface:NetworkInterfaceOperateCompleted', source: ECS_SOURCE, parse: eniOperationCompleted });
// VPC, through the default bus: traffic mirror sessions someone wrote (https://www.alibabacloud.com/help/en/eventbridge/user-guide/vpc-events).
registerEventSource({ type: 'vpc:ActionTrail:ApiCall', source: VPC_SOURCE, parse: mirrorSessionCall });
registerEventSource({ type: 'vpc:ActionTrail:ConsoleOperation', source: VPC_SOURCE, parse: mirrorSessionCall });
/**
 * What an MNS queue trigger's message may hold, told apart by its body: deferred work (the deferral queue), or an
 * Auto Scaling lifecycle notification (the lifecycle queue) and our requeue of one. The first that claims it reads it.
 */
const QUEUE_BODIES: ReadonlyArray<{ claims: (parsed: unknown) => boolean; parse: (raw: unknown, parsed: unknown, label: string) => Verdict }> = [
  { claims: isLifecycleBody, parse: (_raw, parsed, label) => lifecycleMessage(parsed, label) },
  { claims: () => true, parse: (raw, _parsed, label) => deferredMessage(raw, label) },
];

function queueMessage(messageBody: unknown, label: string): Verdict {
  const parsed = typeof messageBody === 'string' ? parseBody(messageBody) : messageBody;
  return (QUEUE_BODIES.find((b) => b.claims(parsed)) as (typeof QUEUE_BODIES)[number]).parse(messageBody, parsed, label);
}

// Deferred work and lifecycle notifications, through the MNS queue triggers.
registerEventSource({
  type: 'mns:Queue:SendMessage',
  parse: (data, label) => queueMessage(own(data, 'messageBody'), label),
});
// CloudMonitor's event-notification form (ECS system events delivered without an envelope).
registerEventSource({ type: `${CMS_PREFIX}Instance:StateChange`, parse: instanceStateChange });

/** The sources `automirror setup` routes through its events queue (a default-bus rule per source, target the queue). */
const ROUTED_SOURCES: ReadonlySet<unknown> = new Set([ECS_SOURCE, VPC_SOURCE]);

/**
 * The service event an events-queue message carries, else the item as it is. The rule's MNS target writes the
 * whole event as the message body; the queue trigger wraps that body in its own `mns:Queue:SendMessage` event, so
 * the original's (source, id) is what dedupes EventBridge's repeats within a batch.
 */
export function routedEvent(item: unknown): unknown {
  if (!isObj(item) || own(item, 'type') !== 'mns:Queue:SendMessage') return item;
  const body = own(own(item, 'data'), 'messageBody');
  const inner = typeof body === 'string' ? parseBody(body) : undefined;
  return isObj(inner) && ROUTED_SOURCES.has(own(inner, 'source')) ? inner : item;
}
