import { publishApiCallRecord, type ServiceNames } from '../events/actiontrail.js';
import { idempotentOperation } from '../pop/idempotency.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, RegionState } from '../state.js';

/**
 * What VPC emits to the default event bus: vpc:ActionTrail:ApiCall for each successful write
 * (https://www.alibabacloud.com/help/en/eventbridge/user-guide/vpc-events), as ECS does for its own. All VPC event
 * construction lives here.
 */
const VPC: ServiceNames = { source: 'acs.vpc', prefix: 'vpc', eventSource: 'vpc.aliyuncs.com', serviceName: 'Vpc' };

/** The ActionTrail resource types of the traffic mirroring resources, by what an operation names. */
export type Mirrored = 'TrafficMirrorSession' | 'TrafficMirrorFilter';

/** Publishes the record of a successful write naming `ids` of `kind` (none for account-level calls), with its answer. */
export function publishVpcCall(state: CloudState, regionId: string, ctx: PopContext, kind: Mirrored | undefined, ids: readonly string[], response: Record<string, unknown>): void {
  const resource = kind && ids.length > 0 ? `${kind.toLowerCase()}/${ids[0]}` : 'trafficmirrorservice';
  publishApiCallRecord(state, VPC, regionId, ctx, resource, kind && ids.length > 0 ? { [`ACS::VPC::${kind}`]: [...ids] } : {}, response);
}

/**
 * An operation that honours ClientToken (idempotentOperation) and publishes its ActionTrail record once it
 * succeeds: the resource is the one the request names (`<kind>Id`) or, for a create, the one the answer names. A
 * replay answers from the token and publishes nothing new.
 */
export function recordedOperation(state: CloudState, kind: Mirrored | undefined, run: (ctx: PopContext, r: RegionState) => Record<string, unknown>) {
  return idempotentOperation(state, (ctx, r) => {
    const response = run(ctx, r);
    const field = kind && `${kind}Id`;
    const id = field && (ctx.params.str(field) || (typeof response[field] === 'string' ? (response[field] as string) : undefined));
    publishVpcCall(state, r.regionId, ctx, kind, id ? [id] : [], response);
    return response;
  });
}
