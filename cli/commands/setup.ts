import { createHistoryBucket } from '../../shared/cloud/history-store.js';
import { settingsFromEnv } from '../../shared/settings.js';
import { COMMON_FLAGS, parseFlags } from '../args.js';
import { CLOUD_FLAGS, cloudFromFlags } from '../cloud-flags.js';
import type { CommandSpec } from '../command.js';
import { writeLines } from '../terminal.js';
import { ensureTrigger } from '../wiring/event-triggers.js';
import { ensureMessaging } from '../wiring/queues.js';

const FLAGS = { ...COMMON_FLAGS, ...CLOUD_FLAGS };

/**
 * The wiring `s deploy` can't make: the ECS and VPC event triggers on on-event (Serverless Devs cannot create
 * triggers for Alibaba Cloud service events), the MNS queues and topic, and the report history's OSS bucket
 * (private) when AUTOMIRROR_HISTORY_BUCKET names one. Idempotent: run it after every deploy.
 */
export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  const cloud = cloudFromFlags(values);
  const s = settingsFromEnv();
  writeLines((await ensureMessaging(cloud, s)).map((made) => `ready    ${made}`));
  if (s.historyBucket) {
    await createHistoryBucket({ ...cloud, bucket: s.historyBucket, ossEndpoint: cloud.endpoint ? `http://${cloud.endpoint}` : undefined });
    writeLines([`ready    bucket ${s.historyBucket} (private: the drift report's history)`]);
  }
  const ecs = await ensureTrigger(cloud, 'ecs', s.onEventFunction, s.ecsTrigger);
  writeLines([`${ecs.padEnd(8)} trigger ${s.ecsTrigger} on ${s.onEventFunction} (ECS events)`]);
  const vpc = await ensureTrigger(cloud, 'vpc', s.onEventFunction, s.vpcTrigger);
  writeLines([`${vpc.padEnd(8)} trigger ${s.vpcTrigger} on ${s.onEventFunction} (VPC traffic mirror session writes)`]);
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
