import { isEniId, isInstanceId, isObj, isRegionId, listParam, own, quote, str } from './ids.js';
import { tagWritesOf } from './tag-write.js';
import { bad, ignored, reconcile, type Verdict } from './verdict.js';

/**
 * Most resources one call can name, as the API documents it: TagResources and UntagResources take ResourceId.N
 * with N from 1 to 50; RunInstances launches at most 100 instances (Amount, 1 to 100); the ENI calls name one
 * network interface. An event naming more was not written by the API: it is refused, before any cloud call.
 */
export const MAX_IDS: Readonly<Record<string, number>> = {
  TagResources: 50,
  UntagResources: 50,
  RunInstances: 100,
  CreateNetworkInterface: 1,
  AttachNetworkInterface: 1,
  DetachNetworkInterface: 1,
  DeleteNetworkInterface: 1,
};

/** Ids the record names: referencedResources first (the documented field), then the call's own parameters. */
function referenced(data: Record<string, unknown>, kind: 'instance' | 'eni'): unknown[] {
  const refs = own(data, 'referencedResources');
  const key = isObj(refs) ? Object.keys(refs).find((k) => (kind === 'instance' ? /::Instance$/i.test(k) : /::(NetworkInterface|Eni)$/i.test(k))) : undefined;
  const listed = key === undefined ? undefined : own(refs, key);
  const fromRefs = Array.isArray(listed) ? listed : [];
  const params = own(data, 'requestParameters');
  const resp = own(data, 'responseElements');
  const sets = own(resp, 'InstanceIdSets');
  const fromParams = kind === 'instance' ? [own(params, 'InstanceId'), ...(isObj(sets) ? listParam(sets, 'InstanceIdSet') : [])] : [own(params, 'NetworkInterfaceId'), own(resp, 'NetworkInterfaceId')];
  return [...fromRefs, ...fromParams].filter((v) => v !== undefined && v !== null && v !== '');
}

function ids(values: unknown[], valid: (v: unknown) => v is string): { ok: string[]; badOne?: unknown } {
  const badOne = values.find((v) => !valid(v));
  return { ok: [...new Set(values.filter(valid))], badOne };
}

/** ActionTrail calls that can change what should be mirrored. */
export const HANDLED_CALLS: ReadonlySet<string> = new Set([
  'RunInstances',
  'CreateNetworkInterface',
  'AttachNetworkInterface',
  'DetachNetworkInterface',
  'DeleteNetworkInterface',
  'TagResources',
  'UntagResources',
]);

/** An ecs:ActionTrail:ApiCall record → the instances or ENIs whose mirroring it may change. */
export function actionTrailCall(data: unknown, label: string): Verdict {
  if (!isObj(data)) return bad(`${label} has no data object`);
  const name = str(own(data, 'eventName'));
  if (!name) return bad(`${label} has no eventName`);
  if (!HANDLED_CALLS.has(name)) return ignored(`API call ${quote(name, 40)} does not affect mirroring`);
  const errorCode = own(data, 'errorCode');
  if (errorCode !== undefined && errorCode !== null && errorCode !== '') {
    return ignored(`${name} failed (${quote(errorCode, 40)}): nothing changed`);
  }
  const acsRegion = own(data, 'acsRegion');
  const regionId = isRegionId(acsRegion) ? acsRegion : undefined;
  const why = `${name} call`;
  const most = MAX_IDS[name];
  if (name === 'TagResources' || name === 'UntagResources') {
    const p = own(data, 'requestParameters');
    const params = isObj(p) ? p : {};
    // Only a string names a type: anything else (an object with a hostile toString) is no type at all.
    const rawType = own(params, 'ResourceType');
    if (rawType !== undefined && typeof rawType !== 'string') return bad(`${label}: ${name} with a ResourceType that is not text (${quote(rawType, 40)})`);
    const type = (rawType ?? '').toLowerCase();
    const resources = listParam(params, 'ResourceId');
    if ((type === 'instance' || type === 'eni') && resources.length > most) return bad(`${label}: ${name} names ${resources.length} resources; the API takes at most ${most}`);
    if (type === 'instance') {
      const r = ids(resources, isInstanceId);
      if (r.badOne !== undefined || r.ok.length === 0) return bad(`${label}: ${name} with invalid instance ids (${quote(resources)})`);
      return reconcile(`${why} on ${r.ok.join(', ')}`, { instanceIds: r.ok, regionId, tagWrites: tagWritesOf(data, r.ok) });
    }
    if (type === 'eni') {
      const r = ids(resources, isEniId);
      if (r.badOne !== undefined || r.ok.length === 0) return bad(`${label}: ${name} with invalid ENI ids (${quote(resources)})`);
      return reconcile(`${why} on ${r.ok.join(', ')}`, { eniIds: r.ok, regionId, tagWrites: tagWritesOf(data, r.ok) });
    }
    return ignored(`${name} on resource type ${quote(type, 40)} does not affect mirroring`);
  }
  const namedInstances = referenced(data, 'instance');
  const namedEnis = referenced(data, 'eni');
  // The same id may be named twice (referencedResources and the parameters): the limit is on distinct ids.
  const limited = new Set(name === 'RunInstances' ? namedInstances : namedEnis).size;
  if (limited > most) return bad(`${label}: ${name} names ${limited} resources; the API takes at most ${most}`);
  const instances = ids(namedInstances, isInstanceId);
  const enis = ids(namedEnis, isEniId);
  if (instances.badOne !== undefined || enis.badOne !== undefined) {
    return bad(`${label}: ${name} names an invalid resource id (${quote(instances.badOne ?? enis.badOne)})`);
  }
  // RunInstances concerns whole instances; the ENI calls concern the ENI (its instance's tags come with it).
  if (name === 'RunInstances') {
    if (instances.ok.length === 0) return bad(`${label}: RunInstances names no instance`);
    return reconcile(`${why} launched ${instances.ok.join(', ')}`, { instanceIds: instances.ok, regionId, tagWrites: tagWritesOf(data, instances.ok) });
  }
  if (enis.ok.length === 0) return bad(`${label}: ${name} names no network interface`);
  return reconcile(`${why} on ${enis.ok.join(', ')}`, { eniIds: enis.ok, regionId, tagWrites: tagWritesOf(data, enis.ok) });
}
