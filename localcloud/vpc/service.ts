import { ApiError } from '../core/api-error.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import { recordedOperation } from './events.js';

/** Activation is per region; opening it twice answers ORDER.OPEND, which Terraform treats as "already open". */
export const openTrafficMirrorService = (state: CloudState) =>
  recordedOperation(state, undefined, (_ctx, r) => {
    if (r.trafficMirrorServiceOpened) throw new ApiError('ORDER.OPEND', 'The traffic mirror service has already been opened.', 400);
    r.trafficMirrorServiceOpened = true;
    return { Code: '200', Message: 'successful' };
  });

export function getTrafficMirrorServiceStatus(state: CloudState) {
  return (ctx: PopContext) => ({ Enabled: state.region(ctx.params.str('RegionId')).trafficMirrorServiceOpened });
}
