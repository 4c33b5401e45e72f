import { isDeepStrictEqual } from 'node:util';
import EventBridge, * as $EB from '@alicloud/eventbridge';
import { resolveKeys } from '../../shared/cloud/config.js';
import type { FcConfig } from '../../shared/cloud/invoker.js';
import { type MnsConfig, mnsClient } from '../../shared/cloud/mns.js';
import type { Settings } from '../../shared/settings.js';
import { ensureTriggerConfig, queueTriggerConfig, removeTrigger, TRIGGERS, type TriggerKind, type WiringChange } from './event-triggers.js';

type RouteConfig = FcConfig & MnsConfig;

async function ebClient(cfg: RouteConfig): Promise<EventBridge> {
  const k = await resolveKeys(cfg);
  return new EventBridge(
    new $EB.Config({
      ...k,
      endpoint: cfg.endpoint ?? `${cfg.accountId}.eventbridge.${cfg.regionId}.aliyuncs.com`,
      protocol: cfg.endpoint ? 'http' : 'https',
      regionId: cfg.regionId,
      readTimeout: 10_000,
      connectTimeout: 10_000,
    }),
  );
}

const TARGET_ID = 'automirror-events-queue';
const ruleMissing = (err: unknown) => (err as { code?: string })?.code === 'EventRuleNotExisted' || (err as { statusCode?: number })?.statusCode === 404;

/**
 * The rule's one target: the events queue, the message body the whole event (ORIGINAL: on-event reads the
 * original's id and type). Exponential retries (24 h) so a failing queue delays events rather than dropping them.
 */
function queueTarget(cfg: RouteConfig, queue: string) {
  return new $EB.TargetEntry({
    id: TARGET_ID,
    type: 'acs.mns.queue',
    endpoint: `acs:mns:${cfg.regionId}:${cfg.accountId}:queues/${queue}`,
    pushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY',
    paramList: [new $EB.EBTargetParam({ resourceKey: 'Body', form: 'ORIGINAL' })],
  });
}

const targetView = (t: $EB.TargetEntry | undefined) =>
  t && { id: t.id, type: t.type, endpoint: t.endpoint, pushRetryStrategy: t.pushRetryStrategy, paramList: (t.paramList ?? []).map((p) => ({ resourceKey: p.resourceKey, form: p.form })) };

/** A default-bus rule sending one kind of service event to the events queue, created or brought in line. */
async function ensureRule(eb: EventBridge, cfg: RouteConfig, kind: TriggerKind, ruleName: string, queue: string): Promise<WiringChange> {
  const filterPattern = JSON.stringify(TRIGGERS[kind].pattern());
  const target = queueTarget(cfg, queue);
  let rule: $EB.GetRuleResponse;
  try {
    rule = await eb.getRule(new $EB.GetRuleRequest({ eventBusName: 'default', ruleName }));
  } catch (err) {
    if (!ruleMissing(err)) throw err;
    await eb.createRule(new $EB.CreateRuleRequest({ eventBusName: 'default', ruleName, description: TRIGGERS[kind].description, status: 'ENABLE', filterPattern, targets: [target] }));
    return 'created';
  }
  const samePattern = isDeepStrictEqual(JSON.parse(rule.filterPattern || 'null'), JSON.parse(filterPattern));
  const sameTarget = isDeepStrictEqual(targetView((rule.targets ?? []).find((t) => t.id === TARGET_ID)), targetView(target));
  if (samePattern && sameTarget && rule.status === 'ENABLE') return 'unchanged';
  if (!samePattern) await eb.updateRule(new $EB.UpdateRuleRequest({ eventBusName: 'default', ruleName, filterPattern }));
  if (!sameTarget) await eb.createTargets(new $EB.CreateTargetsRequest({ eventBusName: 'default', ruleName, targets: [target] }));
  if (rule.status !== 'ENABLE') await eb.enableRule(new $EB.EnableRuleRequest({ eventBusName: 'default', ruleName }));
  return 'updated';
}

/** The events queue trigger's config: the queue trigger of s.yaml's kind, with the batch window. */
export const eventsTriggerConfig = (s: Settings): Record<string, unknown> => ({
  ...queueTriggerConfig(s.onEventFunction, s.eventsTrigger, s.eventsQueue),
  runOptions: { batchWindow: { CountBasedWindow: s.eventsBatch, TimeBasedWindow: s.eventsWindowSeconds } },
});

export interface RouteChanges {
  queue: string;
  rules: { rule: string; events: string; change: WiringChange }[];
  trigger: WiringChange;
  /** The direct service-event triggers of earlier setups, removed: they would deliver the same events unbatched. */
  replaced: { trigger: string; change: WiringChange }[];
}

const ROUTED = (s: Settings) =>
  [
    ['ecs', s.ecsTrigger, 'ECS events'],
    ['vpc', s.vpcTrigger, 'VPC traffic mirror session writes'],
  ] as const;

/**
 * ECS and VPC service events → default-bus rules → the events queue → one queue trigger on on-event with a batch
 * window, so a launch's several events reach one invocation (FC documents batch push for custom event sources only:
 * "Advanced trigger features"). Queue first, trigger next, rules last: nothing is routed before it can be consumed.
 */
export async function ensureEventRoute(cfg: RouteConfig, s: Settings): Promise<RouteChanges> {
  // An event is consumed within seconds; a day's retention covers an on-event outage. The visibility timeout
  // outlasts the batch window, so a message being batched is not handed out twice.
  await (await mnsClient(cfg)).createQueue(s.eventsQueue, { VisibilityTimeout: 60, MessageRetentionPeriod: 86_400 });
  const trigger = await ensureTriggerConfig(cfg, s.onEventFunction, s.eventsTrigger, 'automirror: ECS and VPC events, through the events queue, to on-event in batches', eventsTriggerConfig(s));
  const eb = await ebClient(cfg);
  const rules = [];
  for (const [kind, rule, events] of ROUTED(s)) rules.push({ rule, events, change: await ensureRule(eb, cfg, kind, rule, s.eventsQueue) });
  const replaced = [];
  for (const [, name] of ROUTED(s)) replaced.push({ trigger: name, change: await removeTrigger(cfg, s.onEventFunction, name) });
  return { queue: s.eventsQueue, rules, trigger, replaced: replaced.filter((r) => r.change !== 'absent') };
}

/** Removes the rules (first: nothing more is queued), the queue trigger and the queue; what is gone already is `absent`. */
export async function removeEventRoute(cfg: RouteConfig, s: Settings) {
  const eb = await ebClient(cfg);
  const rules = [];
  for (const [, rule] of ROUTED(s)) {
    let change: WiringChange = 'deleted';
    try {
      await eb.getRule(new $EB.GetRuleRequest({ eventBusName: 'default', ruleName: rule }));
      await eb.deleteRule(new $EB.DeleteRuleRequest({ eventBusName: 'default', ruleName: rule }));
    } catch (err) {
      if (!ruleMissing(err)) throw err;
      change = 'absent';
    }
    rules.push({ rule, change });
  }
  const trigger = await removeTrigger(cfg, s.onEventFunction, s.eventsTrigger);
  const mns = await mnsClient(cfg);
  let queue: WiringChange = 'deleted';
  try {
    await mns.getQueueAttributes(s.eventsQueue);
    await mns.deleteQueue(s.eventsQueue);
  } catch (err) {
    // @alicloud/mns names its errors after the code: MNSQueueNotExistError.
    if (!/QueueNotExist/.test(String((err as Error)?.name))) throw err;
    queue = 'absent';
  }
  return { rules, trigger, queue };
}
