import { isAccountId, type Principal, type TagWrite } from '../domain.js';
import { isObj, listParam, own } from './ids.js';

/**
 * An ActionTrail record (an event's `data`, or one of LookupEvents' `Events`) → the tag writes it proves: who set
 * which tag keys on which resource, and when. The one reader of `userIdentity`, for the event path and the
 * reconcile's lookups alike. Everything is hostile: names are bounded and stripped of controls and bidi
 * characters, and a record without a readable principal, time or key proves nothing (an empty list).
 * Event structure: https://www.alibabacloud.com/help/en/actiontrail/user-guide/actiontrail-event-structure
 */

/** RAM user, role and session names are at most 64 characters (RAM API reference: UserName, RoleName, RoleSessionName). */
const NAME_MAX = 64;
/** Tag keys are at most 128 characters; a call sets at most 20 tags (ECS TagResources: Tag.N, N 1–20). */
const KEY_MAX = 128;
const KEYS_MAX = 20;
/**
 * Calls that write tags: TagResources, the launches that take tags (Tag.N of RunInstances, CreateNetworkInterface),
 * and UntagResources (TagKey.N, or All=true for every tag: ECS UntagResources,
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-untagresources).
 */
export const TAG_WRITING_CALLS: ReadonlySet<string> = new Set(['TagResources', 'RunInstances', 'CreateNetworkInterface', 'UntagResources']);

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u2028\u2029\p{Cf}]/gu;

/** Bounded printable text, or undefined for anything that is not a non-empty string. */
function clean(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string' || v.length === 0) return undefined;
  const s = v.slice(0, max * 2).replace(UNSAFE, '');
  return s.length === 0 ? undefined : s.slice(0, max);
}

/**
 * `userIdentity` → a Principal. ActionTrail names an assumed role `<role>:<session>` in `userName`; a RAM user by
 * its name; the root account by its id. An unknown type is kept as `other`, which no allow-list entry matches.
 */
export function principalOf(identity: unknown): Principal | undefined {
  if (!isObj(identity)) return undefined;
  const accountId = own(identity, 'accountId');
  if (!isAccountId(accountId)) return undefined;
  const type = own(identity, 'type');
  const userName = clean(own(identity, 'userName'), NAME_MAX * 2 + 1) ?? '';
  if (type === 'root-account') return { type, accountId, name: '' };
  if (type === 'ram-user') return { type, accountId, name: userName.slice(0, NAME_MAX) };
  if (type === 'assumed-role') {
    const at = userName.indexOf(':');
    const role = (at < 0 ? userName : userName.slice(0, at)).slice(0, NAME_MAX);
    return { type, accountId, name: role, session: at < 0 ? '' : userName.slice(at + 1, at + 1 + NAME_MAX) };
  }
  return { type: 'other', accountId, name: userName.slice(0, NAME_MAX) };
}

/** The tag keys a call wrote: `Tag.N.Key` flat or `Tag` as a list of `{Key}`; for UntagResources, `TagKey.N` or `TagKey`. */
function keysWritten(eventName: string, params: Record<string, unknown>): string[] {
  const keys = new Set<string>();
  const add = (v: unknown) => {
    const k = clean(v, KEY_MAX + 1);
    if (k !== undefined && k.length <= KEY_MAX) keys.add(k);
  };
  const untag = eventName === 'UntagResources';
  for (const t of listParam(params, untag ? 'TagKey' : 'Tag').slice(0, KEYS_MAX)) add(untag ? t : own(t, 'Key'));
  const flat = untag ? /^TagKey\.(\d{1,2})$/ : /^Tag\.(\d{1,2})\.Key$/;
  for (const name of Object.keys(params)) {
    const m = flat.exec(name);
    if (m && Number(m[1]) <= KEYS_MAX) add(params[name]);
  }
  return [...keys].sort();
}

/** UntagResources with All=true removes every tag of the resources (the record carries it as a boolean or its text). */
function removesAll(eventName: string, params: Record<string, unknown>): boolean {
  const all = own(params, 'All');
  return eventName === 'UntagResources' && (all === true || all === 'true');
}

/** The writes a successful tag-writing record proves on `resourceIds` (ids the caller has already validated). */
export function tagWritesOf(record: unknown, resourceIds: readonly string[]): TagWrite[] {
  if (!isObj(record) || resourceIds.length === 0) return [];
  const eventName = own(record, 'eventName');
  if (typeof eventName !== 'string' || !TAG_WRITING_CALLS.has(eventName)) return [];
  const errorCode = own(record, 'errorCode');
  if (errorCode !== undefined && errorCode !== null && errorCode !== '') return [];
  const rawTime = own(record, 'eventTime');
  const ms = typeof rawTime === 'string' && rawTime.length <= 40 ? Date.parse(rawTime) : Number.NaN;
  const by = principalOf(own(record, 'userIdentity'));
  const params = own(record, 'requestParameters');
  const all = isObj(params) && removesAll(eventName, params);
  const keys = isObj(params) ? keysWritten(eventName, params) : [];
  if (!by || Number.isNaN(ms) || (keys.length === 0 && !all)) return [];
  const time = new Date(ms).toISOString();
  return resourceIds.map((resourceId) => ({ resourceId, eventName, time, by, keys, ...(all && { allKeys: true }) }));
}
