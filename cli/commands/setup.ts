import { existsSync } from 'node:fs';
import { createHistoryBucket } from '../../shared/cloud/history-store.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import type { Policy } from '../../shared/policy/types.js';
import { settingsFromEnv } from '../../shared/settings.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import { CLOUD_FLAGS, cloudFromFlags } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { writeResult } from '../output.js';
import { policyOf, RUN_FLAGS } from '../region-flags.js';
import { ALARM_DEFAULTS, ensureAlarms } from '../wiring/alarms.js';
import { EssHooks } from '../wiring/ess-hooks.js';
import { ensureEventRoute } from '../wiring/event-route.js';
import { ensureLifecycleHooks, removeLifecycleHooks } from '../wiring/lifecycle-hooks.js';
import { ensureMessaging } from '../wiring/queues.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  alarms: { type: 'boolean', help: 'also create or update the CloudMonitor alarm rules on automirror\'s metrics (README, "Metrics and alarms")' },
  'contact-group': { type: 'string', help: 'the CloudMonitor alert contact group the alarms notify (with --alarms)' },
  'coverage-threshold': { type: 'string', help: `coverage % below which the coverage alarm fires (default ${ALARM_DEFAULTS.coverageThreshold})` },
  'collector-threshold': { type: 'string', help: `a collector's sources as % of its capacity above which its alarm fires (default ${ALARM_DEFAULTS.collectorThreshold})` },
  policy: RUN_FLAGS.policy,
} as const satisfies FlagSpecs;

/**
 * The policy whose `lifecycleHooks` setup wires: --policy, else the functions' own (AUTOMIRROR_POLICY,
 * AUTOMIRROR_POLICY_FILE, ./policy.yaml) when there is one; without any, nothing is held.
 */
function setupPolicy(file: string | undefined): Policy | undefined {
  const named = file || process.env.AUTOMIRROR_POLICY || process.env.AUTOMIRROR_POLICY_FILE;
  return named || existsSync('policy.yaml') ? policyOf(file) : undefined;
}

/**
 * The wiring `s deploy` can't make: the ECS and VPC event route to on-event (default-bus rules to the events queue,
 * and its queue trigger with a batch window: FC batches custom event sources only), the MNS queues and topic, and the report history's OSS bucket
 * (private) when AUTOMIRROR_HISTORY_BUCKET names one. Idempotent: run it after every deploy. With --json, what it
 * ensured as one document.
 */
export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  const cloud = cloudFromFlags(values);
  const s = settingsFromEnv();
  // Checked before anything is made: a bad threshold or contact group changes nothing.
  const alarmOptions = values.alarms ? alarmOptionsOf(values, cloud.accountId) : undefined;
  const policy = setupPolicy(values.policy);
  const lifecycleHooks = policy?.lifecycleHooks;
  const messaging = await ensureMessaging(cloud, s);
  if (s.historyBucket) await createHistoryBucket({ ...cloud, bucket: s.historyBucket, ossEndpoint: cloud.endpoint ? `http://${cloud.endpoint}` : undefined });
  const route = await ensureEventRoute(cloud, s);
  messaging.push(`queue ${route.queue}`);
  const rules = route.rules.map((r) => ({ ...r, queue: route.queue }));
  const triggers: { trigger: string; function: string; events: string; change: string }[] = [
    { trigger: s.eventsTrigger, function: s.onEventFunction, events: `queue ${route.queue}, batches of up to ${s.eventsBatch} events or ${s.eventsWindowSeconds} s`, change: route.trigger },
    ...route.replaced.map((r) => ({ trigger: r.trigger, function: s.onEventFunction, events: 'direct service events, replaced by the events queue', change: r.change })),
  ];
  const ess = () => new EssHooks(engineAdapters(cloud).ess);
  const held = lifecycleHooks && (await ensureLifecycleHooks(cloud, ess(), s, lifecycleHooks));
  if (held) messaging.push(`queue ${held.queue}`);
  // A policy without the section holds nothing: what an earlier setup made for it goes (no ESS call if it made none).
  const released = policy && !lifecycleHooks ? await removeLifecycleHooks(cloud, ess(), s) : undefined;
  const lifecycle = held ?? (released && released.trigger !== 'absent' ? released : undefined);
  if (lifecycle) triggers.push({ trigger: s.lifecycleTrigger, function: s.onEventFunction, events: 'Auto Scaling lifecycle notifications', change: lifecycle.trigger });
  const hooks = lifecycle ? { lifecycleHooks: lifecycle.hooks } : {};
  const alarms = alarmOptions && (await ensureAlarms(cloud, alarmOptions));
  writeResult(values.json, { regionId: cloud.regionId, messaging, ...(s.historyBucket ? { historyBucket: s.historyBucket } : {}), rules, triggers, ...hooks, ...(alarms ? { alarms } : {}) }, (d) => [
    ...d.messaging.map((made) => `ready    ${made}`),
    ...(d.historyBucket ? [`ready    bucket ${d.historyBucket} (private: the drift report's history)`] : []),
    ...d.rules.map((r) => `${r.change.padEnd(8)} rule ${r.rule} on the default bus (${r.events} to queue ${r.queue})`),
    ...d.triggers.map((t) => `${t.change.padEnd(8)} trigger ${t.trigger} on ${t.function} (${t.events})`),
    ...(lifecycle?.hooks ?? []).map(
      (h) => `${h.change.padEnd(8)} lifecycle hook ${h.lifecycleHookId} on ${h.scalingGroupId} (${h.change === 'deleted' ? 'no longer named by the policy' : 'scale-outs wait to be mirrored'})`,
    ),
    ...(d.alarms ?? []).map((a) => `${a.change.padEnd(8)} alarm ${a.ruleId} (${a.ruleName})`),
  ]);
  return 0;
}

function alarmOptionsOf(values: { 'contact-group'?: string; 'coverage-threshold'?: string; 'collector-threshold'?: string }, accountId: string) {
  const contactGroup = values['contact-group'];
  if (!contactGroup) throw new UsageError('--alarms needs --contact-group: the CloudMonitor alert contact group the alarms notify');
  const pct = (v: string | undefined, dflt: number) => (v === undefined ? dflt : /^\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN);
  return {
    accountId,
    contactGroup,
    coverageThreshold: pct(values['coverage-threshold'], ALARM_DEFAULTS.coverageThreshold),
    collectorThreshold: pct(values['collector-threshold'], ALARM_DEFAULTS.collectorThreshold),
  };
}

export const command: CommandSpec = {
  name: 'setup',
  summary: "creates or updates the wiring `s deploy` can't: the event route to on-event, the MNS queues and topic",
  description: [
    'The ECS and VPC event route to on-event: default-bus rules to the events queue, and its queue trigger on on-event',
    "with a batch window, so a launch's events reach one invocation (FC batches custom event sources only, not service",
    'events); the MNS queues and topic the functions use, and the report history bucket (private) when',
    'AUTOMIRROR_HISTORY_BUCKET names one. When the policy has lifecycleHooks, also the lifecycle queue, its trigger',
    'and a SCALE_OUT lifecycle hook on each scaling group it names. With --alarms, the CloudMonitor alarm rules on',
    "automirror's metrics (coverage below a threshold, failed events waiting, no reconcile for 2 hours, a collector near",
    'capacity). Idempotent: run it after every deploy.',
  ].join('\n'),
  usage: 'automirror setup --region R --account-id ID [--profile NAME] [--endpoint HOST:PORT] [--policy FILE] [--alarms --contact-group NAME [--coverage-threshold PCT] [--collector-threshold PCT]]',
  flags: FLAGS,
  examples: [{ command: 'automirror setup --region cn-hangzhou --account-id 1234567890123456 --profile prod', what: 'wires the deployment in cn-hangzhou' }],
  run: setupCommand,
};
