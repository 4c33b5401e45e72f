import type { EcsInventory } from '../cloud/ecs.js';
import type { Eni, Instance, Session } from '../domain.js';
import { type Decision, evaluate } from '../policy/evaluate.js';
import type { Policy } from '../policy/types.js';
import type { SourceView } from './take-over.js';

/**
 * The sources of `sessions`, read, and the policy's decision for each: what adoption and release judge by. A source
 * that can't be read has no decision, so nothing is adopted on its account (a read failure is not a verdict).
 */
export async function readSourceView(policy: Policy, sessions: readonly Session[], ecs: EcsInventory, regionId: string): Promise<SourceView> {
  const ids = [...new Set(sessions.flatMap((s) => s.sourceIds))].sort();
  if (ids.length === 0) return { enis: new Map(), decisions: new Map() };
  const enis: Eni[] = await ecs.enis({ eniIds: ids }).catch(() => []);
  const instanceIds = [...new Set(enis.flatMap((e) => (e.instanceId ? [e.instanceId] : [])))];
  const instances = new Map((instanceIds.length > 0 ? await ecs.instances(instanceIds).catch((): Instance[] => []) : []).map((i) => [i.id, i]));
  const decisions = new Map<string, Decision>(enis.map((e) => [e.id, evaluate(policy, e, e.instanceId ? instances.get(e.instanceId) : undefined, regionId)]));
  return { enis: new Map(enis.map((e) => [e.id, e])), decisions };
}
