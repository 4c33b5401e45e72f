import type { Session } from '../domain.js';
import type { OptOutRecord } from '../policy/opt-out.js';
import type { Action, Outcome } from './actions.js';
import { KINDS } from './kinds.js';
import { isOwned, ruleOf } from './ownership.js';
import { targetLabel } from './placement.js';
import type { RegionPass } from './reconcile-region.js';

/** Where one ENI stands at the end of a region reconcile; `overridden` flags an opt-out the policy did not honour. */
export type EniState =
  | { readonly state: 'mirrored'; readonly eniId: string; readonly instanceId?: string; readonly rule: string; readonly sessionIds: readonly string[]; readonly overridden?: OptOutRecord }
  | { readonly state: 'opted-out'; readonly eniId: string; readonly instanceId?: string; readonly rule: string; readonly optOut: OptOutRecord }
  | { readonly state: 'excluded'; readonly eniId: string; readonly instanceId?: string; readonly reason: string }
  | { readonly state: 'unmirrored'; readonly eniId: string; readonly instanceId?: string; readonly rule?: string; readonly reason: string; readonly overridden?: OptOutRecord };

/** A session automirror does not own that stands in the way of the policy: reported, never touched. */
export interface UnownedConflict {
  readonly sessionId: string;
  /** The opted-in ENIs it gets in the way of. */
  readonly eniIds: readonly string[];
  readonly reason: string;
}

const ok = (o: Outcome | undefined): boolean => o !== undefined && (o.status === 'done' || o.status === 'converged');

/** Why an action did not (yet) make its ENIs as the rule wants; undefined when it did. */
function shortfall(a: Action, o: Outcome | undefined): string | undefined {
  if (!o) return `${a.kind} proposed: ${a.reason}`;
  if (o.status === 'blocked') return o.reason;
  if (o.status === 'failed') return `${a.kind} failed: ${o.code}: ${o.error}`;
  if (o.status === 'deferred') return `${a.kind} deferred: ${o.reason}`;
  return undefined;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * Every ENI of the pass in exactly one state. An opted-in ENI counts as mirrored only when a session of its rule
 * holds it and nothing the plan wanted for it is left undone (proposed in report mode, failed, blocked, deferred):
 * mirrored means mirrored as the policy wants.
 */
export function regionCoverage(pass: RegionPass): EniState[] {
  const { snapshot, decisions, plan, outcomes } = pass;
  const enis = new Map(snapshot.enis.map((e) => [e.id, e]));
  const instanceOf = (eniId: string) => {
    const id = enis.get(eniId)?.instanceId;
    return id ? { instanceId: id } : {};
  };
  const pending = new Map<string, string>();
  const gained = new Map<string, string[]>();
  const left = new Set<string>();
  plan.actions.forEach((a, i) => {
    const o = outcomes[i];
    const sid = o && 'sessionId' in o ? o.sessionId : undefined;
    // Removals serve the ENIs leaving, not those staying: only placing kinds leave their ENIs pending.
    if (KINDS[a.kind].places) {
      const why = shortfall(a, o);
      for (const e of a.eniIds) {
        if (why !== undefined && !pending.has(e)) pending.set(e, why);
        if (why === undefined && sid) push(gained, e, sid);
      }
    }
    if (ok(o) && 'sessionId' in a && KINDS[a.kind].frees) for (const e of a.eniIds) left.add(`${a.sessionId}\u0000${e}`);
  });
  for (const u of plan.unmirrored) if (!pending.has(u.eniId)) pending.set(u.eniId, u.reason);
  const holders = new Map<string, Session[]>();
  for (const s of snapshot.sessions) if (isOwned(s) && s.status !== 'Deleting') for (const e of s.sourceIds) push(holders, e, s);
  const deferred = new Map(plan.deferred.flatMap((d) => d.eniIds.map((e) => [e, d.reason] as const)));

  const out: EniState[] = [];
  for (const d of decisions) {
    const eniId = d.eniId;
    if ('excluded' in d) {
      const o = d.optOut;
      out.push(o?.rule !== undefined ? { state: 'opted-out', eniId, ...instanceOf(eniId), rule: o.rule, optOut: o } : { state: 'excluded', eniId, ...instanceOf(eniId), reason: d.excluded });
      continue;
    }
    const overridden = d.optOut && { overridden: d.optOut };
    const rule = d.spec.rule;
    const kept = (holders.get(eniId) ?? []).filter((s) => ruleOf(s) === rule && !left.has(`${s.id}\u0000${eniId}`)).map((s) => s.id);
    const sessionIds = [...new Set([...kept, ...(gained.get(eniId) ?? [])])].sort();
    const why = pending.get(eniId) ?? (sessionIds.length === 0 ? (deferred.get(eniId) ?? `no session of rule ${rule} mirrors it`) : undefined);
    out.push(
      why === undefined ? { state: 'mirrored', eniId, ...instanceOf(eniId), rule, sessionIds, ...overridden } : { state: 'unmirrored', eniId, ...instanceOf(eniId), rule, reason: why, ...overridden },
    );
  }
  return out;
}

/**
 * Sessions automirror does not own that conflict with the policy: they fill an opted-in ENI's 3 session slots,
 * or they take precedence over automirror's session on the ENI, existing or planned (a lower priority number is
 * evaluated first, and a packet is mirrored once at most), so what their filter matches never reaches the rule's
 * target.
 */
export function unownedConflicts(pass: RegionPass): UnownedConflict[] {
  const { plan: p, snapshot, decisions } = pass;
  const rules = new Map(decisions.flatMap((d) => ('spec' in d ? [[d.eniId, d.spec.rule] as const] : [])));
  const blocked = new Map<string, string[]>();
  for (const u of p.unmirrored) for (const b of u.blockers ?? []) push(blocked, b, u.eniId);
  const ours = new Map<string, { id: string; priority: number; target: string }>();
  const mine = (eniId: string, id: string, priority: number, target: string) => {
    if ((ours.get(eniId)?.priority ?? Infinity) > priority) ours.set(eniId, { id, priority, target });
  };
  for (const s of snapshot.sessions) {
    const rule = ruleOf(s);
    if (rule !== undefined && s.status !== 'Deleting') for (const e of s.sourceIds) if (rules.get(e) === rule) mine(e, s.id, s.priority, targetLabel(s.target));
  }
  for (const a of p.actions) if (a.kind === 'create' || a.kind === 'replace') for (const e of a.eniIds) mine(e, `the ${a.kind} planned`, a.draft.priority, targetLabel(a.draft.target));
  const out: UnownedConflict[] = [];
  for (const u of p.unowned) {
    const slots = blocked.get(u.sessionId) ?? [];
    const shadowed = u.sourceIds.filter((e) => (ours.get(e)?.priority ?? -Infinity) > u.priority);
    if (slots.length === 0 && shadowed.length === 0) continue;
    const why = [
      ...(slots.length > 0 ? [`holds one of the 3 session slots of ${slots.join(', ')}, which the policy opts in`] : []),
      ...shadowed.map((e) => {
        const s = ours.get(e) as { id: string; priority: number; target: string };
        return `takes precedence on ${e} (priority ${u.priority} before ${s.priority} of ${s.id}): what its filter matches goes to ${u.target}, not to ${s.target}`;
      }),
    ];
    out.push({ sessionId: u.sessionId, eniIds: [...new Set([...slots, ...shadowed])].sort(), reason: `not automirror's, left alone: ${why.join('; ')}` });
  }
  return out;
}
