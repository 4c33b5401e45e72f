import { CloudError } from '../../shared/cloud/errors.js';
import { clientToken } from '../../shared/engine/apply.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { OWNER_TAG, OWNER_VALUE } from '../../shared/engine/ownership.js';
import { settingsFromEnv } from '../../shared/settings.js';
import { parseFlags } from '../args.js';
import { CLOUD_FLAGS, cloudFromFlags } from '../cloud-flags.js';
import { removeTrigger } from '../wiring/event-triggers.js';

export const usage = 'automirror teardown --region R --account-id ID [--profile NAME] [--endpoint HOST:PORT] [--delete-sessions]';

/** Removes the ECS and VPC triggers; with --delete-sessions also every session automirror owns in the region, and only those. */
export async function teardownCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { ...CLOUD_FLAGS, 'delete-sessions': { type: 'boolean' } });
  const cloud = cloudFromFlags(values);
  const s = settingsFromEnv();
  for (const trigger of [s.ecsTrigger, s.vpcTrigger]) {
    const change = await removeTrigger(cloud, s.onEventFunction, trigger);
    process.stdout.write(`${change.padEnd(8)} trigger ${trigger} on ${s.onEventFunction}\n`);
  }
  if (values['delete-sessions']) {
    // Under the engine's call policy: a session still Creating or Modifying answers IncorrectStatus, which is retried.
    const { vpc } = engineAdapters(cloud);
    const runId = `teardown/${Date.now()}`;
    // A session already Deleting is on its way out; one gone meanwhile is done (as aliyun/terraform-provider-alicloud treats NotFound on delete).
    const owned = (await vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE } })).filter((s) => s.status !== 'Deleting');
    for (const session of owned) {
      try {
        await vpc.delete(session.id, clientToken(runId, 'delete', { sessionId: session.id }));
      } catch (err) {
        if (!(err instanceof CloudError && err.code === 'ResourceNotFound.TrafficMirrorSession')) throw err;
      }
      process.stdout.write(`deleted  session ${session.id} (priority ${session.priority}, ${session.sourceIds.length} sources)\n`);
    }
    process.stdout.write(`${owned.length} owned sessions deleted; sessions without automirror's tags were left alone\n`);
  }
  return 0;
}
