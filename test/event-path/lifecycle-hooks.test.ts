import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupCommand } from '../../cli/commands/setup.js';
import { EssHooks } from '../../cli/wiring/ess-hooks.js';
import { removeTrigger } from '../../cli/wiring/event-triggers.js';
import { ensureLifecycleHooks, removeLifecycleHooks } from '../../cli/wiring/lifecycle-hooks.js';
import { LIFECYCLE_TAG } from '../../functions/on-event/lifecycle.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { EssApi } from '../../shared/cloud/ess.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { HOOK_METADATA } from '../../shared/events/lifecycle.js';
import { loadPolicyFile } from '../../shared/policy/load.js';
import type { LifecycleHooksPolicy } from '../../shared/policy/types.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { essCall } from '../support/localcloud.js';
import {
  type BuiltApp,
  buildApp,
  callMark,
  DEMO_KEY,
  editRegion,
  eventPathWorld,
  eventually,
  logLines,
  mnsClient,
  ON_EVENT,
  onEventRuns,
  REGION,
  receiveOne,
  runsNaming,
  sessionsOn,
  settledRuns,
  startEventPath,
} from './support.js';

// A scale-out into a hooked group, end to end on localcloud: `automirror setup`'s own code makes the lifecycle
// queue, its trigger on on-event and the hooks; ESS (localcloud/ess) launches through ECS, holds the instances and
// notifies the queue; the built on-event mirrors them and ends the wait. The ECS trigger is removed here, so the
// hook's notification is the only path that mirrors the new instances (the ECS path would race it).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = 'asg-web01';
const BROKEN = 'asg-broken01';
/** Named by no id: held only while the policy selects groups by its tag. */
const TAGGED = 'asg-tagged01';
const INBOX = 'lifecycle-reports';

/** The repo's policy, a rule whose collector does not exist (lb-gone01: never mirrorable), and the hooks section. */
function writePolicy(dir: string): string {
  const file = join(dir, 'policy.yaml');
  const base = readFileSync(join(ROOT, 'policy.yaml'), 'utf8');
  const extra = [
    '  - name: mirror-broken',
    '    match: { tag: mirror, equals: broken }',
    '    mirror: { target: { slb: lb-gone01 }, filter: tmf-allipv4, priority: { min: 2000, max: 2999 }, layout: per-eni }',
    'lifecycleHooks:',
    `  scalingGroups: [${WEB}, ${BROKEN}]`,
    '  defaultResult: ABANDON',
    '  heartbeatTimeout: 600',
    '',
  ].join('\n');
  writeFileSync(file, `${base.trimEnd()}\n${extra}`);
  return file;
}

const world = () =>
  editRegion(eventPathWorld({ asyncDelayMs: 1000 }), (r) => {
    r.scalingGroups = [
      { scalingGroupId: WEB, vSwitchId: 'vsw-prod-h', securityGroupIds: ['sg-prod01'], instanceTags: { mirror: 'on', app: 'web' } },
      { scalingGroupId: BROKEN, vSwitchId: 'vsw-prod-h', securityGroupIds: ['sg-prod01'], instanceTags: { mirror: 'broken' } },
      { scalingGroupId: 'asg-other01', vSwitchId: 'vsw-prod-h', securityGroupIds: ['sg-prod01'] },
      { scalingGroupId: TAGGED, vSwitchId: 'vsw-prod-h', securityGroupIds: ['sg-prod01'], instanceTags: { mirror: 'on' }, tags: { hold: 'until-mirrored' } },
    ];
  });

interface Action {
  LifecycleHookId: string;
  LifecycleActionToken: string;
  LifecycleActionStatus: string;
  LifecycleActionResult: string;
  InstanceIds: { InstanceId: string[] };
}

const actionsOf = async (cloud: LocalCloud, activityId: string): Promise<Action[]> =>
  (await essCall(cloud, 'DescribeLifecycleActions', { RegionId: REGION, ScalingActivityId: activityId })).body.LifecycleActions.LifecycleAction;

/** A scale-out of one instance; resolves once its lifecycle action has ended, and the platform is idle. */
async function scaleOut(cloud: LocalCloud, group: string): Promise<{ activityId: string; action: Action }> {
  const res = await essCall(cloud, 'ScaleWithAdjustment', { RegionId: REGION, ScalingGroupId: group, AdjustmentType: 'QuantityChangeInCapacity', AdjustmentValue: 1 });
  const activityId = res.body.ScalingActivityId as string;
  const action = await eventually(
    async () => {
      const [a] = await actionsOf(cloud, activityId);
      return a && a.LifecycleActionStatus !== 'Pending' && a;
    },
    60_000,
    `the lifecycle action of ${activityId} to end`,
  );
  await cloud.platform.idle();
  return { activityId, action };
}

const eniOf = (cloud: LocalCloud, instanceId: string) => cloud.state.regions.get(REGION)?.instances.get(instanceId)?.eniIds ?? [];

const callsOf = (cloud: LocalCloud, action: string, since: number) => cloud.controls.calls.list({ action, since });

describe('scale-outs held by an Auto Scaling lifecycle hook until mirrored', () => {
  let app: BuiltApp;
  let cloud: LocalCloud;
  let dir: string;
  let hooks: LifecycleHooksPolicy;
  let cfg: Parameters<typeof ensureLifecycleHooks>[0];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'automirror-lifecycle-'));
    const policyFile = writePolicy(dir);
    hooks = loadPolicyFile(policyFile).lifecycleHooks as LifecycleHooksPolicy;
    app = buildApp();
    cloud = await startEventPath(app, { world: world(), policyFile });
    cfg = { regionId: REGION, accountId: cloud.state.accountId, credentials: DEMO_KEY, endpoint: cloud.endpoint, mnsEndpoint: cloud.endpoints.mns, fcEndpoint: cloud.endpoints.fc3 };
    await removeTrigger(cfg, ON_EVENT, DEFAULT_SETTINGS.ecsTrigger);
    await mnsClient(cloud).createQueue(INBOX);
    cloud.mns.subscribe(DEFAULT_SETTINGS.reportTopic, 'lifecycle', {
      endpoint: `acs:mns:${REGION}:${cloud.state.accountId}:/queues/${INBOX}`,
      notifyContentFormat: 'SIMPLIFIED',
      filterTag: LIFECYCLE_TAG,
    });
  }, 120_000);
  afterAll(async () => {
    await cloud?.close();
    app?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('setup makes the queue, its trigger and one SCALE_OUT hook per group, idempotently, and updates a hook that differs', async () => {
    const ess = new EssHooks(engineAdapters(cfg).ess);
    const first = await ensureLifecycleHooks(cfg, ess, DEFAULT_SETTINGS, hooks);
    expect(first.trigger).toBe('created');
    expect(first.hooks.map((h) => [h.scalingGroupId, h.change])).toEqual([
      [BROKEN, 'created'],
      [WEB, 'created'],
    ]);
    expect(cloud.mns.queues.has(DEFAULT_SETTINGS.lifecycleQueue)).toBe(true);
    const again = await ensureLifecycleHooks(cfg, ess, DEFAULT_SETTINGS, hooks);
    expect([again.trigger, ...again.hooks.map((h) => h.change)]).toEqual(['unchanged', 'unchanged', 'unchanged']);
    const changed = await ensureLifecycleHooks(cfg, ess, DEFAULT_SETTINGS, { ...hooks, heartbeatTimeout: 900 });
    expect(changed.hooks.map((h) => h.change)).toEqual(['updated', 'updated']);
    await ensureLifecycleHooks(cfg, ess, DEFAULT_SETTINGS, hooks);
    const [hook] = (await essCall(cloud, 'DescribeLifecycleHooks', { RegionId: REGION, ScalingGroupId: WEB })).body.LifecycleHooks.LifecycleHook;
    expect(hook).toMatchObject({
      LifecycleTransition: 'SCALE_OUT',
      DefaultResult: 'ABANDON',
      HeartbeatTimeout: 600,
      NotificationArn: `acs:ess:${REGION}:${cloud.state.accountId}:queue/${DEFAULT_SETTINGS.lifecycleQueue}`,
      NotificationMetadata: HOOK_METADATA,
    });
  });

  it('completes the action (CONTINUE) only once the instance’s session is Created, heartbeating while it is Creating', async () => {
    const mark = callMark(cloud);
    const { action } = await scaleOut(cloud, WEB);
    expect(action).toMatchObject({ LifecycleActionStatus: 'Completed', LifecycleActionResult: 'CONTINUE' });
    const [instanceId] = action.InstanceIds.InstanceId;
    const enis = eniOf(cloud, instanceId);
    const sessions = await sessionsOn(cloud, enis);
    expect(sessions.map((s) => s.trafficMirrorSessionStatus)).toEqual(['Created']);
    // The session was still Creating when the first pass looked: a heartbeat, then the completion on a later pass.
    const heartbeats = callsOf(cloud, 'RecordLifecycleActionHeartbeat', mark).filter((c) => c.code === 'OK');
    const [complete] = callsOf(cloud, 'CompleteLifecycleAction', mark);
    expect(heartbeats.length).toBeGreaterThanOrEqual(1);
    expect(complete.code).toBe('OK');
    expect(complete.params.LifecycleActionResult).toBe('CONTINUE');
    const created = cloud.controls.calls.list({ action: 'CreateTrafficMirrorSession', since: mark }).filter((c) => c.code === 'OK');
    expect(created).toHaveLength(1);
    expect(created[0].seq).toBeLessThan(heartbeats[0].seq);
    expect(heartbeats.at(-1)?.seq).toBeLessThan(complete.seq);
    const { body } = await essCall(cloud, 'DescribeScalingInstances', { RegionId: REGION, ScalingGroupId: WEB, 'InstanceId.1': instanceId });
    expect(body.ScalingInstances.ScalingInstance[0].LifecycleState).toBe('InService');
  });

  it('follows the configured result (ABANDON) when the instance can never be mirrored, and reports it', async () => {
    const mark = callMark(cloud);
    const { action } = await scaleOut(cloud, BROKEN);
    expect(action).toMatchObject({ LifecycleActionStatus: 'Completed', LifecycleActionResult: 'ABANDON' });
    expect(callsOf(cloud, 'RecordLifecycleActionHeartbeat', mark)).toEqual([]);
    const [instanceId] = action.InstanceIds.InstanceId;
    expect(cloud.state.regions.get(REGION)?.instances.has(instanceId)).toBe(false);
    const report = await receiveOne(mnsClient(cloud), INBOX, 5);
    expect(JSON.parse(report?.MessageBody ?? '{}')).toMatchObject({ automirror: 'lifecycle', scalingGroupId: BROKEN, instanceIds: [instanceId], verdict: 'give-up', result: 'ABANDON' });
    expect(JSON.parse(report?.MessageBody ?? '{}').why).toMatch(/lb-gone01/);
  });

  it('treats a duplicate notification as done: the action stays as it ended, nothing is created', async () => {
    const { activityId, action } = await scaleOut(cloud, WEB);
    const mark = callMark(cloud);
    const since = cloud.fc.invocations.length;
    const body = {
      content: {
        lifecycleHookId: action.LifecycleHookId,
        lifecycleActionToken: action.LifecycleActionToken,
        lifecycleTransition: 'SCALE_OUT',
        defaultResult: 'ABANDON',
        notificationMetadata: HOOK_METADATA,
        scalingGroupId: WEB,
        instanceIds: action.InstanceIds.InstanceId,
      },
      product: 'ESS',
      regionId: REGION,
      time: new Date().toISOString(),
      userId: cloud.state.accountId,
    };
    // Delivered as ESS delivers its notifications: into the hook's queue.
    cloud.mns.queue(DEFAULT_SETTINGS.lifecycleQueue).send(JSON.stringify(body));
    await settledRuns(cloud, since);
    const [run] = runsNaming(cloud, action.LifecycleActionToken, since);
    expect(run.ok).toBe(true);
    expect(callsOf(cloud, 'CompleteLifecycleAction', mark).map((c) => c.code)).toEqual(['IncorrectLifecycleActionStatus']);
    expect(callsOf(cloud, 'CreateTrafficMirrorSession', mark)).toEqual([]);
    expect(await actionsOf(cloud, activityId)).toEqual([action]);
  });

  it('refuses a notification it cannot read with one clear reason, and calls nothing', async () => {
    const mark = callMark(cloud);
    const since = cloud.fc.invocations.length;
    const body = {
      product: 'ESS',
      regionId: REGION,
      time: new Date().toISOString(),
      content: { lifecycleTransition: 'SCALE_OUT', notificationMetadata: HOOK_METADATA, lifecycleHookId: 'not-a-hook', instanceIds: ['i-web01'] },
    };
    cloud.mns.queue(DEFAULT_SETTINGS.lifecycleQueue).send(JSON.stringify(body));
    await settledRuns(cloud, since);
    const [run] = runsNaming(cloud, 'not-a-hook', since);
    expect(run.ok).toBe(true);
    const result = JSON.parse(run.response);
    expect(result.events.map((e: { verdict: string }) => e.verdict)).toEqual(['bad']);
    expect(result.events[0].why).toMatch(/lifecycle notification with an invalid lifecycleHookId not-a-hook, lifecycleActionToken undefined, scalingGroupId undefined$/);
    expect(cloud.controls.calls.list({ since: mark }).filter((c) => c.product === 'Ess' || c.product === 'Vpc')).toEqual([]);
    expect(logLines(cloud, run.requestId).some((l) => l.level === 'warn' || l.level === 'error')).toBe(true);
  });

  it('retries a transient ESS failure of CompleteLifecycleAction and completes the action', async () => {
    cloud.controls.setFaults([{ operation: 'CompleteLifecycleAction', code: 'ServiceUnavailable', status: 503, message: 'temporary failure', count: 2 }]);
    try {
      const mark = callMark(cloud);
      const { action } = await scaleOut(cloud, WEB);
      expect(action).toMatchObject({ LifecycleActionStatus: 'Completed', LifecycleActionResult: 'CONTINUE' });
      expect(callsOf(cloud, 'CompleteLifecycleAction', mark).map((c) => c.code)).toEqual(['ServiceUnavailable', 'ServiceUnavailable', 'OK']);
    } finally {
      cloud.controls.setFaults([]);
    }
  });

  it('ESS ends a wait nobody completes with the hook’s default result when its heartbeat timeout passes', async () => {
    // A hook of someone else's on a group the policy does not name, notifying nowhere: only the timeout ends it (30 s = 1.5 s here).
    await essCall(cloud, 'CreateLifecycleHook', { RegionId: REGION, ScalingGroupId: 'asg-other01', LifecycleTransition: 'SCALE_OUT', DefaultResult: 'ABANDON', HeartbeatTimeout: 30 });
    const { action } = await scaleOut(cloud, 'asg-other01');
    expect(action).toMatchObject({ LifecycleActionStatus: 'Timeout', LifecycleActionResult: 'ABANDON' });
    await expect(essCall(cloud, 'CompleteLifecycleAction', { RegionId: REGION, LifecycleHookId: action.LifecycleHookId, LifecycleActionToken: action.LifecycleActionToken })).rejects.toMatchObject({
      code: 'IncorrectLifecycleActionStatus',
    });
  });

  it('holds a group the policy selects by tag, and a later setup that no longer selects it removes only its hook', async () => {
    const ess = new EssHooks(engineAdapters(cfg).ess);
    const byTag = { ...hooks, scalingGroupTag: { key: 'hold', value: 'until-mirrored' } };
    const made = await ensureLifecycleHooks(cfg, ess, DEFAULT_SETTINGS, byTag);
    expect(made.hooks.map((h) => [h.scalingGroupId, h.change])).toEqual([
      [BROKEN, 'unchanged'],
      [TAGGED, 'created'],
      [WEB, 'unchanged'],
    ]);
    const mark = callMark(cloud);
    const { action } = await scaleOut(cloud, TAGGED);
    expect(action).toMatchObject({ LifecycleActionStatus: 'Completed', LifecycleActionResult: 'CONTINUE' });
    expect((await sessionsOn(cloud, eniOf(cloud, action.InstanceIds.InstanceId[0]))).map((x) => x.trafficMirrorSessionStatus)).toEqual(['Created']);
    expect(callsOf(cloud, 'CompleteLifecycleAction', mark).map((c) => c.code)).toEqual(['OK']);
    // The tag dropped from the policy: that group's hook goes, the named groups' stay; a re-run changes nothing.
    const dropped = await ensureLifecycleHooks(cfg, ess, DEFAULT_SETTINGS, hooks);
    expect(dropped.hooks.map((h) => [h.scalingGroupId, h.change])).toEqual([
      [BROKEN, 'unchanged'],
      [WEB, 'unchanged'],
      [TAGGED, 'deleted'],
    ]);
    expect((await essCall(cloud, 'DescribeLifecycleHooks', { RegionId: REGION, ScalingGroupId: TAGGED })).body.LifecycleHooks.LifecycleHook).toEqual([]);
    const again = await ensureLifecycleHooks(cfg, ess, DEFAULT_SETTINGS, hooks);
    expect(again.hooks.map((h) => h.change)).toEqual(['unchanged', 'unchanged']);
  });

  it('teardown removes automirror’s hooks and the lifecycle trigger, and leaves other hooks alone', async () => {
    const gone = await removeLifecycleHooks(cfg, new EssHooks(new EssApi(cfg)), DEFAULT_SETTINGS);
    expect(gone.trigger).toBe('deleted');
    expect(gone.hooks.map((h) => h.scalingGroupId).sort()).toEqual([BROKEN, WEB]);
    const left = (await essCall(cloud, 'DescribeLifecycleHooks', { RegionId: REGION })).body.LifecycleHooks.LifecycleHook;
    expect(left.map((h: { ScalingGroupId: string }) => h.ScalingGroupId)).toEqual(['asg-other01']);
    expect(onEventRuns(cloud).every((run) => run.ok)).toBe(true);
  });

  it('setup with a policy that no longer has lifecycleHooks removes the hooks and the trigger an earlier setup made', async () => {
    await ensureLifecycleHooks(cfg, new EssHooks(engineAdapters(cfg).ess), DEFAULT_SETTINGS, hooks);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const keys = { id: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID, secret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET };
    Object.assign(process.env, { ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret });
    try {
      const argv = ['--region', REGION, '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint, '--policy', join(ROOT, 'policy.yaml')];
      expect(await setupCommand(argv)).toBe(0);
    } finally {
      spy.mockRestore();
      for (const [name, v] of [
        ['ALIBABA_CLOUD_ACCESS_KEY_ID', keys.id],
        ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', keys.secret],
      ] as const)
        if (v === undefined) delete process.env[name];
        else process.env[name] = v;
    }
    const printed = out.join('');
    expect(printed).toContain(`deleted  trigger ${DEFAULT_SETTINGS.lifecycleTrigger} on ${ON_EVENT}`);
    expect(printed.match(/deleted {2}lifecycle hook ash-\w+ on asg-\w+ \(no longer named by the policy\)/g)).toHaveLength(2);
    const left = (await essCall(cloud, 'DescribeLifecycleHooks', { RegionId: REGION })).body.LifecycleHooks.LifecycleHook;
    expect(left.map((h: { ScalingGroupId: string }) => h.ScalingGroupId)).toEqual(['asg-other01']);
  });
});
