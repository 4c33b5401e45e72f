import type { PopContext } from '../pop/protocol.js';
import { listTagResources, type ResourceKind, resourceKind, tagResources, untagResources } from '../pop/tag-resources.js';
import type { CloudState, RegionState } from '../state.js';
import { type Mirrored, publishVpcCall } from './events.js';

const RECORDED: Record<string, Mirrored> = { TRAFFICMIRRORSESSION: 'TrafficMirrorSession', TRAFFICMIRRORFILTER: 'TrafficMirrorFilter' };

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

/** A tag write, then its ActionTrail record naming the resources tagged. */
const recordedTagWrite = (state: CloudState, write: typeof tagResources) =>
  withKind(state, (ctx, kind) => {
    const ids = write(ctx.params, kind);
    publishVpcCall(state, state.region(ctx.params.str('RegionId')).regionId, ctx, RECORDED[kind.type], ids, {});
    return {};
  });

export const vpcTagResources = (state: CloudState) => recordedTagWrite(state, tagResources);

/** VPC spells it UnTagResources (capital T). */
export const vpcUnTagResources = (state: CloudState) => recordedTagWrite(state, untagResources);

export const vpcListTagResources = (state: CloudState) => withKind(state, (ctx, kind) => listTagResources(ctx.params, kind, ctx.params.int('MaxResults', { min: 1, max: 50 }) ?? 50, false));
