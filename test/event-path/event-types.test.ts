import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import {
  type BuiltApp,
  buildApp,
  ecsOps,
  eventPathWorld,
  eventually,
  FROM_QUEUE,
  FROM_RULE,
  invokeOnEvent,
  onEventRuns,
  runsNaming,
  sample,
  sessionsOn,
  settledRuns,
  settledSessionsOn,
  startEventPath,
} from './support.js';

// Item 1 of issue 6 through the whole path: each change is made through the ECS SDK, localcloud publishes what the
// real cloud would (ActionTrail records, instance state changes) to the default bus, the rule `automirror setup`
// created routes them to on-event, and the sessions that result are read back through the VPC SDK.

let app: BuiltApp;
beforeAll(() => {
  app = buildApp();
}, 120_000);
afterAll(() => app?.remove());

/** Settles with exactly one Created session per ENI, all of the policy's collector; returns them. */
const oneSessionEach = (cloud: LocalCloud, eniIds: string[], what: string) =>
  settledSessionsOn(cloud, eniIds, (s) => s.length === eniIds.length && eniIds.every((e) => s.filter((x) => x.trafficMirrorSourceIds!.includes(e)).length === 1), what);

/** Waits for on-event to have handled an event naming `resource` after `since`, then for quiet: nothing may have failed. */
async function handled(cloud: LocalCloud, resource: string, since: number) {
  await settledRuns(cloud, since);
  await expectHandled(cloud, resource, since);
}

async function expectHandled(cloud: LocalCloud, resource: string, since: number) {
  await cloud.platform.idle();
  const runs = onEventRuns(cloud, since);
  expect(runsNaming(cloud, resource, since).length).toBeGreaterThan(0);
  expect(runs.filter((r) => !r.ok)).toEqual([]);
  // ECS events come through the setup's rule; deferred work comes back through the queue trigger.
  for (const r of runs) expect([FROM_RULE, FROM_QUEUE]).toContain(r.source);
}

describe('ECS changes made through the API reach on-event and mirror what the policy opts in', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startEventPath(app);
  }, 60_000);
  afterAll(() => cloud?.close());

  it('mirrors every ENI of an instance launched with mirror=on, primary and secondary, one session each', async () => {
    const since = cloud.fc.invocations.length;
    const { instanceId, eniIds } = await ecsOps(cloud).launch({ mirror: 'on' }, true);
    expect(eniIds).toHaveLength(2);
    const sessions = await oneSessionEach(cloud, eniIds, `sessions for ${instanceId}`);
    expect(new Set(sessions.map((s) => s.priority)).size).toBe(2);
    await expectHandled(cloud, instanceId, since);
  });

  it('leaves an instance launched without the tag unmirrored, although its events reach on-event', async () => {
    const since = cloud.fc.invocations.length;
    const { instanceId, eniIds } = await ecsOps(cloud).launch({ app: 'batch' }, true);
    await handled(cloud, instanceId, since);
    expect(await sessionsOn(cloud, eniIds)).toEqual([]);
  });

  it('opts an existing instance in when TagResources tags it mirror=on, and out when UntagResources removes the tag', async () => {
    const ops = ecsOps(cloud);
    const { instanceId, eniIds } = await ops.launch({ app: 'api' }, true);
    await handled(cloud, instanceId, 0);
    expect(await sessionsOn(cloud, eniIds)).toEqual([]);

    let since = cloud.fc.invocations.length;
    await ops.tag('instance', [instanceId], { mirror: 'on' });
    await oneSessionEach(cloud, eniIds, `sessions once ${instanceId} is tagged`);
    await expectHandled(cloud, instanceId, since);

    since = cloud.fc.invocations.length;
    await ops.untag('instance', [instanceId], ['mirror']);
    await settledSessionsOn(cloud, eniIds, (s) => s.length === 0, `the sessions of ${instanceId} to go once it is untagged`);
    await expectHandled(cloud, instanceId, since);
  });

  it('opts one ENI in when TagResources tags the ENI itself, and out again on UntagResources, leaving its instance’s other ENIs alone', async () => {
    const ops = ecsOps(cloud);
    const { instanceId, eniIds } = await ops.launch({ app: 'eni-tags' }, true);
    const [primary, secondary] = eniIds;
    await handled(cloud, instanceId, 0);

    let since = cloud.fc.invocations.length;
    await ops.tag('eni', [secondary], { mirror: 'on' });
    await oneSessionEach(cloud, [secondary], `a session for ${secondary}`);
    await expectHandled(cloud, secondary, since);
    expect(await sessionsOn(cloud, [primary])).toEqual([]);

    since = cloud.fc.invocations.length;
    await ops.untag('eni', [secondary], ['mirror']);
    await settledSessionsOn(cloud, [secondary], (s) => s.length === 0, `the session of ${secondary} to go`);
    await expectHandled(cloud, secondary, since);
  });

  it('mirrors an untagged ENI once attached to a tagged instance, and lets it go once detached', async () => {
    const ops = ecsOps(cloud);
    const { instanceId } = await ops.launch({ mirror: 'on' });
    const eni = await ops.createEni();
    await handled(cloud, eni, 0);
    expect(await sessionsOn(cloud, [eni])).toEqual([]);

    let since = cloud.fc.invocations.length;
    await ops.attach(eni, instanceId);
    await oneSessionEach(cloud, [eni], `a session for ${eni} once attached`);
    await expectHandled(cloud, eni, since);

    since = cloud.fc.invocations.length;
    await ops.detach(eni, instanceId);
    await settledSessionsOn(cloud, [eni], (s) => s.length === 0, `the session of ${eni} to go once detached`);
    await expectHandled(cloud, eni, since);
  });

  it('mirrors an ENI tagged mirror=on from its creation, keeps that one session through its attachment, and lets it go when it is deleted', async () => {
    const ops = ecsOps(cloud);
    const eni = await ops.createEni({ mirror: 'on' }, 'vsw-prod-i');
    const [created] = await oneSessionEach(cloud, [eni], `a session for ${eni}`);

    let since = cloud.fc.invocations.length;
    await ops.attach(eni, 'i-db01');
    await handled(cloud, eni, since);
    await settledSessionsOn(cloud, [eni], (s) => s.length === 1 && s[0].trafficMirrorSessionId === created.trafficMirrorSessionId, 'the same one session');

    since = cloud.fc.invocations.length;
    await ops.detach(eni, 'i-db01');
    await handled(cloud, eni, since);
    await settledSessionsOn(cloud, [eni], (s) => s.length === 1 && s[0].trafficMirrorSessionId === created.trafficMirrorSessionId, 'the same one session');

    since = cloud.fc.invocations.length;
    await ops.deleteEni(eni);
    await settledSessionsOn(cloud, [eni], (s) => s.length === 0, `the session of deleted ${eni} to go`);
    await expectHandled(cloud, eni, since);
  });

  it('reconciles each subject of a batch (as event streaming pushes one) once, however often an event repeats in it', async () => {
    const running = sample('ecs-instance-running.json');
    const created = sample('ecs-actiontrail-create-network-interface.json');
    const batch = [running, created, running, { ...running }, created]; // a copy has the same (source, id) too
    const { requestId } = await invokeOnEvent(cloud, JSON.stringify(batch));
    await settledRuns(cloud, 0);
    const [run] = onEventRuns(cloud).filter((r) => r.requestId === requestId);
    expect(run).toMatchObject({ ok: true, attempt: 1 });
    const response = JSON.parse(run.response);
    expect(response.events.map((e: { verdict: string }) => e.verdict)).toEqual(['reconcile', 'reconcile', 'duplicate', 'duplicate', 'duplicate']);
    expect(response.results).toHaveLength(1);
    expect(response.results[0].created.map((c: { eniId: string }) => c.eniId).sort()).toEqual(['eni-spare01', 'eni-web01p', 'eni-web01s']);
    await oneSessionEach(cloud, ['eni-web01p', 'eni-web01s', 'eni-spare01'], 'one session per ENI');
  });
});

describe.each(['data', 'content'] as const)('instance state changes with their fields under %s', (shape) => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    // stateChangeShape makes localcloud emit ecs:Instance:StateChange with its fields directly under data or under data.content.
    cloud = await startEventPath(app, { world: eventPathWorld({ stateChangeShape: shape, deletedSourceEni: 'dangling' }) });
  }, 60_000);
  afterAll(() => cloud?.close());

  const stateChanges = (since: number, instanceId: string, state: string) =>
    runsNaming(cloud, instanceId, since).filter((r) => {
      const e = JSON.parse(r.event);
      const fields = shape === 'content' ? e.data?.content : e.data;
      return e.type === 'ecs:Instance:StateChange' && fields?.state === state;
    });

  it('reconciles a launched instance on Running', async () => {
    const since = cloud.fc.invocations.length;
    const { instanceId, eniIds } = await ecsOps(cloud).launch({ mirror: 'on' });
    await oneSessionEach(cloud, eniIds, `a session for ${instanceId}`);
    await eventually(() => stateChanges(since, instanceId, 'Running').length > 0);
    await cloud.platform.idle();
    const [running] = stateChanges(since, instanceId, 'Running');
    expect(running.source).toBe(FROM_RULE);
    expect(JSON.parse(running.response).events).toEqual([expect.objectContaining({ verdict: 'reconcile', why: `instance ${instanceId} is Running` })]);
  });

  it('on Deleted, has the released instance’s owned sessions let go of its ENIs, gone (dangling in the session) or left Available', async () => {
    const ops = ecsOps(cloud);
    const { instanceId, eniIds } = await ops.launch({ mirror: 'on' }, true);
    await oneSessionEach(cloud, eniIds, `sessions for ${instanceId}`);
    await cloud.platform.idle();

    const since = cloud.fc.invocations.length;
    await ops.deleteInstance(instanceId);
    // DeleteInstance itself is not among the calls the trigger listens to: only the Deleted state change reaches on-event.
    await settledSessionsOn(cloud, eniIds, (s) => s.length === 0, `the sessions of released ${instanceId} to go`);
    await cloud.platform.idle();
    const [deleted, ...others] = runsNaming(cloud, instanceId, since);
    expect(others).toEqual([]);
    expect(stateChanges(since, instanceId, 'Deleted')).toEqual([deleted]);
    expect(deleted).toMatchObject({ source: FROM_RULE, ok: true, attempt: 1 });
    const [result] = JSON.parse(deleted.response).results;
    expect(result.deleted.length + result.removed.length).toBe(2);
  });
});
