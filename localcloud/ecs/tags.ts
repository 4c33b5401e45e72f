import type { PopContext } from '../pop/protocol.js';
import { listTagResources, type ResourceKind, resourceKind, tagResources, untagResources } from '../pop/tag-resources.js';
import type { CloudState, RegionState } from '../state.js';
import { publishApiCall, type Referenced } from './events.js';

/** ECS ResourceType values are lowercase; localcloud holds instances and ENIs. */
function kinds(r: RegionState): Record<string, ResourceKind> {
  return {
    INSTANCE: { type: 'instance', get: (id) => r.instances.get(id), all: () => r.instances.sorted().map((i) => [i.instanceId, i]) },
    ENI: { type: 'eni', get: (id) => r.enis.get(id), all: () => r.enis.sorted().map((e) => [e.networkInterfaceId, e]) },
  };
}

const referenced = (kind: ResourceKind, ids: string[]): Referenced => (kind.type === 'instance' ? { instances: ids } : { enis: ids });

/** A tag write: apply it, then publish its ActionTrail record. */
function tagWrite(state: CloudState, apply: typeof tagResources) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const kind = resourceKind(ctx.params, kinds(r));
    publishApiCall(state, r.regionId, ctx, referenced(kind, apply(ctx.params, kind)));
    return {};
  };
}

export const ecsTagResources = (state: CloudState) => tagWrite(state, tagResources);

/** ECS spells it UntagResources (lowercase t). */
export const ecsUntagResources = (state: CloudState) => tagWrite(state, untagResources);

/** ECS pages ListTagResources by NextToken only (no MaxResults); a page holds 50 rows. */
export function ecsListTagResources(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    return listTagResources(ctx.params, resourceKind(ctx.params, kinds(r)), 50, true);
  };
}
