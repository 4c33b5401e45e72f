import { isAccountId, type Subject } from '../domain.js';
import { isObj, isRegionId, quote, str } from './ids.js';
import { CMS_PREFIX, eventSourceFor } from './sources.js';
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
  /** One subject per account and region, merging every event of the batch that concerns it. */
  readonly subjects: Subject[];
  /** What became of each event, in order: for the invocation's log line and result. */
  readonly events: EventNote[];
}

function classify(e: Record<string, unknown>): { key?: string; id?: string; type?: string; region?: unknown; account?: unknown; verdict: Verdict } {
  const id = str(e.id);
  const source = str(e.source);
  const type = str(e.type);
  if (source && type) {
    const label = `event ${quote(id ?? '?', 64)} (${quote(type, 64)})`;
    if (!id) return { type, verdict: bad(`${label} has no id`) };
    const at = { key: `${source}\u0000${id}`, id, type, region: e.aliyunregionid, account: e.aliyunaccountid };
    const handler = eventSourceFor(type, source);
    if (!handler) return { ...at, verdict: ignored(`${quote(source, 40)} ${quote(type, 64)} is not an event automirror handles`) };
    return { ...at, verdict: handler.parse(e.data, label) };
  }
  // CloudMonitor's own event-notification form: product/name/content, no envelope.
  if (e.product === 'ECS' && typeof e.name === 'string') {
    const label = `CloudMonitor event ${quote(id ?? '?', 64)} (${quote(e.name, 64)})`;
    if (!id) return { verdict: bad(`${label} has no id`) };
    const cmsType = `${CMS_PREFIX}${e.name}`;
    const handler = eventSourceFor(cmsType, undefined);
    const verdict = handler ? handler.parse(e.content, label) : ignored(`CloudMonitor ${quote(e.name, 64)} is not an event automirror handles`);
    return { key: `cms\u0000${id}`, id, type: cmsType, region: e.regionId, account: e.userId, verdict };
  }
  return { id, verdict: bad(`not a CloudEvent or CloudMonitor event (keys: ${quote(Object.keys(e).join(','))})`) };
}

/** Where work goes when its event does not say: the deployment's own account and region. */
export interface WorkDefaults {
  readonly accountId: string;
  readonly regionId: string;
}

/**
 * A trigger payload (one event, or a batch as a JSON array) → the subjects to reconcile, one per account and
 * region (the units of work). Duplicates within a batch count once: by (source, id), since EventBridge delivers
 * at least once, and deferred work by its work key, since a deferral may have been sent twice.
 */
export function parsePayload(payload: unknown, defaults: WorkDefaults): ParsedPayload {
  const list = Array.isArray(payload) ? payload : [payload];
  // Said as a bad event, so the invocation still logs why it did nothing.
  if (list.length === 0) return { subjects: [], events: [{ verdict: 'bad', why: 'an empty batch names no event' }] };
  if (list.length > MAX_EVENTS_PER_BATCH) {
    return { subjects: [], events: [{ verdict: 'bad', why: `batch of ${list.length} events exceeds ${MAX_EVENTS_PER_BATCH}` }] };
  }
  const seen = new Set<string>();
  const events: EventNote[] = [];
  const byUnit = new Map<string, { accountId: string; regionId: string; instanceIds: Set<string>; eniIds: Set<string>; why: string[]; attempt: number }>();
  for (const raw of list) {
    if (!isObj(raw)) {
      events.push({ verdict: 'bad', why: `an event is not a JSON object (${quote(raw)})` });
      continue;
    }
    const c = classify(raw);
    const workKey = c.verdict.kind === 'reconcile' && c.verdict.workKey ? `work\u0000${c.verdict.workKey}` : undefined;
    if (c.key !== undefined || workKey !== undefined) {
      if ((c.key !== undefined && seen.has(c.key)) || (workKey !== undefined && seen.has(workKey))) {
        const why = c.key !== undefined && seen.has(c.key) ? 'same (source, id) as an earlier event in this batch' : 'the same deferred work as an earlier message in this batch';
        events.push({ id: c.id, type: c.type, verdict: 'duplicate', why });
        continue;
      }
      if (c.key !== undefined) seen.add(c.key);
      if (workKey !== undefined) seen.add(workKey);
    }
    events.push({ id: c.id, type: c.type, verdict: c.verdict.kind, why: c.verdict.why });
    if (c.verdict.kind !== 'reconcile') continue;
    const regionId = c.verdict.regionId ?? (isRegionId(c.region) ? c.region : defaults.regionId);
    const accountId = c.verdict.accountId ?? (isAccountId(c.account) ? c.account : defaults.accountId);
    const unit = `${accountId}\u0000${regionId}`;
    const acc = byUnit.get(unit) ?? { accountId, regionId, instanceIds: new Set(), eniIds: new Set(), why: [], attempt: 0 };
    c.verdict.instanceIds.forEach((i) => acc.instanceIds.add(i));
    c.verdict.eniIds.forEach((i) => acc.eniIds.add(i));
    acc.why.push(c.verdict.why);
    acc.attempt = Math.max(acc.attempt, c.verdict.attempt ?? 0);
    byUnit.set(unit, acc);
  }
  const subjects = [...byUnit.values()].map(
    (a): Subject => ({
      accountId: a.accountId,
      regionId: a.regionId,
      instanceIds: [...a.instanceIds],
      eniIds: [...a.eniIds],
      cause: a.why.length <= 3 ? a.why.join('; ') : `${a.why.slice(0, 3).join('; ')}; and ${a.why.length - 3} more`,
      ...(a.attempt > 0 ? { attempt: a.attempt } : {}),
    }),
  );
  return { subjects, events };
}
