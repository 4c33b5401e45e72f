import { isObj, isRegionId, isSessionId, own, quote, str } from './ids.js';
import { bad, ignored, type Verdict } from './verdict.js';

/**
 * The VPC calls that start or widen mirroring, as ActionTrail records them on the default bus
 * (vpc:ActionTrail:ApiCall, https://www.alibabacloud.com/help/en/eventbridge/user-guide/vpc-events; the record's
 * fields are ActionTrail's management event structure, as in
 * https://www.alibabacloud.com/help/en/eventbridge/user-guide/actiontrail-events): each names one session, which
 * on-event reads and classifies.
 */
export const SESSION_CALLS: ReadonlySet<string> = new Set(['CreateTrafficMirrorSession', 'UpdateTrafficMirrorSessionAttribute', 'AddSourcesToTrafficMirrorSession']);

/** The one session a record names: Create's answer, or the parameter of the calls on an existing session. */
function sessionIds(data: Record<string, unknown>): unknown[] {
  const refs = own(data, 'referencedResources');
  const key = isObj(refs) ? Object.keys(refs).find((k) => /::TrafficMirrorSession$/i.test(k)) : undefined;
  const listed = key === undefined ? undefined : own(refs, key);
  const named = [...(Array.isArray(listed) ? listed : []), own(own(data, 'requestParameters'), 'TrafficMirrorSessionId'), own(own(data, 'responseElements'), 'TrafficMirrorSessionId')];
  return [...new Set(named.filter((v) => v !== undefined && v !== null && v !== ''))];
}

/** The caller as the record's userIdentity names it: type, then user name or principal, then the AccessKey; bounded. */
function caller(data: Record<string, unknown>): string | undefined {
  const who = own(data, 'userIdentity');
  if (!isObj(who)) return undefined;
  const field = (k: string, max: number) => {
    const v = str(own(who, k));
    return v === undefined ? undefined : quote(v, max);
  };
  const name = field('userName', 64) ?? field('principalId', 64);
  const key = field('accessKeyId', 64);
  const parts = [field('type', 32), name, key && `(AccessKey ${key})`].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

/** A vpc:ActionTrail:ApiCall (or ConsoleOperation) record → the session to check, or why there is none. */
export function mirrorSessionCall(data: unknown, label: string): Verdict {
  if (!isObj(data)) return bad(`${label} has no data object`);
  const name = str(own(data, 'eventName'));
  if (!name) return bad(`${label} has no eventName`);
  if (!SESSION_CALLS.has(name)) return ignored(`API call ${quote(name, 40)} does not start or widen mirroring`);
  const errorCode = own(data, 'errorCode');
  if (errorCode !== undefined && errorCode !== null && errorCode !== '') return ignored(`${name} failed (${quote(errorCode, 40)}): nothing changed`);
  const ids = sessionIds(data);
  if (ids.length !== 1 || !isSessionId(ids[0])) return bad(`${label}: ${name} must name exactly one traffic mirror session, named ${quote(ids)}`);
  const acsRegion = own(data, 'acsRegion');
  const at = str(own(data, 'eventTime'));
  const by = caller(data);
  return {
    kind: 'check-session',
    ...(isRegionId(acsRegion) ? { regionId: acsRegion } : {}),
    sessionId: ids[0],
    why: `${name} on ${ids[0]}${by ? ` by ${by}` : ''}`,
    provenance: { call: name, ...(by ? { by } : {}), ...(at ? { at: quote(at, 40) } : {}) },
  };
}
