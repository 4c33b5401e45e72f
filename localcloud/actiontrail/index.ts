import { createHash } from 'node:crypto';
import { ApiError, invalidParameter } from '../core/api-error.js';
import { pageByToken } from '../core/paging.js';
import type { PopContext, PopProduct } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import type { Trail, TrailRecord } from './trail.js';

/**
 * ActionTrail 2020-07-06: LookupEvents over the events localcloud's services recorded
 * (https://www.alibabacloud.com/help/en/actiontrail/developer-reference/api-actiontrail-2020-07-06-lookupevents).
 * Filters are the documented LookupAttribute keys, exact and case-sensitive, at most two (the first two count; a key
 * given twice keeps the later), ANDed (https://www.alibabacloud.com/help/en/actiontrail/support/how-to-set-the-lookupattribute-parameter).
 */
export function actiontrailProduct(state: CloudState, trail: Trail): PopProduct {
  return {
    product: 'Actiontrail',
    version: '2020-07-06',
    hostId: 'actiontrail.aliyuncs.com',
    operations: { LookupEvents: (ctx) => lookupEvents(state, trail, ctx) },
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const identity = (r: TrailRecord): Record<string, unknown> => (r.event.userIdentity ?? {}) as Record<string, unknown>;

/** What each documented key compares; SensitiveAction is not modelled (no event here is marked sensitive). */
const ATTRIBUTES: Readonly<Record<string, (r: TrailRecord, value: string) => boolean>> = {
  ServiceName: (r, v) => str(r.event.serviceName) === v,
  EventName: (r, v) => str(r.event.eventName) === v,
  EventId: (r, v) => str(r.event.eventId) === v,
  EventRW: (r, v) => str(r.event.eventRW) === v,
  EventType: (r, v) => str(r.event.eventType) === v,
  SourceIpAddress: (r, v) => str(r.event.sourceIpAddress) === v,
  ResourceName: (r, v) => r.resources.has(v),
  ResourceType: (r, v) => r.resourceTypes.has(v),
  User: (r, v) => str(identity(r).userName) === v,
  EventAccessKeyId: (r, v) => str(identity(r).accessKeyId) === v,
  RoleName: (r, v) => identity(r).type === 'assumed-role' && str(identity(r).userName).split(':', 1)[0] === v,
};

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;
const DEFAULT_MAX_RESULTS = 20;

function time(ctx: PopContext, name: string): number | undefined {
  const raw = ctx.params.str(name);
  if (raw === undefined || raw === '') return undefined;
  if (!TIME.test(raw) || Number.isNaN(Date.parse(raw))) throw invalidParameter(name, `"${raw}" is not a UTC time yyyy-MM-ddTHH:mm:ssZ`);
  return Date.parse(raw);
}

function lookupEvents(state: CloudState, trail: Trail, ctx: PopContext): Record<string, unknown> {
  const start = time(ctx, 'StartTime');
  const end = time(ctx, 'EndTime');
  // "You must specify both StartTime and EndTime, or leave both unspecified."
  if ((start === undefined) !== (end === undefined)) throw invalidParameter(start === undefined ? 'StartTime' : 'EndTime', 'StartTime and EndTime must be given together');
  const to = end ?? state.now();
  const from = start ?? to - DEFAULT_WINDOW_MS;
  if (from > to) throw invalidParameter('StartTime', 'StartTime is after EndTime');
  const maxResults = ctx.params.int('MaxResults', { min: 0, max: 50 }) || DEFAULT_MAX_RESULTS;
  const direction = ctx.params.oneOf('Direction', ['FORWARD', 'BACKWARD'] as const) ?? 'BACKWARD';
  const conditions = new Map<string, string>();
  for (const n of attributeIndexes(ctx).slice(0, 2)) {
    const key = ctx.params.str(`LookupAttribute.${n}.Key`) ?? '';
    const value = ctx.params.str(`LookupAttribute.${n}.Value`) ?? '';
    if (!Object.hasOwn(ATTRIBUTES, key)) throw invalidParameter(`LookupAttribute.${n}.Key`, `"${key}" is not one of ${Object.keys(ATTRIBUTES).join(', ')}`);
    conditions.set(key, value);
  }
  const tests = [...conditions].map(
    ([k, v]) =>
      (r: TrailRecord) =>
        ATTRIBUTES[k](r, v),
  );
  // The token is bound to the query: "The request parameters must be the same as those of the previous request."
  const query = createHash('sha256')
    .update(JSON.stringify([start, end, direction, [...conditions]]))
    .digest('hex')
    .slice(0, 16);
  const token = ctx.params.str('NextToken');
  if (token && !Buffer.from(token, 'base64url').toString('utf8').startsWith(`${query}:`)) throw new ApiError('InvalidNextToken', 'The specified NextToken is invalid.', 400);
  const inner = token
    ? Buffer.from(
        Buffer.from(token, 'base64url')
          .toString('utf8')
          .slice(query.length + 1),
      ).toString('base64url')
    : undefined;
  const ordered = direction === 'FORWARD' ? trail.list() : trail.list().reverse();
  const idOf = (r: TrailRecord) => String(direction === 'FORWARD' ? r.seq : 1e12 - r.seq).padStart(13, '0');
  const page = pageByToken(ordered, idOf, (r) => r.timeMs >= from && r.timeMs <= to && tests.every((t) => t(r)), inner, maxResults);
  const next = page.nextToken ? Buffer.from(`${query}:${Buffer.from(page.nextToken, 'base64url').toString('utf8')}`).toString('base64url') : '';
  return {
    Events: page.items.map((r) => r.event),
    ...(next && { NextToken: next }),
    StartTime: iso(from),
    EndTime: iso(to),
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The N of every LookupAttribute.N.Key sent, in order. */
function attributeIndexes(ctx: PopContext): number[] {
  const ns = ctx.params.keys().flatMap((k) => {
    const m = /^LookupAttribute\.(\d{1,3})\.Key$/.exec(k);
    return m ? [Number(m[1])] : [];
  });
  return [...new Set(ns)].sort((a, b) => a - b);
}
