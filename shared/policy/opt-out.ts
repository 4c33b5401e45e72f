import { type Principal, principalArn, type Tags, type TagWrite, writesKey } from '../domain.js';
import { compileExpr, q, type TagView } from './selector.js';
import type { OptOut, PrincipalPattern } from './types.js';

/**
 * Governed opt-outs: whether an opt-out tag found on an ENI or its instance is honoured, judged on who wrote it
 * (the latest recorded write of the opt-out tag's key) and on the policy's `optOut.allowedPrincipals` and
 * `optOut.protected`; and the same judgement of the other way out, removing or changing the tag a rule selects on
 * (judgeRemoval). Pure; the writes come from events or ActionTrail lookups, gathered by the caller.
 */

/** One opt-out tag found, and what became of it. */
export interface OptOutRecord {
  readonly on: 'ENI' | 'instance';
  readonly resourceId: string;
  readonly tag: string;
  readonly value: string;
  /** Who set the tag, and when, when a record of it was found. */
  readonly by?: Principal;
  readonly at?: string;
  readonly status: 'honoured' | 'overridden';
  /** How the ENI was taken out: the opt-out tag set, or the tag its rule selects on removed or changed. */
  readonly via: 'opt-out tag' | 'opt-in tag removed';
  /** The rule that would mirror the ENI without the opt-out (for an overridden one: the rule that does). */
  readonly rule?: string;
  /** The whole reason, for people: which tag, set by whom, and why it is honoured or overridden. */
  readonly why: string;
}

/** The latest write of the opt-out tag's key, per resource id. */
export type OptOutWrites = ReadonlyMap<string, TagWrite>;

/** From any tag writes (events, lookups), those that set the opt-out key: the latest per resource. */
export function optOutWrites(optOut: OptOut | undefined, writes: readonly TagWrite[]): Map<string, TagWrite> {
  const out = new Map<string, TagWrite>();
  if (!optOut) return out;
  for (const w of writes) {
    if (!writesKey(w, optOut.tag)) continue;
    const seen = out.get(w.resourceId);
    if (!seen || seen.time < w.time) out.set(w.resourceId, w);
  }
  return out;
}

export function allows(patterns: readonly PrincipalPattern[], p: Principal): boolean {
  return patterns.some(
    (a) =>
      a.accountId === p.accountId &&
      ((a.kind === 'root' && p.type === 'root-account') || (a.kind === 'user' && p.type === 'ram-user' && a.name === p.name) || (a.kind === 'role' && p.type === 'assumed-role' && a.name === p.name)),
  );
}

/**
 * An ENI automirror mirrors under `rule` (a proven session says so) that the rule's tags no longer select: the
 * latest write of one of the rule's tag keys on the ENI or its instance since the session was created, and whether
 * the search for it was complete (every record read back to the session's creation, within the trail's retention).
 */
export interface OptInRemoval {
  readonly rule: string;
  readonly write?: TagWrite;
  readonly complete: boolean;
}

export interface OptOutJudge {
  /** The opt-out on the ENI or its instance that decides, or undefined when neither carries the tag. */
  judge(eni: { id: string; tags: Tags }, instance: { id: string; tags: Tags } | undefined, merged: TagView, writes: OptOutWrites | undefined): OptOutRecord | undefined;
  /**
   * Whether taking the ENI out of `removal.rule` by a tag write is an opt-out the policy governs, and its fate;
   * undefined when it is none: no governance (`allowedPrincipals`/`protected`), or a complete search found no tag
   * write since the session was created (so the rule itself changed: a policy edit is authoritative).
   */
  judgeRemoval(eniId: string, instanceId: string | undefined, merged: TagView, removal: OptInRemoval, keys: readonly string[]): OptOutRecord | undefined;
}

export function compileOptOut(o: OptOut | undefined): OptOutJudge {
  if (!o) return { judge: () => undefined, judgeRemoval: () => undefined };
  const protectedInstances = new Set(o.protected?.instances ?? []);
  const protectedEnis = new Set(o.protected?.enis ?? []);
  const protectedMatch = o.protected?.match && compileExpr(o.protected.match);
  const protection = (eniId: string, instanceId: string | undefined, merged: TagView): string | undefined => {
    if (protectedEnis.has(eniId)) return `${eniId} is protected (optOut.protected.enis)`;
    if (instanceId !== undefined && protectedInstances.has(instanceId)) return `${instanceId} is protected (optOut.protected.instances)`;
    return protectedMatch?.test(merged) ? 'its tags match optOut.protected.match' : undefined;
  };
  const one = (on: OptOutRecord['on'], id: string, tags: Tags, protectedWhy: string | undefined, writes: OptOutWrites | undefined): OptOutRecord | undefined => {
    if (!Object.hasOwn(tags, o.tag) || (o.value !== undefined && tags[o.tag] !== o.value)) return undefined;
    const value = tags[o.tag];
    const w = writes?.get(id);
    const who = w && { by: w.by, at: w.time };
    const base = `opt-out tag ${q(o.tag)}=${q(value)} on the ${on}${w ? `, set by ${principalArn(w.by)} at ${w.time}` : ''}`;
    const record = (status: OptOutRecord['status'], why: string): OptOutRecord => ({ on, resourceId: id, tag: o.tag, value, ...who, status, via: 'opt-out tag', why });
    if (protectedWhy) return record('overridden', `${base}, overridden: ${protectedWhy}`);
    if (!o.allowedPrincipals) return record('honoured', base);
    if (!w) return record('overridden', `${base}, overridden: who set it is unknown (no ActionTrail record of the tag write found), and only optOut.allowedPrincipals may opt out`);
    if (!allows(o.allowedPrincipals, w.by)) return record('overridden', `${base}, overridden: ${principalArn(w.by)} is not in optOut.allowedPrincipals`);
    return record('honoured', base);
  };
  return {
    judge(eni, instance, merged, writes) {
      const protectedWhy = protection(eni.id, instance?.id, merged);
      const found = [one('ENI', eni.id, eni.tags, protectedWhy, writes), instance && one('instance', instance.id, instance.tags, protectedWhy, writes)].filter(
        (r): r is OptOutRecord => r !== undefined,
      );
      // Either resource's honoured opt-out excludes the ENI (an ENI tag does not override an instance's opt-out).
      return found.find((r) => r.status === 'honoured') ?? found[0];
    },
    judgeRemoval(eniId, instanceId, merged, removal, keys) {
      if (!o.allowedPrincipals && !o.protected) return undefined;
      const w = removal.write;
      const protectedWhy = protection(eniId, instanceId, merged);
      // Without a write found, only an incomplete search leaves the question open: with no allow-list, everyone may opt out.
      if (!w && (removal.complete || (!protectedWhy && !o.allowedPrincipals))) return undefined;
      const written = w ? keys.filter((k) => writesKey(w, k)) : keys;
      const on: OptOutRecord['on'] = w && w.resourceId !== eniId ? 'instance' : 'ENI';
      const removed = written.map((k) => (merged[k] === undefined ? `${q(k)} removed` : `${q(k)} changed to ${q(merged[k] as string)}`)).join(', ');
      const base = `opt-in tag removed: rule ${removal.rule} no longer selects it (${removed}${w ? ` on the ${on}, by ${w.eventName} of ${principalArn(w.by)} at ${w.time}` : ''})`;
      const record = (status: OptOutRecord['status'], why: string): OptOutRecord => ({
        on,
        resourceId: w?.resourceId ?? eniId,
        tag: written.join(','),
        value: written.map((k) => merged[k] ?? '').join(','),
        ...(w && { by: w.by, at: w.time }),
        status,
        via: 'opt-in tag removed',
        rule: removal.rule,
        why,
      });
      if (protectedWhy) return record('overridden', `${base}, overridden: ${protectedWhy}`);
      if (!w) return record('overridden', `${base}, overridden: who removed it is not known yet (the ActionTrail search was not complete), and only optOut.allowedPrincipals may opt out`);
      if (o.allowedPrincipals && !allows(o.allowedPrincipals, w.by)) return record('overridden', `${base}, overridden: ${principalArn(w.by)} is not in optOut.allowedPrincipals`);
      return record('honoured', base);
    },
  };
}

/** The resources whose opt-out an evaluation would judge without a known writer: what is worth looking up. */
export function unattributed(o: OptOut | undefined, resources: ReadonlyArray<{ id: string; tags: Tags }>, writes: OptOutWrites): string[] {
  if (!o) return [];
  return resources.filter((r) => Object.hasOwn(r.tags, o.tag) && (o.value === undefined || r.tags[o.tag] === o.value) && !writes.has(r.id)).map((r) => r.id);
}
