import { LIMITS, type Session } from '../shared/domain.js';
import { describeAction } from '../shared/engine/describe.js';
import type { EnsureResult } from '../shared/engine/ensure.js';
import { isOwned, ruleOf, unprovenClaim } from '../shared/engine/ownership.js';
import { targetLabel } from '../shared/engine/placement.js';
import { evalTimes } from '../shared/engine/timebox.js';
import { explainEni, type Explanation as Trace } from '../shared/policy/evaluate.js';
import type { Policy } from '../shared/policy/types.js';

/** What `automirror explain` found for one ENI: the policy's trace, the sessions on it, what the engine would do. */
export interface EniExplanation {
  readonly id: string;
  readonly primary: boolean;
  readonly status: string;
  readonly zoneId: string;
  readonly instanceId?: string;
  /** `temporary`: what became of a temporary-mirroring tag (mirrored until when, expired, refused and why). */
  readonly policy: {
    readonly mirroredBy?: string;
    readonly excluded?: string;
    readonly optOut?: string;
    readonly temporary?: { readonly status: string; readonly until?: string; readonly why: string };
  };
  readonly tags: Trace['tags'];
  readonly rules: Trace['rules'];
  readonly sessions: readonly {
    readonly id: string;
    readonly whose: string;
    readonly priority: number;
    readonly target: string;
    readonly sources: number;
    readonly enabled: boolean;
    readonly status: string;
  }[];
  readonly sessionLimit: number;
  readonly engineWould: { readonly actions: readonly string[]; readonly unmirrored: readonly string[]; readonly deferred: readonly string[] };
}

/** `automirror explain --json`: the document; the text is rendered from the same. */
export interface ExplainDocument {
  readonly id: string;
  readonly regionId: string;
  readonly enis: readonly EniExplanation[];
  /** Changes the dry run would make that concern no ENI of the subject (a pooled session's other sources…). */
  readonly otherChanges: readonly string[];
}

function whose(s: Session): string {
  const claim = unprovenClaim(s);
  if (claim) return `claims automirror’s ownership, ${claim.verdict}: ${claim.why} (never modified)`;
  return isOwned(s) ? `rule ${ruleOf(s)}` : 'not owned by automirror (never modified)';
}

/** Whether the dry run found what was asked for: an ENI, or an instance with its ENIs. */
export const found = (r: EnsureResult): boolean => r.observed.enis.length > 0 && r.observed.goneInstances.length + r.observed.goneEnis.length === 0;

export function explanation(id: string, r: EnsureResult, policy: Policy, now: number): ExplainDocument {
  const { enis, instances } = r.observed;
  // Judged at the same time, and on the same sessions and tag writes, as the dry run's plan (temporary rules, expires).
  const at = evalTimes(r.observed.sessions, now, r.subject.tagWrites, enis);
  const explained = [...enis]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((eni): EniExplanation => {
      // Judged on the same record of who set any opt-out tag as the dry run's plan was (ActionTrail).
      const x = explainEni(policy, eni, eni.instanceId ? instances.get(eni.instanceId) : undefined, r.subject.regionId, r.attribution?.writes, at(eni.id));
      const d = x.decision;
      const { id, primary, status, zoneId, instanceId } = eni;
      return {
        id,
        primary,
        status,
        zoneId,
        ...(instanceId ? { instanceId } : {}),
        policy: {
          ...('spec' in d ? { mirroredBy: d.spec.rule, ...(d.optOut ? { optOut: d.optOut.why } : {}) } : { excluded: d.excluded }),
          ...(d.temporary ? { temporary: { status: d.temporary.status, ...(d.temporary.until ? { until: d.temporary.until } : {}), why: d.temporary.why } } : {}),
        },
        tags: x.tags,
        rules: x.rules,
        sessions: r.observed.sessions
          .filter((s) => s.sourceIds.includes(eni.id))
          .map((s) => ({ id: s.id, whose: whose(s), priority: s.priority, target: targetLabel(s.target), sources: s.sourceIds.length, enabled: s.enabled, status: s.status })),
        sessionLimit: LIMITS.sessionsPerEni,
        engineWould: {
          actions: r.actions.filter((a) => a.eniIds.includes(eni.id)).map(describeAction),
          unmirrored: r.unmirrored.filter((u) => u.eniId === eni.id).map((u) => u.reason),
          deferred: r.deferred.filter((d) => d.eniIds.includes(eni.id)).map((d) => d.reason),
        },
      };
    });
  const others = r.actions.filter((a) => !a.eniIds.some((e) => enis.some((x) => x.id === e))).map(describeAction);
  return { id, regionId: r.subject.regionId, enis: explained, otherChanges: others };
}

export function explanationLines(doc: ExplainDocument): string[] {
  const out: string[] = [];
  const line = (s = '', depth = 0) => out.push(`${'  '.repeat(depth)}${s}`);
  for (const e of doc.enis) {
    line();
    line(`${e.id}  (${e.primary ? 'primary' : 'secondary'}, ${e.status}, ${e.zoneId}${e.instanceId ? `, instance ${e.instanceId}` : ', not attached'})`);
    line(e.policy.mirroredBy !== undefined ? `policy: mirrored by rule ${e.policy.mirroredBy}` : `policy: not mirrored: ${e.policy.excluded}`, 1);
    if (e.policy.optOut) line(`opt-out: ${e.policy.optOut}`, 2);
    if (e.policy.temporary) line(`temporary: ${e.policy.temporary.status}: ${e.policy.temporary.why}`, 2);
    line(`tags seen: ${e.tags.map((t) => `${t.key}=${t.value} (${t.from})`).join(', ') || 'none'}`, 2);
    for (const t of e.rules) line(`rule ${t.rule}: ${t.detail}`, 2);
    line(`sessions on it: ${e.sessions.length} of ${e.sessionLimit}`, 1);
    for (const s of e.sessions) line(`${s.id}  ${s.whose}, priority ${s.priority}, → ${s.target}, ${s.sources} source(s), ${s.enabled ? 'enabled' : 'disabled'}, ${s.status}`, 2);
    const w = e.engineWould;
    line(w.actions.length + w.unmirrored.length + w.deferred.length === 0 ? 'the engine would do nothing: it is as the policy wants' : 'the engine would:', 1);
    for (const a of w.actions) line(a, 2);
    for (const u of w.unmirrored) line(`leave it unmirrored: ${u}`, 2);
    for (const d of w.deferred) line(`defer it: ${d}`, 2);
  }
  if (doc.otherChanges.length > 0) {
    line();
    line('other changes the engine would make:');
    for (const a of doc.otherChanges) line(a, 1);
  }
  return out;
}
