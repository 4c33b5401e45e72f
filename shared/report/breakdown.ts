import type { MirrorTarget } from '../domain.js';
import type { Action, Outcome } from '../engine/actions.js';
import { isOwned, ruleOf } from '../engine/ownership.js';
import type { RegionPass } from '../engine/reconcile-region.js';
import type { CollectorBreakdown } from './model.js';

/** A session as the run left it: what the last scan read, with the writes that pass made applied. */
interface EndSession {
  readonly target: MirrorTarget;
  readonly sourceIds: ReadonlySet<string>;
  /** automirror's rule, for a session it owns (proven); undefined for anyone else's. */
  readonly rule?: string;
}

const succeeded = (o: Outcome | undefined): o is Extract<Outcome, { sessionId: string }> => o !== undefined && (o.status === 'done' || o.status === 'converged');

/** Applies one action done as planned to the sessions, as its kind says it changes them; `made` names a session it creates. */
function applyTo(sessions: Map<string, EndSession>, a: Action, made: string): void {
  const s = 'sessionId' in a ? sessions.get(a.sessionId) : undefined;
  switch (a.kind) {
    case 'create':
      sessions.set(made, { target: a.draft.target, sourceIds: new Set(a.draft.sourceIds), rule: a.rule });
      return;
    case 'replace':
      sessions.delete(a.sessionId);
      sessions.set(made, { target: a.draft.target, sourceIds: new Set(a.draft.sourceIds), rule: a.rule });
      return;
    case 'delete':
      sessions.delete(a.sessionId);
      return;
    case 'add-sources':
      if (s) sessions.set(a.sessionId, { ...s, sourceIds: new Set([...s.sourceIds, ...a.eniIds]) });
      return;
    case 'remove-sources':
      if (s) sessions.set(a.sessionId, { ...s, sourceIds: new Set([...s.sourceIds].filter((e) => !a.eniIds.includes(e))) });
      return;
    case 'update':
      if (s && a.set.target) sessions.set(a.sessionId, { ...s, target: a.set.target });
      return;
    case 're-sign':
      return;
  }
}

/** The region's sessions as scanned, less those being deleted. */
function scanned(pass: RegionPass): Map<string, EndSession> {
  const sessions = new Map<string, EndSession>();
  for (const s of pass.snapshot.sessions) if (s.status !== 'Deleting') sessions.set(s.id, { target: s.target, sourceIds: new Set(s.sourceIds), rule: isOwned(s) ? ruleOf(s) : undefined });
  return sessions;
}

/** The region's sessions at the end of a pass: the scan less those being deleted, with its accepted writes applied. */
export function sessionsAtEnd(pass: RegionPass): Map<string, EndSession> {
  const sessions = scanned(pass);
  pass.plan.actions.forEach((a, i) => {
    const o = pass.outcomes[i];
    if (succeeded(o)) applyTo(sessions, a, o.sessionId);
  });
  return sessions;
}

/** The region's sessions once the pass's plan is applied as planned: what `plan` compares with the scan. */
export function sessionsAfterPlan(pass: RegionPass): Map<string, EndSession> {
  const sessions = scanned(pass);
  // A session the plan creates has no id yet: its action's stands in for it.
  for (const a of pass.plan.actions) applyTo(sessions, a, `planned:${a.id}`);
  return sessions;
}

/**
 * The collectors of the rules that select ENIs in the region (the decisions carry each rule's pool), with what
 * every session toward them, anyone's, holds at the end of the pass, and their zone as the scan read it (an ENI's,
 * a CLB's MasterZoneId), else as the pool assigns it. A target two rules name with different capacities is shown
 * with the smaller one. Sorted by target id.
 */
export function collectorsOf(pass: RegionPass, regionId: string, sessions: ReadonlyMap<string, EndSession>): CollectorBreakdown[] {
  const pools = new Map<string, { target: MirrorTarget; capacity: number; zone?: string; rules: Set<string> }>();
  for (const d of pass.decisions) {
    if (!('spec' in d)) continue;
    for (const t of d.spec.targets) {
      const k = `${t.target.kind}:${t.target.id}`;
      const p = pools.get(k) ?? { target: t.target, capacity: t.capacity, rules: new Set<string>() };
      p.capacity = Math.min(p.capacity, t.capacity);
      p.zone ??= t.zoneId;
      p.rules.add(d.spec.rule);
      pools.set(k, p);
    }
  }
  const zones = new Map<string, string>([...pass.snapshot.enis.map((e) => [e.id, e.zoneId] as const), ...(pass.snapshot.slbZones ?? [])]);
  return [...pools.values()]
    .sort((a, b) => (a.target.id < b.target.id ? -1 : a.target.id > b.target.id ? 1 : 0))
    .map((p) => {
      const toward = [...sessions.values()].filter((s) => s.target.kind === p.target.kind && s.target.id === p.target.id);
      const scanned = zones.get(p.target.id);
      const zone = scanned ? { zone: scanned, zoneFrom: 'scan' as const } : p.zone ? { zone: p.zone, zoneFrom: 'policy' as const } : {};
      return {
        regionId,
        target: { kind: p.target.kind, id: p.target.id },
        ...zone,
        rules: [...p.rules].sort(),
        sessions: toward.length,
        ownedSessions: toward.filter((s) => s.rule !== undefined).length,
        sources: toward.reduce((n, s) => n + s.sourceIds.size, 0),
        capacity: p.capacity,
      };
    });
}
