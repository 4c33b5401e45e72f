import type { EcsInventory } from '../cloud/ecs.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { Eni, Instance, Session, Subject } from '../domain.js';
import { evaluate, type Decision } from '../policy/evaluate.js';
import type { Policy } from '../policy/types.js';
import type { Action, Outcome } from './actions.js';
import { apply } from './apply.js';
import { plan } from './plan.js';

export interface EnsureDeps {
  readonly policy: Policy;
  readonly ecs: EcsInventory;
  readonly vpc: MirrorSessions;
}

export interface EnsureResult {
  readonly subject: Subject;
  readonly decisions: readonly Decision[];
  readonly actions: readonly Action[];
  readonly outcomes: readonly Outcome[];
}

/** Reads the subject's ENIs, instances and sessions: the actual state the plan is computed against. */
async function observe(subject: Subject, deps: EnsureDeps): Promise<{ enis: Eni[]; instances: Map<string, Instance>; sessions: Session[] }> {
  const enis = new Map<string, Eni>();
  for (const instanceId of subject.instanceIds) for (const e of await deps.ecs.enis({ instanceId })) enis.set(e.id, e);
  const loose = subject.eniIds.filter((id) => !enis.has(id));
  if (loose.length > 0) for (const e of await deps.ecs.enis({ eniIds: loose })) enis.set(e.id, e);
  const instanceIds = [...new Set([...subject.instanceIds, ...[...enis.values()].flatMap((e) => (e.instanceId ? [e.instanceId] : []))])];
  const instances = new Map((instanceIds.length > 0 ? await deps.ecs.instances(instanceIds) : []).map((i) => [i.id, i]));
  const sessions = new Map<string, Session>();
  for (const eni of enis.values()) for (const s of await deps.vpc.list({ sourceId: eni.id })) sessions.set(s.id, s);
  return { enis: [...enis.values()], instances, sessions: [...sessions.values()] };
}

/** One reconcile of a subject: observe, decide per ENI, plan against the actual sessions, apply (unless dry-run). */
export async function ensure(subject: Subject, deps: EnsureDeps, opts: { runId: string; dryRun?: boolean }): Promise<EnsureResult> {
  const { enis, instances, sessions } = await observe(subject, deps);
  const decisions = enis.map((e) => evaluate(deps.policy, e, e.instanceId ? instances.get(e.instanceId) : undefined));
  const actions = plan(decisions, sessions);
  const outcomes = opts.dryRun ? [] : await apply(actions, deps.vpc, opts.runId);
  return { subject, decisions, actions, outcomes };
}
