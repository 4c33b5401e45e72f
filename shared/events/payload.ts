import { isAccountId, type Subject, type TagWrite } from '../domain.js';
import type { Provenance } from '../engine/respond-unapproved.js';
import { EVENT_LIMITS, isObj, isRegionId, own, quote, str, tooBig } from './ids.js';
import type { LifecycleWork } from './lifecycle.js';
import { CMS_PREFIX, eventSourceFor, routedEvent } from './sources.js';
import { bad, ignored, type Verdict } from './verdict.js';

/** FC's async invocation body limit is 128 KB (256 KB on request); anything larger is not from a trigger of ours. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_EVENTS_PER_BATCH = 1000;
/**
 * Most resource ids one invocation acts on, over its whole batch: ten pages of DescribeNetworkInterfaces (whose
 * NetworkInterfaceId.N takes 1 to 100) and far above what real events name (TagResources takes 50 resources,
 * RunInstances launches 100). An event that would take the batch past it is refused as bad input, before any
 * cloud call; the scheduled reconcile covers whatever it named.
 */
export const MAX_IDS_PER_BATCH = 1000;

export interface EventNote {
  readonly id?: string;
  readonly type?: string;
  readonly verdict: Verdict['kind'] | 'duplicate';
  readonly why: string;
}

/** A traffic mirror session an event says was written: read it, classify it, alert on unapproved mirroring. */
export interface SessionCheck {
  readonly accountId: string;
  readonly regionId: string;
  readonly sessionId: string;
  readonly provenance: Provenance;
}

export interface ParsedPayload {
  /** One subject per account and region, merging every event of the batch that concerns it. */
  readonly subjects: Subject[];
  /** One per session the batch's VPC events name (the first event's provenance when several name it). */
  readonly checks: SessionCheck[];
  /** What became of each event, in order: for the invocation's log line and result. */
  readonly events: EventNote[];
  /** Scale-outs our lifecycle hooks hold (one per action token), to mirror and then release. */
  readonly lifecycle: LifecycleWork[];
}

/** Names of an object's keys, for a reason: a few, each clipped. */
const keysOf = (e: Record<string, unknown>): string => {
  const keys = Object.keys(e);
  return quote(
    keys
      .slice(0, 10)
      .map((k) => quote(k, 20))
      .join(',') + (keys.length > 10 ? `,… (${keys.length})` : ''),
    160,
  );
};

function classify(raw: Record<string, unknown>): { key?: string; id?: string; type?: string; region?: unknown; account?: unknown; verdict: Verdict } {
  // The envelope's own fields only: an event's `__proto__` or `hasOwnProperty` names nothing inherited.
  const e = (k: string) => own(raw, k);
  const id = str(e('id'));
  const source = str(e('source'));
  const type = str(e('type'));
  const big = tooBig(raw, EVENT_LIMITS);
  if (big !== undefined) return { verdict: bad(`event ${quote(id ?? '?', 64)} is too large or deep to read: ${big}`) };
  if (source && type) {
    const label = `event ${quote(id ?? '?', 64)} (${quote(type, 64)})`;
    if (!id) return { type, verdict: bad(`${label} has no id`) };
    const at = { key: `${source}\u0000${id}`, id, type, region: e('aliyunregionid'), account: e('aliyunaccountid') };
    const handler = eventSourceFor(type, source);
    if (!handler) return { ...at, verdict: ignored(`${quote(source, 40)} ${quote(type, 64)} is not an event automirror handles`) };
    return { ...at, verdict: handler.parse(e('data'), label) };
  }
  // CloudMonitor's own event-notification form: product/name/content, no envelope.
  const name = e('name');
  if (e('product') === 'ECS' && typeof name === 'string') {
    const label = `CloudMonitor event ${quote(id ?? '?', 64)} (${quote(name, 64)})`;
    if (!id) return { verdict: bad(`${label} has no id`) };
    const cmsType = `${CMS_PREFIX}${name}`;
    const handler = eventSourceFor(cmsType, undefined);
    const verdict = handler ? handler.parse(e('content'), label) : ignored(`CloudMonitor ${quote(name, 64)} is not an event automirror handles`);
    return { key: `cms\u0000${id}`, id, type: cmsType, region: e('regionId'), account: e('userId'), verdict };
  }
  return { id, verdict: bad(`not a CloudEvent or CloudMonitor event (keys: ${keysOf(raw)})`) };
}

/** Where work goes when its event does not say: the deployment's own account and region. */
export interface WorkDefaults {
  readonly accountId: string;
  readonly regionId: string;
  /**
   * The regions the deployment covers, when it says (on-event: its own region and AUTOMIRROR_REGIONS). An event
   * for any other region is out of scope: noted as ignored, with no cloud call, whether or not the region exists.
   */
  readonly regions?: readonly string[];
}

/**
 * A trigger payload (one event, or a batch as a JSON array; service events may come wrapped in the events queue's
 * messages) → the subjects to reconcile, one per account and
 * region (the units of work), and the sessions to check. Duplicates within a batch count once: by (source, id),
 * since EventBridge delivers at least once, and deferred work by its work key, since a deferral may have been sent
 * twice.
 */
export function parsePayload(payload: unknown, defaults: WorkDefaults): ParsedPayload {
  const list = Array.isArray(payload) ? payload : [payload];
  // Said as a bad event, so the invocation still logs why it did nothing.
  if (list.length === 0) return { subjects: [], checks: [], lifecycle: [], events: [{ verdict: 'bad', why: 'an empty batch names no event' }] };
  if (list.length > MAX_EVENTS_PER_BATCH) {
    return { subjects: [], checks: [], lifecycle: [], events: [{ verdict: 'bad', why: `batch of ${list.length} events exceeds ${MAX_EVENTS_PER_BATCH}` }] };
  }
  const covered = defaults.regions && new Set([defaults.regionId, ...defaults.regions]);
  let idsTaken = 0;
  const seen = new Set<string>();
  const events: EventNote[] = [];
  const byUnit = new Map<string, { accountId: string; regionId: string; instanceIds: Set<string>; eniIds: Set<string>; why: string[]; attempt: number; tagWrites: TagWrite[] }>();
  const checks = new Map<string, SessionCheck>();
  const lifecycle = new Map<string, LifecycleWork>();
  for (const item of list) {
    const raw = routedEvent(item);
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
    if (c.verdict.kind === 'lifecycle') {
      const w = c.verdict.work;
      // One action, whatever carried it: ESS's notification delivered twice, or beside our own requeue of it.
      const dup = lifecycle.has(w.token);
      const out = covered && !covered.has(w.regionId);
      if (!dup && !out && idsTaken + w.instanceIds.length > MAX_IDS_PER_BATCH) {
        events.push({
          id: c.id,
          type: c.type,
          verdict: 'bad',
          why: `names ${w.instanceIds.length} instances; with the ${idsTaken} before it, the batch would pass the ${MAX_IDS_PER_BATCH} one invocation takes`,
        });
        continue;
      }
      if (!dup && !out) idsTaken += w.instanceIds.length;
      const why = dup ? 'the same lifecycle action as an earlier message in this batch' : out ? `out of scope: region ${w.regionId} is not one this deployment covers` : c.verdict.why;
      events.push({ id: c.id, type: c.type, verdict: dup ? 'duplicate' : out ? 'ignored' : 'lifecycle', why });
      if (!dup && !out) lifecycle.set(w.token, { ...w, accountId: w.accountId ?? (isAccountId(c.account) ? c.account : defaults.accountId) });
      continue;
    }
    if (c.verdict.kind !== 'reconcile' && c.verdict.kind !== 'check-session') {
      events.push({ id: c.id, type: c.type, verdict: c.verdict.kind, why: c.verdict.why });
      continue;
    }
    const regionId = c.verdict.regionId ?? (isRegionId(c.region) ? c.region : defaults.regionId);
    if (covered && !covered.has(regionId)) {
      events.push({ id: c.id, type: c.type, verdict: 'ignored', why: `out of scope: region ${regionId} is not one this deployment covers (${[...covered].join(', ')})` });
      continue;
    }
    const named = c.verdict.kind === 'check-session' ? 1 : c.verdict.instanceIds.length + c.verdict.eniIds.length;
    if (idsTaken + named > MAX_IDS_PER_BATCH) {
      events.push({ id: c.id, type: c.type, verdict: 'bad', why: `names ${named} resources; with the ${idsTaken} before it, the batch would pass the ${MAX_IDS_PER_BATCH} one invocation takes` });
      continue;
    }
    idsTaken += named;
    events.push({ id: c.id, type: c.type, verdict: c.verdict.kind, why: c.verdict.why });
    if (c.verdict.kind === 'check-session') {
      const accountId = isAccountId(c.account) ? c.account : defaults.accountId;
      const key = `${accountId}\u0000${regionId}\u0000${c.verdict.sessionId}`;
      if (!checks.has(key)) checks.set(key, { accountId, regionId, sessionId: c.verdict.sessionId, provenance: c.verdict.provenance });
      continue;
    }
    const accountId = c.verdict.accountId ?? (isAccountId(c.account) ? c.account : defaults.accountId);
    const unit = `${accountId}\u0000${regionId}`;
    const acc = byUnit.get(unit) ?? { accountId, regionId, instanceIds: new Set(), eniIds: new Set(), why: [], attempt: 0, tagWrites: [] };
    c.verdict.instanceIds.forEach((i) => acc.instanceIds.add(i));
    c.verdict.eniIds.forEach((i) => acc.eniIds.add(i));
    acc.why.push(c.verdict.why);
    acc.tagWrites.push(...(c.verdict.tagWrites ?? []));
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
      ...(a.tagWrites.length > 0 ? { tagWrites: a.tagWrites } : {}),
    }),
  );
  return { subjects, checks: [...checks.values()], events, lifecycle: [...lifecycle.values()] };
}
