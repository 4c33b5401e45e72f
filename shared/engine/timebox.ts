import type { Session } from '../domain.js';
import type { EvalTime } from '../policy/temporary.js';
import { isOwned, ruleOf } from './ownership.js';

/**
 * The time each ENI is judged at: the engine clock's now, and per rule the creation of the ENI's own proven session
 * of it (the anchor of an `automirror:for` expiry: the cloud's CreationTime, which no tag write resets). Only per-ENI
 * sessions count; of several (a lost race), the earliest, so a second session can't extend the first.
 */
export function evalTimes(sessions: readonly Session[], now: number): (eniId: string) => EvalTime {
  const since = new Map<string, Map<string, string>>();
  for (const s of sessions) {
    if (!isOwned(s) || s.status === 'Deleting' || s.sourceIds.length !== 1 || s.createdAt === undefined) continue;
    const [eniId] = s.sourceIds;
    const rule = ruleOf(s) as string;
    const byRule = since.get(eniId) ?? new Map<string, string>();
    const seen = byRule.get(rule);
    if (seen === undefined || Date.parse(s.createdAt) < Date.parse(seen)) byRule.set(rule, s.createdAt);
    since.set(eniId, byRule);
  }
  return (eniId) => {
    const s = since.get(eniId);
    return s ? { now, since: s } : { now };
  };
}
