import { isAccountId } from '../domain.js';
import { EVENT_LIMITS, isInstanceId, isObj, isRegionId, own, quote, str, tooBig } from './ids.js';
import { ignored, type Verdict } from './verdict.js';

/**
 * What `automirror setup` writes into NotificationMetadata of the hooks it makes, and how it names them: a
 * notification whose metadata is not this came from a hook that is not ours, and is left alone.
 */
export const HOOK_METADATA = 'automirror: mirrored before it takes traffic';
export const HOOK_NAME = 'automirror-mirror-before-traffic';

/** One lifecycle action holding a scale-out's instances until their ENIs are mirrored. */
export interface LifecycleWork {
  /** The account, when the notification says; else the envelope's or the deployment's. */
  readonly accountId?: string;
  readonly regionId: string;
  readonly scalingGroupId: string;
  readonly lifecycleHookId: string;
  readonly token: string;
  readonly instanceIds: readonly string[];
  /** When the wait began (the notification's time, ms): the wait is bounded by the policy's heartbeatTimeout from here. */
  readonly since: number;
  /** Times this action was requeued while its sessions were still being created. */
  readonly attempt: number;
}

/** Our own requeue of a lifecycle action whose sessions are still Creating: the same action, one attempt later. */
export interface LifecycleRetry extends LifecycleWork {
  readonly automirror: 'lifecycle';
  readonly version: 1;
}

export const encodeLifecycleRetry = (w: LifecycleWork): string => JSON.stringify({ automirror: 'lifecycle', version: 1, ...w } satisfies LifecycleRetry);

/** ScaleWithAdjustment and the scaling rules add at most 100 instances at a time (RunInstances' Amount limit). */
const MAX_INSTANCES = 100;
const HOOK_ID = /^ash-[a-z0-9]{1,64}$/;
const GROUP_ID = /^asg-[a-z0-9]{1,64}$/;
/** ESS's tokens are UUIDs; anything of the same alphabet and size is read as one. */
const TOKEN = /^[A-Za-z0-9-]{8,64}$/;

/** Whether a queue message body is one of ours to read as a lifecycle action (ESS's notification, or our requeue). */
export const isLifecycleBody = (parsed: unknown): boolean => isObj(parsed) && (own(parsed, 'product') === 'ESS' || own(parsed, 'automirror') === 'lifecycle');

function fields(label: string, o: Record<string, unknown>, since: number, attempt: number, regionId: unknown, accountId: unknown): Verdict {
  const instanceIds = own(o, 'instanceIds');
  const ids = Array.isArray(instanceIds) ? instanceIds : [];
  const hookId = own(o, 'lifecycleHookId');
  const token = own(o, 'lifecycleActionToken') ?? own(o, 'token');
  const group = own(o, 'scalingGroupId');
  const problems = [
    !isRegionId(regionId) && `regionId ${quote(regionId)}`,
    !(typeof hookId === 'string' && HOOK_ID.test(hookId)) && `lifecycleHookId ${quote(hookId)}`,
    !(typeof token === 'string' && TOKEN.test(token)) && `lifecycleActionToken ${quote(token, 70)}`,
    !(typeof group === 'string' && GROUP_ID.test(group)) && `scalingGroupId ${quote(group)}`,
    (ids.length === 0 || ids.length > MAX_INSTANCES || !ids.every(isInstanceId)) && `instanceIds (1–${MAX_INSTANCES} instance ids)`,
    accountId !== undefined && !isAccountId(accountId) && `account ${quote(accountId)}`,
  ].filter((x): x is string => typeof x === 'string');
  if (problems.length > 0) return { kind: 'bad', why: `${label}: lifecycle notification with an invalid ${problems.join(', ')}` };
  const work: LifecycleWork = {
    ...(isAccountId(accountId) ? { accountId } : {}),
    regionId: regionId as string,
    scalingGroupId: group as string,
    lifecycleHookId: hookId as string,
    token: token as string,
    instanceIds: ids as string[],
    since,
    attempt,
  };
  return { kind: 'lifecycle', work, why: `scale-out of ${work.instanceIds.length} instance(s) into ${work.scalingGroupId} waits to be mirrored${attempt > 0 ? `, attempt ${attempt + 1}` : ''}` };
}

/**
 * An Auto Scaling lifecycle notification (the JSON ESS sends the hook's MNS queue: `content` with the hook, the
 * action token, the group, the activity and its instances; `product` ESS, `regionId`, `time`, `userId`; format in
 * localcloud/README.md, Assumptions), or our own requeue of one, → the lifecycle action to settle. Only SCALE_OUT
 * actions of our hooks (metadata naming automirror) are acted on; the rest are ignored.
 */
export function lifecycleMessage(parsed: unknown, label: string): Verdict {
  const big = tooBig(parsed, EVENT_LIMITS);
  if (big !== undefined) return { kind: 'bad', why: `${label}: message is too large to read (${big})` };
  const o = parsed as Record<string, unknown>;
  if (own(o, 'automirror') === 'lifecycle') {
    if (own(o, 'version') !== 1) return { kind: 'bad', why: `${label}: lifecycle retry of an unknown version ${quote(own(o, 'version'))}` };
    const since = own(o, 'since');
    const attempt = own(o, 'attempt');
    if (!Number.isSafeInteger(since) || !Number.isSafeInteger(attempt) || (attempt as number) < 0) return { kind: 'bad', why: `${label}: lifecycle retry without a valid since and attempt` };
    return fields(label, o, since as number, attempt as number, own(o, 'regionId'), own(o, 'accountId'));
  }
  const content = own(o, 'content');
  if (!isObj(content)) return { kind: 'bad', why: `${label}: ESS notification without a content object` };
  const transition = own(content, 'lifecycleTransition');
  if (transition !== 'SCALE_OUT') return ignored(`${label}: a ${quote(transition, 20)} lifecycle action is not one automirror holds`);
  if (own(content, 'notificationMetadata') !== HOOK_METADATA)
    return ignored(`${label}: lifecycle hook ${quote(own(content, 'lifecycleHookId'))} is not automirror's (its metadata does not name automirror)`);
  const time = Date.parse(str(own(o, 'time')) ?? '');
  if (!Number.isFinite(time)) return { kind: 'bad', why: `${label}: ESS notification with an invalid time ${quote(own(o, 'time'))}` };
  return fields(label, content, time, 0, own(o, 'regionId'), own(o, 'userId'));
}
