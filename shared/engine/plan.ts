import type { Session } from '../domain.js';
import type { Decision } from '../policy/evaluate.js';
import type { Action } from './actions.js';
import { isOwned, ruleOf } from './ownership.js';

/**
 * The actions that turn `actual` into `desired` for the ENIs decided on: one session per opted-in ENI.
 * Pure; sessions automirror does not own are never acted on.
 */
export function plan(decisions: readonly Decision[], actual: readonly Session[]): Action[] {
  const owned = new Map<string, Session[]>();
  for (const s of actual.filter(isOwned)) {
    for (const src of s.sourceIds) owned.set(src, [...(owned.get(src) ?? []), s]);
  }
  const actions: Action[] = [];
  for (const d of decisions) {
    const mine = owned.get(d.eniId) ?? [];
    if ('spec' in d) {
      if (!mine.some((s) => ruleOf(s) === d.spec.rule && s.status !== 'Deleting')) {
        actions.push({ kind: 'create', eniId: d.eniId, spec: d.spec, reason: `rule ${d.spec.rule} opts ${d.eniId} in and no session of that rule mirrors it` });
      }
    } else {
      for (const s of mine.filter((x) => x.sourceIds.length === 1 && x.status !== 'Deleting')) {
        actions.push({ kind: 'delete', sessionId: s.id, reason: `${d.eniId} is no longer opted in (${d.excluded})` });
      }
    }
  }
  return actions;
}
