import type { Subject } from '../domain.js';
import { actionTrailCall } from './actiontrail.js';
import { deferredMessage } from './deferred.js';
import { eniOperationCompleted } from './eni-operation.js';
import { isObj, isRegionId, quote, str } from './ids.js';
import { instanceStateChange } from './instance-state.js';
import { bad, ignored, type Verdict } from './verdict.js';

/** FC's async invocation body limit is 128 KB (256 KB on request); anything larger is not from a trigger of ours. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_EVENTS_PER_BATCH = 1000;

export interface EventNote {
  readonly id?: string;
  readonly type?: string;
  readonly verdict: Verdict['kind'] | 'duplicate';
  readonly why: string;
}

export interface ParsedPayload {
  /** One subject per region, merging every event of the batch that concerns it. */
  readonly subjects: Subject[];
  /** What became of each event, in order: for the invocation's log line and result. */
  readonly events: EventNote[];
}

/** The acs.ecs event types on-event handles, by their CloudEvents `type`. */
export const CLOUD_EVENT_TYPES: Readonly<Record<string, (data: unknown, label: string) => Verdict>> = {
  'ecs:Instance:StateChange': instanceStateChange,
  'ecs:ActionTrail:ApiCall': actionTrailCall,
  'ecs:ActionTrail:ConsoleOperation': actionTrailCall,
  'ecs:NetworkInterface:NetworkInterfaceOperateCompleted': eniOperationCompleted,
};

function classify(e: Record<string, unknown>): { key?: string; id?: string; type?: string; region?: unknown; verdict: Verdict } {
  const id = str(e.id);
  const source = str(e.source);
  const type = str(e.type);
  if (source && type) {
    const label = `event ${quote(id ?? '?', 64)} (${quote(type, 64)})`;
    if (!id) return { type, verdict: bad(`${label} has no id`) };
    const key = `${source}\u0000${id}`;
    const region = e.aliyunregionid;
    if (type === 'mns:Queue:SendMessage') {
      return { key, id, type, region, verdict: deferredMessage(isObj(e.data) ? e.data.messageBody : undefined, label) };
    }
    const handler = CLOUD_EVENT_TYPES[type];
    if (source !== 'acs.ecs' || !handler) return { key, id, type, region, verdict: ignored(`${quote(source, 40)} ${quote(type, 64)} is not an event automirror handles`) };
    return { key, id, type, region, verdict: handler(e.data, label) };
  }
  // CloudMonitor's own event-notification form (ECS docs, event notifications overview: help.aliyun.com/en/ecs/user-guide/overview-35): product/name/content, no envelope.
  if (e.product === 'ECS' && typeof e.name === 'string') {
    const label = `CloudMonitor event ${quote(id ?? '?', 64)} (${quote(e.name, 64)})`;
    if (!id) return { verdict: bad(`${label} has no id`) };
    const verdict = e.name === 'Instance:StateChange' ? instanceStateChange(e.content, label) : ignored(`CloudMonitor ${quote(e.name, 64)} is not an event automirror handles`);
    return { key: `cms\u0000${id}`, id, type: `cms:${e.name}`, region: e.regionId, verdict };
  }
  return { id, verdict: bad(`not a CloudEvent or CloudMonitor event (keys: ${quote(Object.keys(e).join(','))})`) };
}

/**
 * A trigger payload (one event, or a batch as a JSON array) → the subjects to reconcile, one per region.
 * Duplicates within a batch, by (source, id), count once: EventBridge delivers at least once.
 */
export function parsePayload(payload: unknown, defaultRegion: string): ParsedPayload {
  const list = Array.isArray(payload) ? payload : [payload];
  // Said as a bad event, so the invocation still logs why it did nothing.
  if (list.length === 0) return { subjects: [], events: [{ verdict: 'bad', why: 'an empty batch names no event' }] };
  if (list.length > MAX_EVENTS_PER_BATCH) {
    return { subjects: [], events: [{ verdict: 'bad', why: `batch of ${list.length} events exceeds ${MAX_EVENTS_PER_BATCH}` }] };
  }
  const seen = new Set<string>();
  const events: EventNote[] = [];
  const byRegion = new Map<string, { instanceIds: Set<string>; eniIds: Set<string>; why: string[]; attempt: number }>();
  for (const raw of list) {
    if (!isObj(raw)) {
      events.push({ verdict: 'bad', why: `an event is not a JSON object (${quote(raw)})` });
      continue;
    }
    const c = classify(raw);
    if (c.key !== undefined) {
      if (seen.has(c.key)) {
        events.push({ id: c.id, type: c.type, verdict: 'duplicate', why: 'same (source, id) as an earlier event in this batch' });
        continue;
      }
      seen.add(c.key);
    }
    events.push({ id: c.id, type: c.type, verdict: c.verdict.kind, why: c.verdict.why });
    if (c.verdict.kind !== 'reconcile') continue;
    const regionId = c.verdict.regionId ?? (isRegionId(c.region) ? c.region : defaultRegion);
    const acc = byRegion.get(regionId) ?? { instanceIds: new Set(), eniIds: new Set(), why: [], attempt: 0 };
    c.verdict.instanceIds.forEach((i) => acc.instanceIds.add(i));
    c.verdict.eniIds.forEach((i) => acc.eniIds.add(i));
    acc.why.push(c.verdict.why);
    acc.attempt = Math.max(acc.attempt, c.verdict.attempt ?? 0);
    byRegion.set(regionId, acc);
  }
  const subjects = [...byRegion].map(([regionId, a]): Subject => ({
    regionId,
    instanceIds: [...a.instanceIds],
    eniIds: [...a.eniIds],
    cause: a.why.length <= 3 ? a.why.join('; ') : `${a.why.slice(0, 3).join('; ')}; and ${a.why.length - 3} more`,
    ...(a.attempt > 0 ? { attempt: a.attempt } : {}),
  }));
  return { subjects, events };
}
