import { isInstanceId, isObj, own, quote, str } from './ids.js';
import { bad, ignored, reconcile, type Verdict } from './verdict.js';

/**
 * States that change what should be mirrored: Running (its ENIs can be sources now) and Deleted (its ENIs are
 * gone and their sessions must let go of them). Other states leave sessions as they are.
 */
const ACT_ON = new Set(['Running', 'Deleted']);
const KNOWN = new Set(['Pending', 'Starting', 'Running', 'Stopping', 'Stopped', 'Deleted']);

/** ecs:Instance:StateChange fields, wherever the envelope put them (data, or data.content). */
export function instanceStateChange(fields: unknown, label: string): Verdict {
  if (!isObj(fields)) return bad(`${label} has no data object`);
  const content = own(fields, 'content');
  const f = isObj(content) ? content : fields;
  const instanceId = own(f, 'resourceId');
  const state = str(own(f, 'state'));
  if (!isInstanceId(instanceId)) return bad(`${label} has no valid instance id in resourceId (${quote(instanceId)})`);
  if (!state || !KNOWN.has(state)) return bad(`${label} has an unknown state ${quote(own(f, 'state'))}`);
  if (!ACT_ON.has(state)) return ignored(`instance ${instanceId} is ${state}: nothing to change`);
  return reconcile(`instance ${instanceId} is ${state}`, { instanceIds: [instanceId] });
}
