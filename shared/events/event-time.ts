import { isObj, own, str } from './ids.js';
import { MAX_EVENTS_PER_BATCH } from './payload.js';
import { routedEvent } from './sources.js';

/** An event time further than this from the invocation's clock is not believed (skewed or hostile). */
const BELIEVABLE_MS = 24 * 3600_000;

/**
 * The `time` of each ECS CloudEvent in a trigger payload (one event or a batch), epoch ms: when the cloud saw the
 * launch, what time to mirror counts from. Other events (deferred work, VPC records) and unparsable or unbelievable
 * times (more than a day from `now`) give none.
 */
export function ecsEventTimes(payload: unknown, now: number): number[] {
  const list = (Array.isArray(payload) ? payload : [payload]).slice(0, MAX_EVENTS_PER_BATCH);
  const times: number[] = [];
  for (const item of list) {
    const e = routedEvent(item);
    if (!isObj(e) || own(e, 'source') !== 'acs.ecs') continue;
    const t = Date.parse(str(own(e, 'time')) ?? '');
    if (Number.isFinite(t) && Math.abs(now - t) <= BELIEVABLE_MS) times.push(t);
  }
  return times;
}
