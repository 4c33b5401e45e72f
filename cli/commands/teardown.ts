import type { CloudConfig } from '../../shared/cloud/config.js';
import { CloudError } from '../../shared/cloud/errors.js';
import { clientToken } from '../../shared/engine/apply.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { isOwned, isUnprovenClaim, OWNER_TAG, OWNER_VALUE, unprovenClaims } from '../../shared/engine/ownership.js';
import { settingsFromEnv } from '../../shared/settings.js';
import { COMMON_FLAGS, parseFlags } from '../args.js';
import { CLOUD_FLAGS, cloudFromFlags, provingCloud } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { forgedClaimLines } from '../forged-claims.js';
import { writeResult } from '../output.js';
import { removeAlarms } from '../wiring/alarms.js';
import { EssHooks } from '../wiring/ess-hooks.js';
import { removeEventRoute } from '../wiring/event-route.js';
import { removeTrigger } from '../wiring/event-triggers.js';
import { removeLifecycleHooks } from '../wiring/lifecycle-hooks.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  'delete-sessions': { type: 'boolean', help: 'also delete every session automirror owns in the region (ownership proven), and only those' },
  alarms: { type: 'boolean', help: 'also delete the CloudMonitor alarm rules `setup --alarms` made, and only those' },
} as const satisfies FlagSpecs;

/** Unproven claims listed in --json at most (with their count): a region can hold many. */
const MAX_LISTED = 1000;

/**
 * Removes the event route (rules, events queue trigger and queue; direct triggers of earlier setups too) (and the lifecycle trigger with automirror's lifecycle hooks, when setup made them); with --delete-sessions also every session automirror owns in the region (its
 * ownership proven), and only those: a session that merely carries the claim tag is listed as a forged claim and left alone.
 * With --json, what it removed as one document.
 */
export async function teardownCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  const flags = cloudFromFlags(values);
  // Deleting needs the keys that prove what is ours, checked before anything changes.
  const cloud = values['delete-sessions'] ? { ...flags, ...provingCloud(flags) } : flags;
  const s = settingsFromEnv();
  const route = await removeEventRoute(cloud, s);
  const triggers = [{ trigger: s.eventsTrigger, function: s.onEventFunction, change: route.trigger }];
  // Direct service-event triggers an earlier setup made, if any.
  for (const trigger of [s.ecsTrigger, s.vpcTrigger]) {
    const change = await removeTrigger(cloud, s.onEventFunction, trigger);
    if (change !== 'absent') triggers.push({ trigger, function: s.onEventFunction, change });
  }
  const held = await removeLifecycleHooks(cloud, new EssHooks(engineAdapters(cloud).ess), s);
  if (held.trigger !== 'absent') triggers.push({ trigger: s.lifecycleTrigger, function: s.onEventFunction, change: held.trigger });
  const alarms = values.alarms ? await removeAlarms(cloud) : undefined;
  const sessions = values['delete-sessions'] ? await deleteOwned(cloud) : undefined;
  writeResult(
    values.json,
    {
      regionId: cloud.regionId,
      rules: route.rules,
      triggers,
      queue: { queue: s.eventsQueue, change: route.queue },
      ...(held.hooks.length > 0 ? { lifecycleHooks: held.hooks } : {}),
      ...(alarms ? { alarms } : {}),
      ...(sessions ? { sessions: sessions.doc } : {}),
    },
    (d) => [
      ...d.rules.map((r) => `${r.change.padEnd(8)} rule ${r.rule} on the default bus`),
      ...d.triggers.map((t) => `${t.change.padEnd(8)} trigger ${t.trigger} on ${t.function}`),
      `${d.queue.change.padEnd(8)} queue ${d.queue.queue}`,
      ...held.hooks.map((h) => `deleted  lifecycle hook ${h.lifecycleHookId} on ${h.scalingGroupId}`),
      ...(d.alarms ?? []).map((a) => `${a.change.padEnd(8)} alarm ${a.ruleId}`),
      ...(sessions ? sessions.lines : []),
    ],
  );
  return 0;
}

/** Deletes the region's sessions whose ownership is proven; lists the unproven claims, left alone. */
async function deleteOwned(cloud: CloudConfig) {
  // Under the engine's call policy: a session still Creating or Modifying answers IncorrectStatus, which is retried.
  const { vpc } = engineAdapters(cloud);
  const runId = `teardown/${Date.now()}`;
  // A session already Deleting is on its way out; one gone meanwhile is done (as aliyun/terraform-provider-alicloud treats NotFound on delete).
  const claimed = await vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE } });
  const owned = claimed.filter((s) => isOwned(s) && s.status !== 'Deleting');
  const deleted = [];
  for (const session of owned) {
    try {
      await vpc.delete(session.id, clientToken(runId, 'delete', { sessionId: session.id }));
    } catch (err) {
      if (!(err instanceof CloudError && err.code === 'ResourceNotFound.TrafficMirrorSession')) throw err;
    }
    deleted.push({ sessionId: session.id, priority: session.priority, sources: session.sourceIds.length });
  }
  const forged = claimed.filter(isUnprovenClaim).length;
  const lines = [
    ...forgedClaimLines(claimed).map((line) => `left     ${line}`),
    ...deleted.map((d) => `deleted  session ${d.sessionId} (priority ${d.priority}, ${d.sources} sources)`),
    `${owned.length} owned sessions deleted; sessions without automirror's tags were left alone${forged ? `, and ${forged} claiming them without a valid proof too` : ''}`,
  ];
  return { doc: { deleted, leftUnprovenClaims: unprovenClaims(claimed, MAX_LISTED) }, lines };
}

export const command: CommandSpec = {
  name: 'teardown',
  summary: 'removes the event triggers; with --delete-sessions also every session automirror owns in the region',
  description: [
    "Removes the ECS and VPC event triggers setup made. With --delete-sessions also deletes the region's sessions",
    'whose ownership proof verifies (AUTOMIRROR_OWNERSHIP_KEYS and --account-id needed); a session that merely',
    "carries automirror's tags is listed as a forged claim and left alone, as is every other session.",
  ].join('\n'),
  usage: 'automirror teardown --region R --account-id ID [--profile NAME] [--endpoint HOST:PORT] [--delete-sessions] [--alarms]',
  flags: FLAGS,
  examples: [{ command: 'automirror teardown --region cn-hangzhou --account-id 1234567890123456 --delete-sessions', what: "unwires cn-hangzhou and deletes automirror's sessions there" }],
  run: teardownCommand,
};
