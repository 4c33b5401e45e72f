import { HANDLED_CALLS } from './actiontrail.js';
import { CLOUD_EVENT_TYPES } from './payload.js';

/**
 * The EventBridge filter pattern for the one ECS trigger `automirror setup` creates: exactly the events on-event
 * handles. Keys are ANDed, so a plain `data.eventName` list would also drop StateChange events (which have none);
 * OR-ing `exists: false` into that list keeps them in one rule (the default bus holds at most 10).
 */
export function ecsEventPattern(): Record<string, unknown> {
  return {
    source: ['acs.ecs'],
    type: Object.keys(CLOUD_EVENT_TYPES),
    data: { eventName: [{ exists: false }, ...HANDLED_CALLS] },
  };
}
