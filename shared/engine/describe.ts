import type { Action, Plan } from './actions.js';
import { kindOf } from './kinds.js';

/** One action as a line a person reads: what, on which session, and why. */
export function describeAction(a: Action): string {
  const where = 'sessionId' in a ? ` ${a.sessionId}` : '';
  return `${a.kind}${where}${kindOf(a).detail(a as never)}: ${a.reason}`;
}

/** A plan as the lines a dry run prints: the actions in order, then what stays unmirrored, deferred or unowned. */
export function describePlan(p: Plan): string[] {
  return [
    ...(p.actions.length === 0 ? ['nothing to change'] : p.actions.map(describeAction)),
    ...p.unmirrored.map((u) => `unmirrored ${u.eniId} (rule ${u.rule}): ${u.reason}`),
    ...p.deferred.map((d) => `deferred ${d.eniIds.join(', ')}: ${d.reason}`),
    ...p.unowned.map((u) => `not automirror's, left alone: ${u.sessionId} (priority ${u.priority}, ${u.sourceIds.length} source(s) → ${u.target})`),
  ];
}
