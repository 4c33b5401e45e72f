import { type Eni, latestWrite, type Session, type TagWrite, writesKey } from '../domain.js';
import { type EvalTime, FOR_TAG } from '../policy/temporary.js';
import { isOwned, ruleOf } from './ownership.js';

/**
 * The time each ENI is judged at: the engine clock's now, and per rule the creation of the ENI's own proven session
 * of it (the anchor of an `automirror:for` expiry: the cloud's CreationTime, which no tag write resets). Only per-ENI
 * sessions count; of several (a lost race), the earliest, so a second session can't extend the first. Before there is
 * a session, `automirror:for` counts from its write on the ENI or its instance, when an event of `writes` recorded it.
 */
export function evalTimes(sessions: readonly Session[], now: number, writes: readonly TagWrite[] = [], enis: readonly Eni[] = []): (eniId: string) => EvalTime {
  const forWrites = writes.filter((w) => w.eventName !== 'UntagResources' && writesKey(w, FOR_TAG));
  const instanceOf = new Map(enis.map((e) => [e.id, e.instanceId]));
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
    const w = forWrites.length > 0 ? latestWrite(forWrites.filter((x) => x.resourceId === eniId || x.resourceId === instanceOf.get(eniId))) : undefined;
    return { now, ...(s && { since: s }), ...(w && { written: w.time }) };
  };
}
