import type { Action, Plan } from './actions.js';
import { targetLabel } from './placement.js';

/** One action as a line a person reads: what, on which session, and why. */
export function describeAction(a: Action): string {
  const where = 'sessionId' in a ? ` ${a.sessionId}` : '';
  const how =
    a.kind === 'create' || a.kind === 'replace'
      ? ` (${targetLabel(a.draft.target)}, priority ${a.draft.priority} or the next free one in ${a.band.min}–${a.band.max}${a.kind === 'replace' && a.breakFirst ? ', old one deleted first: no free slot' : ''})`
      : a.kind === 'add-sources' || a.kind === 'remove-sources'
        ? ` (${a.eniIds.join(', ')})`
        : '';
  return `${a.kind}${where}${how}: ${a.reason}`;
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
