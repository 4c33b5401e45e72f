import type { TagHistory, TagSearch } from '../cloud/actiontrail.js';
import { type Eni, type Instance, latestWrite, type Session, type TagWrite, writesKey } from '../domain.js';
import { type Decision, evaluate, removalKeys } from '../policy/evaluate.js';
import type { OptInRemoval, OptOutWrites } from '../policy/opt-out.js';
import type { EvalTime } from '../policy/temporary.js';
import type { Policy } from '../policy/types.js';
import { INSTANCE_TAG, ruleOf } from './ownership.js';
import { outOfTime } from './result.js';

/**
 * Opting out by removing the opt-in tag, under a governed policy: an ENI a proven session of rule R mirrors, which
 * R's tags no longer select, is re-decided on the last write of R's tag keys on the ENI and its instance since the
 * session was created (the policy judges it: shared/policy/opt-out.ts judgeRemoval). The writes come from the
 * events (their ActionTrail records) or from LookupEvents, within the caller's lookup budget and in ENI id order
 * (the same ones each run). A search not made or cut short is incomplete, which the policy never reads as "no write".
 */

export interface RemovalOptions {
  readonly history?: TagHistory;
  readonly maxLookups: number;
  /** Earlier answers in the same run (a region reconcile's later passes), by resource, keys and since. */
  readonly cache?: Map<string, TagSearch>;
  readonly check?: () => void;
}

export interface RemovalFacts {
  readonly decisions: Decision[];
  readonly lookups: number;
}

export async function judgeRemovals(
  policy: Policy,
  enis: readonly Eni[],
  instanceOf: (eni: Eni) => Instance | undefined,
  sessions: readonly Session[],
  decisions: readonly Decision[],
  known: { readonly tagWrites: readonly TagWrite[]; readonly optOutWrites: OptOutWrites; readonly regionId?: string; readonly at?: (eniId: string) => EvalTime },
  opts: RemovalOptions,
): Promise<RemovalFacts> {
  const holder = new Map<string, Session>();
  for (const s of sessions) if (ruleOf(s) !== undefined && s.status !== 'Deleting') for (const id of s.sourceIds) if (!holder.has(id)) holder.set(id, s);
  const out = [...decisions];
  const index = new Map(decisions.map((d, i) => [d.eniId, i]));
  let lookups = 0;
  const byId = [...enis].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const eni of byId) {
    const s = holder.get(eni.id);
    const i = index.get(eni.id);
    if (!s || i === undefined) continue;
    const instance = instanceOf(eni);
    const held = { rule: ruleOf(s) as string, ...(s.tags[INSTANCE_TAG] !== undefined && { instanceId: s.tags[INSTANCE_TAG] }) };
    const keys = removalKeys(policy, eni, instance, held, decisions[i], known.regionId, known.at?.(eni.id));
    if (!keys || !instance) continue;
    const searches: TagSearch[] = [];
    for (const resourceId of [eni.id, instance.id]) {
      const r = await search(resourceId, keys, s.createdAt, known.tagWrites, opts, opts.maxLookups - lookups);
      lookups += r.looked ? 1 : 0;
      searches.push(r.search);
    }
    const write = latestWrite(searches.map((x) => x.write));
    const removal: OptInRemoval = { rule: held.rule, ...(write && { write }), complete: searches.every((x) => x.complete) };
    out[i] = evaluate(policy, eni, instance, known.regionId, known.optOutWrites, removal, known.at?.(eni.id));
  }
  return { decisions: out, lookups };
}

/** The last write of `keys` on one resource since `since`: from the events, the run's cache, or one lookup if the budget allows. */
async function search(
  resourceId: string,
  keys: readonly string[],
  since: string | undefined,
  known: readonly TagWrite[],
  opts: RemovalOptions,
  budget: number,
): Promise<{ search: TagSearch; looked: boolean }> {
  const from = since === undefined ? Number.NaN : Date.parse(since);
  const fromEvents = latestWrite(known.filter((w) => w.resourceId === resourceId && keys.some((k) => writesKey(w, k)) && !(Date.parse(w.time) < from)));
  if (fromEvents) return { search: { write: fromEvents, complete: true }, looked: false };
  const cacheKey = `${resourceId}\n${keys.join('\n')}\n${since ?? ''}`;
  const cached = opts.cache?.get(cacheKey);
  if (cached) return { search: cached, looked: false };
  if (!opts.history || budget <= 0) return { search: { complete: false }, looked: false };
  opts.check?.();
  let found: TagSearch;
  try {
    found = await opts.history.lastWriteSince(resourceId, keys, since);
  } catch (err) {
    if (outOfTime(err)) throw err;
    // Retries are spent (callPolicy): the search is incomplete, which keeps a governed ENI mirrored; never a reason to drop the run.
    found = { complete: false };
  }
  opts.cache?.set(cacheKey, found);
  return { search: found, looked: true };
}
