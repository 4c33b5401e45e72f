import type { LifecycleHookSpec, ScalingGroup } from '../../shared/cloud/ess.js';
import type { FcConfig } from '../../shared/cloud/invoker.js';
import { type MnsConfig, mnsClient } from '../../shared/cloud/mns.js';
import { HOOK_METADATA, HOOK_NAME } from '../../shared/events/lifecycle.js';
import type { LifecycleHooksPolicy } from '../../shared/policy/types.js';
import type { Settings } from '../../shared/settings.js';
import type { HookManagement } from './ess-hooks.js';
import { ensureTriggerConfig, queueTriggerConfig, removeTrigger, type WiringChange } from './event-triggers.js';

export interface HookChange {
  readonly scalingGroupId: string;
  readonly lifecycleHookId: string;
  readonly change: WiringChange;
}

/** The hook automirror puts on a group: named and described as ours, notifying our lifecycle queue. */
export function hookSpec(cfg: { regionId: string; accountId: string }, s: Settings, p: LifecycleHooksPolicy): LifecycleHookSpec {
  return {
    name: HOOK_NAME,
    transition: 'SCALE_OUT',
    defaultResult: p.defaultResult,
    heartbeatTimeout: p.heartbeatTimeout,
    notificationArn: `acs:ess:${cfg.regionId}:${cfg.accountId}:queue/${s.lifecycleQueue}`,
    metadata: HOOK_METADATA,
  };
}

const ours = (h: { name: string; metadata: string }) => h.name === HOOK_NAME && h.metadata === HOOK_METADATA;
const same = (a: LifecycleHookSpec, b: LifecycleHookSpec) =>
  a.transition === b.transition && a.defaultResult === b.defaultResult && a.heartbeatTimeout === b.heartbeatTimeout && a.notificationArn === b.notificationArn;

/** The groups the policy names: by id, and by tag; each once. */
async function namedGroups(ess: HookManagement, p: LifecycleHooksPolicy): Promise<ScalingGroup[]> {
  const found = new Map<string, ScalingGroup>();
  if (p.scalingGroups) for (const g of await ess.scalingGroups({ ids: p.scalingGroups })) found.set(g.id, g);
  if (p.scalingGroupTag) for (const g of await ess.scalingGroups({ tag: p.scalingGroupTag })) found.set(g.id, g);
  const missing = (p.scalingGroups ?? []).filter((id) => !found.has(id));
  if (missing.length > 0) throw new Error(`policy lifecycleHooks.scalingGroups names scaling groups this region does not have: ${missing.join(', ')}`);
  return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * What a held scale-out needs: the lifecycle queue, its trigger on on-event, and a SCALE_OUT hook on each group the
 * policy names (DescribeLifecycleHooks first: created when absent, modified when it differs, else left alone).
 */
export async function ensureLifecycleHooks(cfg: FcConfig & MnsConfig, ess: HookManagement, s: Settings, p: LifecycleHooksPolicy) {
  // A held action lives at most HeartbeatTimeout (21,600 s); its notification is kept a day.
  await (await mnsClient(cfg)).createQueue(s.lifecycleQueue, { VisibilityTimeout: 60, MessageRetentionPeriod: 86_400 });
  const trigger = await ensureTriggerConfig(
    cfg,
    s.onEventFunction,
    s.lifecycleTrigger,
    'automirror: Auto Scaling lifecycle notifications (scale-outs held until mirrored) to on-event',
    queueTriggerConfig(s.onEventFunction, s.lifecycleTrigger, s.lifecycleQueue),
  );
  const wanted = hookSpec(cfg, s, p);
  const hooks: HookChange[] = [];
  const named = await namedGroups(ess, p);
  for (const g of named) {
    const mine = (await ess.lifecycleHooks(g.id)).find(ours);
    if (!mine) hooks.push({ scalingGroupId: g.id, lifecycleHookId: await ess.createLifecycleHook(g.id, wanted), change: 'created' });
    else if (same(mine, wanted)) hooks.push({ scalingGroupId: g.id, lifecycleHookId: mine.id, change: 'unchanged' });
    else {
      await ess.modifyLifecycleHook(mine.id, wanted);
      hooks.push({ scalingGroupId: g.id, lifecycleHookId: mine.id, change: 'updated' });
    }
  }
  // A group the policy no longer names (its id dropped, or its tag removed) stops holding its scale-outs.
  hooks.push(...(await deleteOurHooks(ess, new Set(named.map((g) => g.id)))));
  return { queue: s.lifecycleQueue, trigger, hooks };
}

/** Deletes our hook (named and described as automirror's) from every group of the region but those kept. */
async function deleteOurHooks(ess: HookManagement, keep: ReadonlySet<string>): Promise<HookChange[]> {
  const hooks: HookChange[] = [];
  for (const g of await ess.scalingGroups({})) {
    if (keep.has(g.id)) continue;
    for (const h of (await ess.lifecycleHooks(g.id)).filter(ours)) {
      await ess.deleteLifecycleHook(h.id);
      hooks.push({ scalingGroupId: g.id, lifecycleHookId: h.id, change: 'deleted' });
    }
  }
  return hooks;
}

/**
 * Removes the lifecycle trigger and, when setup had made it (the trigger was there), our hook (named and described
 * as automirror's) from every group of the region: a deployment that never held scale-outs makes no ESS call.
 */
export async function removeLifecycleHooks(cfg: FcConfig, ess: HookManagement, s: Settings) {
  const trigger = await removeTrigger(cfg, s.onEventFunction, s.lifecycleTrigger);
  return { trigger, hooks: trigger === 'absent' ? [] : await deleteOurHooks(ess, new Set()) };
}
