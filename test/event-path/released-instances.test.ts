import * as $Vpc from '@alicloud/vpc20160428';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { INSTANCE_TAG, OWNER_TAG, OWNER_VALUE } from '../../shared/engine/ownership.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { type BuiltApp, buildApp, ecsOps, eventPathWorld, eventually, listSessions, REGION, runsNaming, settledSessionsOn, startEventPath, vpcClient } from './support.js';

// Item 5 of issue 11: when instances are released, every owned session of theirs goes on the event path (the
// Deleted state change), whether the cloud keeps a deleted source ENI's id in the session (dangling) or drops it,
// leaving a session with no source that only its automirror:instance tag still ties to the instance (remove).
// Sessions automirror does not own stay as they are.

let app: BuiltApp;
beforeAll(() => {
  app = buildApp();
}, 120_000);
afterAll(() => app?.remove());

type Listed = Awaited<ReturnType<typeof listSessions>>[number];
const tagOf = (s: Listed, key: string) => s.tags?.find((t) => t.key === key)?.value;
const ownedOf = (sessions: Listed[], instanceIds: readonly string[]) => sessions.filter((s) => tagOf(s, OWNER_TAG) === OWNER_VALUE && instanceIds.includes(tagOf(s, INSTANCE_TAG) ?? ''));

describe.each(['dangling', 'remove'] as const)('released instances, with deletedSourceEni: %s', (mode) => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startEventPath(app, { world: eventPathWorld({ deletedSourceEni: mode }) });
  }, 60_000);
  afterAll(() => cloud?.close());

  it('lose every owned session on their Deleted events, without the hourly reconcile; sessions not ours stay', async () => {
    const ops = ecsOps(cloud);
    const launched = [];
    for (let i = 0; i < 3; i++) launched.push(await ops.launch({ mirror: 'on' }, i !== 1));
    const instanceIds = launched.map((l) => l.instanceId);
    const eniIds = launched.flatMap((l) => l.eniIds);
    await settledSessionsOn(cloud, eniIds, (s) => s.length === eniIds.length, 'one session per ENI of the launched instances');
    expect(ownedOf(await listSessions(cloud), instanceIds)).toHaveLength(eniIds.length);

    // Someone else's sessions on the same ENIs, one of them even tagged with the instance: never ours to delete.
    const vpc = vpcClient(cloud);
    const theirs: string[] = [];
    for (const [i, l] of launched.entries()) {
      const r = await vpc.createTrafficMirrorSession(
        new $Vpc.CreateTrafficMirrorSessionRequest({
          regionId: REGION,
          priority: 10 + i,
          trafficMirrorSourceIds: [l.eniIds[0]],
          trafficMirrorTargetId: 'lb-collector01',
          trafficMirrorTargetType: 'SLB',
          trafficMirrorFilterId: 'tmf-allipv4',
          tag: i === 0 ? [new $Vpc.CreateTrafficMirrorSessionRequestTag({ key: INSTANCE_TAG, value: l.instanceId })] : undefined,
        }),
      );
      theirs.push(r.body!.trafficMirrorSessionId!);
    }
    await cloud.platform.idle();

    const since = cloud.fc.invocations.length;
    for (const id of instanceIds) await ops.deleteInstance(id);
    await eventually(async () => ownedOf(await listSessions(cloud), instanceIds).length === 0, 20_000, 'every owned session of the released instances to go');
    await cloud.platform.idle();

    const left = await listSessions(cloud);
    expect(ownedOf(left, instanceIds)).toEqual([]);
    expect(left.filter((s) => theirs.includes(s.trafficMirrorSessionId!)).map((s) => s.trafficMirrorSessionId)).toEqual(expect.arrayContaining(theirs));
    expect(left.filter((s) => theirs.includes(s.trafficMirrorSessionId!))).toHaveLength(theirs.length);
    // On the event path: each instance's Deleted event did it, once, and no region reconcile ran.
    for (const id of instanceIds) expect(runsNaming(cloud, id, since).every((r) => r.ok && r.attempt === 1)).toBe(true);
    expect(cloud.fc.invocations.slice(since).filter((r) => r.functionName === DEFAULT_SETTINGS.reconcileRegionFunction)).toEqual([]);
  });
});
