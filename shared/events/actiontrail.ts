import { isEniId, isInstanceId, isObj, isRegionId, quote, str } from './ids.js';
import { bad, ignored, reconcile, type Verdict } from './verdict.js';

/** A request parameter as ActionTrail records it: flat (`ResourceId.1`), or as a list. */
function listParam(params: Record<string, unknown>, name: string): unknown[] {
  const direct = params[name];
  if (Array.isArray(direct)) return direct;
  if (direct !== undefined) return [direct];
  return Object.keys(params)
    .filter((k) => new RegExp(`^${name}\\.\\d+$`).test(k))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
    .map((k) => params[k]);
}

/** Ids the record names: referencedResources first (the documented field), then the call's own parameters. */
function referenced(data: Record<string, unknown>, kind: 'instance' | 'eni'): unknown[] {
  const refs = isObj(data.referencedResources) ? data.referencedResources : {};
  const key = Object.keys(refs).find((k) => (kind === 'instance' ? /::Instance$/i.test(k) : /::(NetworkInterface|Eni)$/i.test(k)));
  const fromRefs = key && Array.isArray(refs[key]) ? (refs[key] as unknown[]) : [];
  const params = isObj(data.requestParameters) ? data.requestParameters : {};
  const resp = isObj(data.responseElements) ? data.responseElements : {};
  const fromParams =
    kind === 'instance' ? [params.InstanceId, ...listParam(isObj(resp.InstanceIdSets) ? resp.InstanceIdSets : {}, 'InstanceIdSet')] : [params.NetworkInterfaceId, resp.NetworkInterfaceId];
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
  const name = str(data.eventName);
  if (!name) return bad(`${label} has no eventName`);
  if (!HANDLED_CALLS.has(name)) return ignored(`API call ${quote(name, 40)} does not affect mirroring`);
  if (data.errorCode !== undefined && data.errorCode !== null && data.errorCode !== '') {
    return ignored(`${name} failed (${quote(data.errorCode, 40)}): nothing changed`);
  }
  const regionId = isRegionId(data.acsRegion) ? data.acsRegion : undefined;
  const why = `${name} call`;
  if (name === 'TagResources' || name === 'UntagResources') {
    const params = isObj(data.requestParameters) ? data.requestParameters : {};
    const type = String(params.ResourceType ?? '').toLowerCase();
    const resources = listParam(params, 'ResourceId');
    if (type === 'instance') {
      const r = ids(resources, isInstanceId);
      if (r.badOne !== undefined || r.ok.length === 0) return bad(`${label}: ${name} with invalid instance ids (${quote(resources)})`);
      return reconcile(`${why} on ${r.ok.join(', ')}`, { instanceIds: r.ok, regionId });
    }
    if (type === 'eni') {
      const r = ids(resources, isEniId);
      if (r.badOne !== undefined || r.ok.length === 0) return bad(`${label}: ${name} with invalid ENI ids (${quote(resources)})`);
      return reconcile(`${why} on ${r.ok.join(', ')}`, { eniIds: r.ok, regionId });
    }
    return ignored(`${name} on resource type ${quote(type, 40)} does not affect mirroring`);
  }
  const instances = ids(referenced(data, 'instance'), isInstanceId);
  const enis = ids(referenced(data, 'eni'), isEniId);
  if (instances.badOne !== undefined || enis.badOne !== undefined) {
    return bad(`${label}: ${name} names an invalid resource id (${quote(instances.badOne ?? enis.badOne)})`);
  }
  // RunInstances concerns whole instances; the ENI calls concern the ENI (its instance's tags come with it).
  if (name === 'RunInstances') {
    if (instances.ok.length === 0) return bad(`${label}: RunInstances names no instance`);
    return reconcile(`${why} launched ${instances.ok.join(', ')}`, { instanceIds: instances.ok, regionId });
  }
  if (enis.ok.length === 0) return bad(`${label}: ${name} names no network interface`);
  return reconcile(`${why} on ${enis.ok.join(', ')}`, { eniIds: enis.ok, regionId });
}
