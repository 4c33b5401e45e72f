import type { TagHistory } from '../cloud/actiontrail.js';
import type { Tags, TagWrite } from '../domain.js';
import { type OptOutWrites, optOutWrites, unattributed } from '../policy/opt-out.js';
import type { Policy } from '../policy/types.js';
import { outOfTime } from './result.js';

/**
 * Who set each opt-out tag the policy will judge: the writes events brought (the subject's facts), and, for
 * opt-outs no event explained, ActionTrail's record, looked up for at most `maxLookups` resources in id order
 * (the same ones each run, so a decision does not flip between runs). What is not found, or not looked up, is
 * judged as "principal unknown" by the policy (shared/policy/opt-out.ts).
 */
export interface Attribution {
  readonly writes: OptOutWrites;
  /** Resources looked up without a record found (outside the retention, or the lookup failed: `why`). */
  readonly unknown: ReadonlyArray<{ readonly resourceId: string; readonly why: string }>;
  /** Opt-outs left unlooked-up past the budget. */
  readonly notLookedUp: readonly string[];
  readonly lookups: number;
}

/** Lookups per run: LookupEvents allows two calls a second, and each lookup may take a few pages. */
export const LOOKUPS_PER_EVENT = 10;
export const LOOKUPS_PER_REGION_RUN = 50;

export interface AttributionOptions {
  readonly history?: TagHistory;
  readonly maxLookups: number;
  /** Earlier answers in the same run (a region reconcile's later passes), updated here: null is "none found". */
  readonly cache?: Map<string, TagWrite | null>;
  readonly check?: () => void;
}

export async function attributeOptOuts(policy: Policy, resources: ReadonlyArray<{ id: string; tags: Tags }>, known: readonly TagWrite[], opts: AttributionOptions): Promise<Attribution> {
  const o = policy.optOut;
  const cached = [...(opts.cache?.values() ?? [])].filter((w): w is TagWrite => w !== null);
  const writes = optOutWrites(o, [...known, ...cached]);
  const todo = o ? [...new Set(unattributed(o, resources, writes))].filter((id) => !opts.cache?.has(id)).sort() : [];
  const unknown: Array<{ resourceId: string; why: string }> = [];
  for (const [id, w] of opts.cache ?? []) if (w === null && resources.some((r) => r.id === id)) unknown.push({ resourceId: id, why: 'no ActionTrail record of the tag write' });
  if (!o || !opts.history || todo.length === 0) return { writes, unknown, notLookedUp: opts.history ? [] : todo, lookups: 0 };
  const now = todo.slice(0, opts.maxLookups);
  for (const id of now) {
    opts.check?.();
    let found: TagWrite | undefined;
    try {
      found = await opts.history.lastTagWrite(id, o.tag);
    } catch (err) {
      if (outOfTime(err)) throw err;
      // Retries are spent (callPolicy): the writer stays unknown, which the policy judges as such; never a reason to drop the run.
      unknown.push({ resourceId: id, why: `LookupEvents failed: ${(err as { code?: string }).code ?? (err as Error).message}` });
      continue;
    }
    opts.cache?.set(id, found ?? null);
    if (found) writes.set(id, found);
    else unknown.push({ resourceId: id, why: 'no ActionTrail record of the tag write' });
  }
  return { writes, unknown, notLookedUp: todo.slice(opts.maxLookups), lookups: now.length };
}
