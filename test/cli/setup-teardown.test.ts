import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupCommand } from '../../cli/commands/setup.js';
import { teardownCommand } from '../../cli/commands/teardown.js';
import { ensureTrigger } from '../../cli/wiring/event-triggers.js';
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

const cfgOf = () => ({ regionId: 'cn-hangzhou', accountId: cloud.state.accountId, credentials: DEMO_KEY, endpoint: cloud.endpoint, fcEndpoint: cloud.endpoints.fc3 });

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

const trigger = (name = DEFAULT_SETTINGS.eventsTrigger) => cloud.fc.functions.get(DEFAULT_SETTINGS.onEventFunction)?.triggers.get(name);
const rule = (name: string) => cloud.bus.rules.bus('default').rules.get(name);
const vpcPattern = () => JSON.parse(String(rule(DEFAULT_SETTINGS.vpcTrigger)?.filterPattern));
const sessions = () => [...cloud.state.region('cn-hangzhou').sessions.values()];

describe('automirror setup and teardown against localcloud', () => {
  it('setup routes ECS and VPC events through the events queue to one batching trigger, and a second run changes nothing', async () => {
    const first = await cli(setupCommand);
    expect(first.code).toBe(0);
    expect(first.out).toContain('ready    queue automirror-events');
    expect(first.out).toMatch(/created\s+rule automirror-ecs-events on the default bus \(ECS events to queue automirror-events\)/);
    expect(first.out).toMatch(/created\s+rule automirror-vpc-events on the default bus \(VPC traffic mirror session writes to queue automirror-events\)/);
    expect(first.out).toMatch(/created\s+trigger automirror-events on automirror-on-event \(queue automirror-events, batches of up to 10 events or 2 s\)/);
    expect([...(rule(DEFAULT_SETTINGS.ecsTrigger)?.targets.values() ?? [])]).toEqual([
      expect.objectContaining({ Type: 'acs.mns.queue', Endpoint: `acs:mns:cn-hangzhou:${cloud.state.accountId}:queues/automirror-events` }),
    ]);
    expect(trigger()?.triggerConfig).toMatchObject({
      eventSourceConfig: { eventSourceType: 'MNS', eventSourceParameters: { sourceMNSParameters: { QueueName: 'automirror-events' } } },
      runOptions: { batchWindow: { CountBasedWindow: 10, TimeBasedWindow: 2 } },
    });
    expect(vpcPattern()).toEqual({
      source: ['acs.vpc'],
      type: ['vpc:ActionTrail:ApiCall', 'vpc:ActionTrail:ConsoleOperation'],
      data: { eventName: ['CreateTrafficMirrorSession', 'UpdateTrafficMirrorSessionAttribute', 'AddSourcesToTrafficMirrorSession'] },
    });
    // No direct service-event trigger: it would deliver the same events again, one invocation each.
    expect(trigger(DEFAULT_SETTINGS.ecsTrigger)).toBeUndefined();
    expect(cloud.mns.queues.has(DEFAULT_SETTINGS.deferQueue) && cloud.mns.queues.has(DEFAULT_SETTINGS.failedQueue)).toBe(true);
    const again = await cli(setupCommand);
    expect(again.out).toMatch(/unchanged\s+rule automirror-ecs-events/);
    expect(again.out).toMatch(/unchanged\s+rule automirror-vpc-events/);
    expect(again.out).toMatch(/unchanged\s+trigger automirror-events/);
  });

  it('setup replaces a direct ECS trigger an earlier setup made', async () => {
    await ensureTrigger(cfgOf(), 'ecs', DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.ecsTrigger);
    const r = await cli(setupCommand);
    expect(r.out).toMatch(/deleted\s+trigger automirror-ecs-events on automirror-on-event \(direct service events, replaced by the events queue\)/);
    expect(trigger(DEFAULT_SETTINGS.ecsTrigger)).toBeUndefined();
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
    expect(r.out).toMatch(/deleted\s+rule automirror-ecs-events on the default bus/);
    expect(r.out).toMatch(/deleted\s+rule automirror-vpc-events on the default bus/);
    expect(r.out).toMatch(/deleted\s+trigger automirror-events on automirror-on-event/);
    expect(r.out).toMatch(/deleted\s+queue automirror-events/);
    expect(rule(DEFAULT_SETTINGS.ecsTrigger)).toBeUndefined();
    expect(cloud.mns.queues.has(DEFAULT_SETTINGS.eventsQueue)).toBe(false);
    expect(r.out).toContain(`${owned.length} owned sessions deleted`);
    expect(trigger()).toBeUndefined();
    const left = sessions().filter((s) => s.status !== 'Deleting');
    expect(left.map((s) => s.trafficMirrorSessionId)).toEqual([UNOWNED]);
  });

  it('teardown is safe to repeat', async () => {
    const r = await cli(teardownCommand, '--delete-sessions');
    expect(r.out).toMatch(/absent\s+rule automirror-ecs-events/);
    expect(r.out).toMatch(/absent\s+rule automirror-vpc-events/);
    expect(r.out).toMatch(/absent\s+trigger automirror-events/);
    expect(r.out).toMatch(/absent\s+queue automirror-events/);
    expect(r.out).toContain('0 owned sessions deleted');
  });
});
