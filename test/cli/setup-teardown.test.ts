import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupCommand } from '../../cli/commands/setup.js';
import { teardownCommand } from '../../cli/commands/teardown.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { REPO_SYAML } from '../../localcloud/platform/serve.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { invokeOnCloud, sampleEvent } from '../support/invoke.js';
import { DEMO_KEY, defaultWorld } from '../support/localcloud.js';

let cloud: LocalCloud;
const UNOWNED = 'tms-someoneelse01';

beforeAll(async () => {
  const world = defaultWorld();
  // A session another team made by hand on an ENI automirror also mirrors: teardown must leave it.
  world.regions['cn-hangzhou'].trafficMirrorSessions = [
    {
      trafficMirrorSessionId: UNOWNED,
      priority: 7,
      trafficMirrorFilterId: 'tmf-allipv4',
      trafficMirrorSourceIds: ['eni-web01p'],
      trafficMirrorTargetId: 'lb-collector01',
      trafficMirrorTargetType: 'SLB',
      tags: { team: 'netops' },
    },
  ];
  cloud = await startLocalCloud({ world, platform: { sYaml: REPO_SYAML, secondMs: 20 } });
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_KEY.accessKeyId;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_KEY.accessKeySecret;
});
afterAll(() => cloud?.close());

/** Runs a CLI command in-process and returns its exit code and what it printed. */
async function cli(cmd: (argv: string[]) => Promise<number>, ...extra: string[]) {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const code = await cmd(['--region', 'cn-hangzhou', '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint, ...extra]);
    return { code, out: lines.join('') };
  } finally {
    spy.mockRestore();
  }
}

const trigger = (name = DEFAULT_SETTINGS.ecsTrigger) => cloud.fc.functions.get(DEFAULT_SETTINGS.onEventFunction)?.triggers.get(name);
const vpcPattern = () => JSON.parse(String(trigger(DEFAULT_SETTINGS.vpcTrigger)?.triggerConfig?.eventRuleFilterPattern));
const sessions = () => [...cloud.state.region('cn-hangzhou').sessions.values()];

describe('automirror setup and teardown against localcloud', () => {
  it('setup creates the ECS trigger and the queues, and a second run changes nothing', async () => {
    const first = await cli(setupCommand);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/created\s+trigger automirror-ecs-events on automirror-on-event/);
    expect(trigger()?.triggerType).toBe('eventbridge');
    expect(first.out).toMatch(/created\s+trigger automirror-vpc-events on automirror-on-event \(VPC traffic mirror session writes\)/);
    expect(trigger(DEFAULT_SETTINGS.vpcTrigger)?.triggerType).toBe('eventbridge');
    expect(vpcPattern()).toEqual({
      source: ['acs.vpc'],
      type: ['vpc:ActionTrail:ApiCall', 'vpc:ActionTrail:ConsoleOperation'],
      data: { eventName: ['CreateTrafficMirrorSession', 'UpdateTrafficMirrorSessionAttribute', 'AddSourcesToTrafficMirrorSession'] },
    });
    expect(cloud.mns.queues.has(DEFAULT_SETTINGS.deferQueue) && cloud.mns.queues.has(DEFAULT_SETTINGS.failedQueue)).toBe(true);
    const again = await cli(setupCommand);
    expect(again.out).toMatch(/unchanged\s+trigger automirror-ecs-events/);
    expect(again.out).toMatch(/unchanged\s+trigger automirror-vpc-events/);
  });

  it('setup creates the report history bucket, private, when AUTOMIRROR_HISTORY_BUCKET names one', async () => {
    process.env.AUTOMIRROR_HISTORY_BUCKET = 'automirror-history-setup';
    try {
      const r = await cli(setupCommand);
      expect(r.out).toContain("ready    bucket automirror-history-setup (private: the drift report's history)");
      expect(cloud.oss.bucket('automirror-history-setup')).toMatchObject({ regionId: 'cn-hangzhou', acl: 'private' });
      expect((await cli(setupCommand)).code).toBe(0);
    } finally {
      delete process.env.AUTOMIRROR_HISTORY_BUCKET;
    }
  });

  it('teardown --delete-sessions removes the trigger and only the sessions automirror owns', async () => {
    await invokeOnCloud(cloud, 'on-event', sampleEvent('ecs-instance-running.json'));
    const owned = sessions().filter((s) => s.trafficMirrorSessionId !== UNOWNED);
    expect(owned.length).toBeGreaterThan(0);
    // Right after creation the sessions are still Creating: teardown must wait them out, not fail.
    const r = await cli(teardownCommand, '--delete-sessions');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/deleted\s+trigger automirror-ecs-events/);
    expect(r.out).toMatch(/deleted\s+trigger automirror-vpc-events/);
    expect(trigger(DEFAULT_SETTINGS.vpcTrigger)).toBeUndefined();
    expect(r.out).toContain(`${owned.length} owned sessions deleted`);
    expect(trigger()).toBeUndefined();
    const left = sessions().filter((s) => s.status !== 'Deleting');
    expect(left.map((s) => s.trafficMirrorSessionId)).toEqual([UNOWNED]);
  });

  it('teardown is safe to repeat', async () => {
    const r = await cli(teardownCommand, '--delete-sessions');
    expect(r.out).toMatch(/absent\s+trigger automirror-ecs-events/);
    expect(r.out).toMatch(/absent\s+trigger automirror-vpc-events/);
    expect(r.out).toContain('0 owned sessions deleted');
  });
});
