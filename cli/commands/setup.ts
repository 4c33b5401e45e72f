import { createHistoryBucket } from '../../shared/cloud/history-store.js';
import { settingsFromEnv } from '../../shared/settings.js';
import { COMMON_FLAGS, parseFlags } from '../args.js';
import { CLOUD_FLAGS, cloudFromFlags } from '../cloud-flags.js';
import type { CommandSpec } from '../command.js';
import { writeResult } from '../output.js';
import { ensureTrigger } from '../wiring/event-triggers.js';
import { ensureMessaging } from '../wiring/queues.js';

const FLAGS = { ...COMMON_FLAGS, ...CLOUD_FLAGS };

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
  const messaging = await ensureMessaging(cloud, s);
  if (s.historyBucket) await createHistoryBucket({ ...cloud, bucket: s.historyBucket, ossEndpoint: cloud.endpoint ? `http://${cloud.endpoint}` : undefined });
  const triggers = [];
  for (const [kind, trigger, events] of [
    ['ecs', s.ecsTrigger, 'ECS events'],
    ['vpc', s.vpcTrigger, 'VPC traffic mirror session writes'],
  ] as const) {
    triggers.push({ trigger, function: s.onEventFunction, events, change: await ensureTrigger(cloud, kind, s.onEventFunction, trigger) });
  }
  writeResult(values.json, { regionId: cloud.regionId, messaging, ...(s.historyBucket ? { historyBucket: s.historyBucket } : {}), triggers }, (d) => [
    ...d.messaging.map((made) => `ready    ${made}`),
    ...(d.historyBucket ? [`ready    bucket ${d.historyBucket} (private: the drift report's history)`] : []),
    ...d.triggers.map((t) => `${t.change.padEnd(8)} trigger ${t.trigger} on ${t.function} (${t.events})`),
  ]);
  return 0;
}

export const command: CommandSpec = {
  name: 'setup',
  summary: "creates or updates the wiring `s deploy` can't: the event triggers on on-event, the MNS queues and topic",
  description: [
    "The ECS and VPC event triggers on on-event (Serverless Devs can't create triggers for Alibaba Cloud service",
    'events), the MNS queues and topic the functions use, and the report history bucket (private) when',
    'AUTOMIRROR_HISTORY_BUCKET names one. Idempotent: run it after every deploy.',
  ].join('\n'),
  usage: 'automirror setup --region R --account-id ID [--profile NAME] [--endpoint HOST:PORT]',
  flags: FLAGS,
  examples: [{ command: 'automirror setup --region cn-hangzhou --account-id 1234567890123456 --profile prod', what: 'wires the deployment in cn-hangzhou' }],
  run: setupCommand,
};
