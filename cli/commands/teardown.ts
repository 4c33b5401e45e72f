import { CloudError } from '../../shared/cloud/errors.js';
import { clientToken } from '../../shared/engine/apply.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { isOwned, isUnprovenClaim, OWNER_TAG, OWNER_VALUE } from '../../shared/engine/ownership.js';
import { settingsFromEnv } from '../../shared/settings.js';
import { COMMON_FLAGS, parseFlags } from '../args.js';
import { CLOUD_FLAGS, cloudFromFlags, provingCloud } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { forgedClaimLines } from '../forged-claims.js';
import { writeLines } from '../terminal.js';
import { removeTrigger } from '../wiring/event-triggers.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  'delete-sessions': { type: 'boolean', help: 'also delete every session automirror owns in the region (ownership proven), and only those' },
} as const satisfies FlagSpecs;

/**
 * Removes the ECS and VPC triggers; with --delete-sessions also every session automirror owns in the region (its
 * ownership proven), and only those: a session that merely carries the claim tag is listed as a forged claim and left alone.
 */
export async function teardownCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  const flags = cloudFromFlags(values);
  // Deleting needs the keys that prove what is ours, checked before anything changes.
  const cloud = values['delete-sessions'] ? { ...flags, ...provingCloud(flags) } : flags;
  const s = settingsFromEnv();
  for (const trigger of [s.ecsTrigger, s.vpcTrigger]) {
    const change = await removeTrigger(cloud, s.onEventFunction, trigger);
    writeLines([`${change.padEnd(8)} trigger ${trigger} on ${s.onEventFunction}`]);
  }
  if (values['delete-sessions']) {
    // Under the engine's call policy: a session still Creating or Modifying answers IncorrectStatus, which is retried.
    const { vpc } = engineAdapters(cloud);
    const runId = `teardown/${Date.now()}`;
    // A session already Deleting is on its way out; one gone meanwhile is done (as aliyun/terraform-provider-alicloud treats NotFound on delete).
    const claimed = await vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE } });
    writeLines(forgedClaimLines(claimed).map((line) => `left     ${line}`));
    const owned = claimed.filter((s) => isOwned(s) && s.status !== 'Deleting');
    for (const session of owned) {
      try {
        await vpc.delete(session.id, clientToken(runId, 'delete', { sessionId: session.id }));
      } catch (err) {
        if (!(err instanceof CloudError && err.code === 'ResourceNotFound.TrafficMirrorSession')) throw err;
      }
      writeLines([`deleted  session ${session.id} (priority ${session.priority}, ${session.sourceIds.length} sources)`]);
    }
    const forged = claimed.filter(isUnprovenClaim).length;
    writeLines([`${owned.length} owned sessions deleted; sessions without automirror's tags were left alone${forged ? `, and ${forged} claiming them without a valid proof too` : ''}`]);
  }
  return 0;
}

export const command: CommandSpec = {
  name: 'teardown',
  summary: 'removes the event triggers; with --delete-sessions also every session automirror owns in the region',
  description: [
    "Removes the ECS and VPC event triggers setup made. With --delete-sessions also deletes the region's sessions",
    'whose ownership proof verifies (AUTOMIRROR_OWNERSHIP_KEYS and --account-id needed); a session that merely',
    "carries automirror's tags is listed as a forged claim and left alone, as is every other session.",
  ].join('\n'),
  usage: 'automirror teardown --region R --account-id ID [--profile NAME] [--endpoint HOST:PORT] [--delete-sessions]',
  flags: FLAGS,
  examples: [{ command: 'automirror teardown --region cn-hangzhou --account-id 1234567890123456 --delete-sessions', what: "unwires cn-hangzhou and deletes automirror's sessions there" }],
  run: teardownCommand,
};
