import { settingsFromEnv } from '../../shared/settings.js';
import { parseFlags } from '../args.js';
import { CLOUD_FLAGS, cloudFromFlags } from '../cloud-flags.js';
import { writeLines } from '../terminal.js';
import { ensureTrigger } from '../wiring/event-triggers.js';
import { ensureMessaging } from '../wiring/queues.js';

export const usage = 'automirror setup --region R --account-id ID [--profile NAME] [--endpoint HOST:PORT]';

/**
 * The wiring `s deploy` can't make: the ECS and VPC event triggers on on-event (Serverless Devs cannot create
 * triggers for Alibaba Cloud service events) and the MNS queues and topic. Idempotent: run it after every deploy.
 */
export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, CLOUD_FLAGS);
  const cloud = cloudFromFlags(values);
  const s = settingsFromEnv();
  writeLines((await ensureMessaging(cloud, s)).map((made) => `ready    ${made}`));
  const ecs = await ensureTrigger(cloud, 'ecs', s.onEventFunction, s.ecsTrigger);
  writeLines([`${ecs.padEnd(8)} trigger ${s.ecsTrigger} on ${s.onEventFunction} (ECS events)`]);
  const vpc = await ensureTrigger(cloud, 'vpc', s.onEventFunction, s.vpcTrigger);
  writeLines([`${vpc.padEnd(8)} trigger ${s.vpcTrigger} on ${s.onEventFunction} (VPC traffic mirror session writes)`]);
  return 0;
}
