import type { PopContext } from '../pop/protocol.js';
import { listTagResources, type ResourceKind, resourceKind, tagResources, untagResources } from '../pop/tag-resources.js';
import type { CloudState, RegionState } from '../state.js';

/** The traffic-mirror resource types VPC tags (other VPC types are outside localcloud). */
function kinds(r: RegionState): Record<string, ResourceKind> {
  return {
    TRAFFICMIRRORSESSION: {
      type: 'TRAFFICMIRRORSESSION',
      get: (id) => r.sessions.get(id),
      all: () => r.sessions.sorted().map((s) => [s.trafficMirrorSessionId, s]),
    },
    TRAFFICMIRRORFILTER: {
      type: 'TRAFFICMIRRORFILTER',
      get: (id) => r.filters.get(id),
      all: () => r.filters.sorted().map((f) => [f.trafficMirrorFilterId, f]),
    },
  };
}

const withKind =
  <T>(state: CloudState, run: (ctx: PopContext, kind: ResourceKind) => T) =>
  (ctx: PopContext) =>
    run(ctx, resourceKind(ctx.params, kinds(state.region(ctx.params.str('RegionId')))));

export const vpcTagResources = (state: CloudState) =>
  withKind(state, (ctx, kind) => {
    tagResources(ctx.params, kind);
    return {};
  });

/** VPC spells it UnTagResources (capital T). */
export const vpcUnTagResources = (state: CloudState) =>
  withKind(state, (ctx, kind) => {
    untagResources(ctx.params, kind);
    return {};
  });

export const vpcListTagResources = (state: CloudState) => withKind(state, (ctx, kind) => listTagResources(ctx.params, kind, ctx.params.int('MaxResults', { min: 1, max: 50 }) ?? 50, false));
