import { EXCERPT_CHARS, type FailedEvent, type FailedEventOrigin } from './model.js';
import { cut } from './text.js';

/** A message as drained from the failed-events queue. */
export interface FailedMessage {
  readonly id: string;
  readonly body: string;
  /** When MNS enqueued it, if the caller knows: used when the body carries no timestamp. */
  readonly enqueuedAt?: Date | string;
}

/** Longest error text kept from a body: FC's responsePayload can hold a whole stack trace. */
const ERROR_CHARS = 500;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** ISO 8601 for a time a body or caller gives, undefined when it is no valid time (hostile bodies say anything). */
function isoTime(t: unknown): string | undefined {
  const d = t instanceof Date || typeof t === 'number' || typeof t === 'string' ? new Date(t) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

function json(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The event that failed, from FC's requestPayload: a CloudEvent, a batch of them, CloudMonitor's form, deferred work. */
function originOf(payload: unknown): FailedEventOrigin | undefined {
  const top = json(payload);
  // A batch is described by its first event, read one level down only: no recursion into hostile nesting.
  if (Array.isArray(top)) return { ...headOf(json(top[0])), count: top.length };
  return headOf(top);
}

function headOf(value: unknown): FailedEventOrigin | undefined {
  if (!isRec(value)) return undefined;
  // The event's own fields only: `__proto__` or `constructor` name nothing inherited.
  const p = Object.fromEntries(['automirror', 'id', 'type', 'name', 'source', 'product'].map((k) => [k, Object.hasOwn(value, k) ? value[k] : undefined]));
  if (p.automirror === 'deferred') return { type: 'automirror:deferred' };
  const origin: FailedEventOrigin = {
    ...(text(p.id) ? { id: text(p.id) } : {}),
    ...(text(p.type) ? { type: text(p.type) } : text(p.name) ? { type: `cms:${text(p.name)}` } : {}),
    ...(text(p.source) ? { source: text(p.source) } : text(p.product) ? { source: text(p.product) } : {}),
  };
  return Object.keys(origin).length ? origin : undefined;
}

/** FC puts the function's error in responsePayload, usually as `{ errorMessage, errorType }`. */
function functionError(response: unknown): string | undefined {
  const r = json(response);
  if (isRec(r)) return [text(r.errorType), text(r.errorMessage)].filter(Boolean).join(': ') || undefined;
  return text(response);
}

/**
 * A failed-events queue message as a report entry. The queue receives FC's async-invocation failure records
 * (`timestamp`, `requestContext`, `requestPayload`, `responseContext`, `responsePayload`); anything else is kept
 * with an excerpt, so that nothing drained from the queue goes unreported.
 */
export function failedEventFrom(message: FailedMessage): FailedEvent {
  const record = json(message.body);
  const base = {
    messageId: message.id,
    excerpt: cut(message.body, EXCERPT_CHARS),
    bodyLength: message.body.length,
  };
  const failedAt = isoTime(message.enqueuedAt);
  const enqueued = failedAt ? { failedAt } : {};
  if (!isRec(record) || !isRec(record.requestContext)) {
    return { ...base, ...enqueued, error: 'not an FC async-invocation failure record; see the excerpt' };
  }
  const ctx = record.requestContext;
  const response = isRec(record.responseContext) ? record.responseContext : {};
  const status = typeof response.statusCode === 'number' && response.statusCode !== 200 ? `HTTP ${response.statusCode}` : undefined;
  // FC often repeats its condition as the function error: say each thing once.
  const error = [...new Set([text(ctx.condition), status, text(response.functionError), functionError(record.responsePayload)].filter(Boolean))].join('; ');
  const origin = originOf(record.requestPayload);
  const attempts = ctx.approximateInvokeCount;
  const stamped = typeof record.timestamp === 'number' ? isoTime(record.timestamp) : undefined;
  return {
    ...base,
    ...(stamped ? { failedAt: stamped } : enqueued),
    ...(text(ctx.functionArn) ? { functionArn: text(ctx.functionArn) } : {}),
    ...(text(ctx.requestId) ? { requestId: text(ctx.requestId) } : {}),
    ...(Number.isInteger(attempts) && (attempts as number) >= 0 ? { attempts: attempts as number } : {}),
    ...(origin ? { origin } : {}),
    error: cut(error || 'the invocation failed without an error message', ERROR_CHARS),
  };
}
