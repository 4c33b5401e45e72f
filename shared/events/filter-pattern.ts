import { HANDLED_CALLS } from './actiontrail.js';
import { SESSION_CALLS } from './mirror-session-call.js';
import { ECS_SOURCE, eventTypesFrom, VPC_SOURCE } from './sources.js';

/** The API names that end in it: one `suffix` expression covers them all. */
const GROUPED_SUFFIX = 'NetworkInterface';

/**
 * The EventBridge filter pattern for the one ECS trigger `automirror setup` creates: the events on-event handles.
 * Keys are ANDed, so a plain `data.eventName` list would also drop StateChange events (which have none); OR-ing
 * `exists: false` into that list keeps them in one rule (the default bus holds at most 10). EventBridge takes at
 * most 5 expressions per field, so the four *NetworkInterface calls share one suffix expression.
 */
export function ecsEventPattern(): Record<string, unknown> {
  const calls = [...HANDLED_CALLS];
  const grouped = calls.filter((c) => c.endsWith(GROUPED_SUFFIX));
  const listed = calls.filter((c) => !c.endsWith(GROUPED_SUFFIX));
  return {
    source: [ECS_SOURCE],
    type: eventTypesFrom(ECS_SOURCE),
    data: { eventName: [{ exists: false }, ...listed, ...(grouped.length > 0 ? [{ suffix: GROUPED_SUFFIX }] : [])] },
  };
}

/** The VPC trigger's pattern: the ActionTrail records of the calls that start or widen a traffic mirror session. */
export function vpcEventPattern(): Record<string, unknown> {
  return { source: [VPC_SOURCE], type: eventTypesFrom(VPC_SOURCE), data: { eventName: [...SESSION_CALLS] } };
}
