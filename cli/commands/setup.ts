import { existsSync } from 'node:fs';
import { createHistoryBucket } from '../../shared/cloud/history-store.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import type { Policy } from '../../shared/policy/types.js';
import { settingsFromEnv } from '../../shared/settings.js';
import { COMMON_FLAGS, parseFlags } from '../args.js';
import { CLOUD_FLAGS, cloudFromFlags } from '../cloud-flags.js';
import type { CommandSpec } from '../command.js';
import { writeResult } from '../output.js';
import { policyOf, RUN_FLAGS } from '../region-flags.js';
import { EssHooks } from '../wiring/ess-hooks.js';
import { ensureTrigger } from '../wiring/event-triggers.js';
import { ensureLifecycleHooks } from '../wiring/lifecycle-hooks.js';
import { ensureMessaging } from '../wiring/queues.js';

const FLAGS = { ...COMMON_FLAGS, ...CLOUD_FLAGS, policy: RUN_FLAGS.policy };

/**
 * The policy whose `lifecycleHooks` setup wires: --policy, else the functions' own (AUTOMIRROR_POLICY,
 * AUTOMIRROR_POLICY_FILE, ./policy.yaml) when there is one; without any, nothing is held.
 */
function setupPolicy(file: string | undefined): Policy | undefined {
  const named = file || process.env.AUTOMIRROR_POLICY || process.env.AUTOMIRROR_POLICY_FILE;
  return named || existsSync('policy.yaml') ? policyOf(file) : undefined;
}

/**
 * The wiring `s deploy` can't make: the ECS and VPC event triggers on on-event (Serverless Devs cannot create
 * triggers for Alibaba Cloud service events), the MNS queues and topic, and the report history's OSS bucket
 * (private) when AUTOMIRROR_HISTORY_BUCKET names one. Idempotent: run it after every deploy. With --json, what it
 * ensured as one document.
 */
export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  const cloud = cloudFromFlags(values);
  const s = settingsFromEnv();
  const lifecycleHooks = setupPolicy(values.policy)?.lifecycleHooks;
  const messaging = await ensureMessaging(cloud, s);
  if (s.historyBucket) await createHistoryBucket({ ...cloud, bucket: s.historyBucket, ossEndpoint: cloud.endpoint ? `http://${cloud.endpoint}` : undefined });
  const triggers = [];
  for (const [kind, trigger, events] of [
    ['ecs', s.ecsTrigger, 'ECS events'],
    ['vpc', s.vpcTrigger, 'VPC traffic mirror session writes'],
  ] as const) {
    triggers.push({ trigger, function: s.onEventFunction, events, change: await ensureTrigger(cloud, kind, s.onEventFunction, trigger) });
  }
  // Scale-outs of the groups the policy names wait for mirroring: their queue, its trigger, a hook on each group.
  const held = lifecycleHooks && (await ensureLifecycleHooks(cloud, new EssHooks(engineAdapters(cloud).ess), s, lifecycleHooks));
  if (held) {
    messaging.push(`queue ${held.queue}`);
    triggers.push({ trigger: s.lifecycleTrigger, function: s.onEventFunction, events: 'Auto Scaling lifecycle notifications', change: held.trigger });
  }
  const hooks = held ? { lifecycleHooks: held.hooks } : {};
  writeResult(values.json, { regionId: cloud.regionId, messaging, ...(s.historyBucket ? { historyBucket: s.historyBucket } : {}), triggers, ...hooks }, (d) => [
    ...d.messaging.map((made) => `ready    ${made}`),
    ...(d.historyBucket ? [`ready    bucket ${d.historyBucket} (private: the drift report's history)`] : []),
    ...d.triggers.map((t) => `${t.change.padEnd(8)} trigger ${t.trigger} on ${t.function} (${t.events})`),
    ...(held?.hooks ?? []).map((h) => `${h.change.padEnd(8)} lifecycle hook ${h.lifecycleHookId} on ${h.scalingGroupId} (scale-outs wait to be mirrored)`),
  ]);
  return 0;
}

export const command: CommandSpec = {
  name: 'setup',
  summary: "creates or updates the wiring `s deploy` can't: the event triggers on on-event, the MNS queues and topic",
  description: [
    "The ECS and VPC event triggers on on-event (Serverless Devs can't create triggers for Alibaba Cloud service",
    'events), the MNS queues and topic the functions use, and the report history bucket (private) when',
    'AUTOMIRROR_HISTORY_BUCKET names one. When the policy has lifecycleHooks, also the lifecycle queue, its trigger',
    'and a SCALE_OUT lifecycle hook on each scaling group it names. Idempotent: run it after every deploy.',
  ].join('\n'),
  usage: 'automirror setup --region R --account-id ID [--profile NAME] [--endpoint HOST:PORT] [--policy FILE]',
  flags: FLAGS,
  examples: [{ command: 'automirror setup --region cn-hangzhou --account-id 1234567890123456 --profile prod', what: 'wires the deployment in cn-hangzhou' }],
  run: setupCommand,
};
