import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { HANDLED_CALLS } from '../../shared/events/actiontrail.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import {
  type BuiltApp,
  buildApp,
  callMark,
  ECS_RULE,
  editRegion,
  eventPathWorld,
  FROM_QUEUE,
  FROM_RULE,
  invokeOnEvent,
  logLines,
  mnsClient,
  ownedSession,
  sample,
  sampleFiles,
  sampleText,
  sessionsOn,
  settledRuns,
  settledSessionsOn,
  startEventPath,
  writesSince,
} from './support.js';

// Every sample in events/ replayed the way it reaches on-event in production, against a world in which what the
// event reports has happened: ECS events through the event bus and the rule `automirror setup` created, deferred
// work through the deferral queue and its trigger, and the forms EventBridge never carries (CloudMonitor's own
// notification, a batch) through FC's InvokeFunction, as their pushers call it.

let app: BuiltApp;
let cloud: LocalCloud | undefined;
beforeAll(() => {
  app = buildApp();
}, 120_000);
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});
afterAll(() => app?.remove());

const ACCOUNT = '1234567890123456';

// ---- Worlds in which the sample's story has happened (sessions are those automirror made before it) ----

const web01 = (r: WorldFile['regions'][string]) => r.instances!.find((i) => i.instanceId === 'i-web01')!;
const WORLDS = {
  /** worlds/default.json as shipped: i-web01 (mirror=on) and its two ENIs, i-db01 untagged, eni-spare01 Available and tagged. */
  default: () => eventPathWorld(),
  /** i-web01 released: its primary ENI went with it, its secondary (not DeleteOnRelease) is Available; its sessions remain. */
  web01Released: () =>
    editRegion(eventPathWorld(), (r) => {
      r.instances = r.instances!.filter((i) => i.instanceId !== 'i-web01');
      r.networkInterfaces!.push({ networkInterfaceId: 'eni-web01s', vSwitchId: 'vsw-prod-h', status: 'Available', tags: { role: 'data' } });
      r.deletedNetworkInterfaceIds = ['eni-web01p'];
      r.trafficMirrorSessions = [ownedSession('tms-web01p', 'eni-web01p', 1029, 'i-web01'), ownedSession('tms-web01s', 'eni-web01s', 1172, 'i-web01')];
    }),
  /** eni-spare01 attached to i-web01 (same zone). */
  spareAttached: () =>
    editRegion(eventPathWorld(), (r) => {
      r.networkInterfaces = r.networkInterfaces!.filter((e) => e.networkInterfaceId !== 'eni-spare01');
      web01(r).networkInterfaces!.push({ networkInterfaceId: 'eni-spare01', type: 'Secondary', tags: { mirror: 'on' } });
    }),
  /** eni-web01s detached from i-web01: Available, no longer under the instance's mirror=on; its session remains. */
  web01sDetached: () =>
    editRegion(eventPathWorld(), (r) => {
      web01(r).networkInterfaces = web01(r).networkInterfaces!.filter((e) => e.networkInterfaceId !== 'eni-web01s');
      r.networkInterfaces!.push({ networkInterfaceId: 'eni-web01s', vSwitchId: 'vsw-prod-h', status: 'Available', tags: { role: 'data' } });
      r.trafficMirrorSessions = [ownedSession('tms-web01s', 'eni-web01s', 1172, 'i-web01')];
    }),
  /** eni-web01s detached and deleted; its session still names it (deletedSourceEni: dangling). */
  web01sDeleted: () =>
    editRegion(eventPathWorld(), (r) => {
      web01(r).networkInterfaces = web01(r).networkInterfaces!.filter((e) => e.networkInterfaceId !== 'eni-web01s');
      r.deletedNetworkInterfaceIds = ['eni-web01s'];
      r.trafficMirrorSessions = [ownedSession('tms-web01s', 'eni-web01s', 1172, 'i-web01')];
    }),
  /** i-db01 tagged mirror=on. */
  db01Tagged: () =>
    editRegion(eventPathWorld(), (r) => {
      r.instances!.find((i) => i.instanceId === 'i-db01')!.tags!.mirror = 'on';
    }),
  /** mirror removed from i-web01; the sessions made while it was on remain. */
  web01Untagged: () =>
    editRegion(eventPathWorld(), (r) => {
      delete web01(r).tags!.mirror;
      r.trafficMirrorSessions = [ownedSession('tms-web01p', 'eni-web01p', 1029, 'i-web01'), ownedSession('tms-web01s', 'eni-web01s', 1172, 'i-web01')];
    }),
};

interface Replay {
  file: string;
  /** How the sample reaches on-event: the ECS rule on the default bus, the deferral queue, or FC's InvokeFunction. */
  route: 'bus' | 'queue' | 'invoke';
  world: keyof typeof WORLDS;
  /** The verdict on each event of the payload, in order. */
  verdicts: string[];
  /** ENIs that end with exactly one session of the policy's rule. */
  mirrored: string[];
  /** ENIs that end with no session (a session the world had on them was let go). */
  released: string[];
}

const REPLAYS: Replay[] = [
  { file: 'ecs-instance-running.json', route: 'bus', world: 'default', verdicts: ['reconcile'], mirrored: ['eni-web01p', 'eni-web01s'], released: [] },
  { file: 'ecs-instance-running-content.json', route: 'bus', world: 'default', verdicts: ['reconcile'], mirrored: [], released: [] },
  { file: 'ecs-instance-deleted.json', route: 'bus', world: 'web01Released', verdicts: ['reconcile'], mirrored: [], released: ['eni-web01p', 'eni-web01s'] },
  { file: 'cms-instance-state-change.json', route: 'invoke', world: 'default', verdicts: ['reconcile'], mirrored: ['eni-web01p', 'eni-web01s'], released: [] },
  { file: 'ecs-actiontrail-run-instances.json', route: 'bus', world: 'default', verdicts: ['reconcile'], mirrored: ['eni-web01p', 'eni-web01s'], released: [] },
  { file: 'ecs-actiontrail-create-network-interface.json', route: 'bus', world: 'default', verdicts: ['reconcile'], mirrored: ['eni-spare01'], released: [] },
  { file: 'ecs-actiontrail-attach-network-interface.json', route: 'bus', world: 'spareAttached', verdicts: ['reconcile'], mirrored: ['eni-spare01'], released: [] },
  { file: 'ecs-actiontrail-detach-network-interface.json', route: 'bus', world: 'web01sDetached', verdicts: ['reconcile'], mirrored: [], released: ['eni-web01s'] },
  { file: 'ecs-actiontrail-delete-network-interface.json', route: 'bus', world: 'web01sDeleted', verdicts: ['reconcile'], mirrored: [], released: ['eni-web01s'] },
  { file: 'ecs-actiontrail-tag-resources.json', route: 'bus', world: 'db01Tagged', verdicts: ['reconcile'], mirrored: ['eni-db01p'], released: [] },
  { file: 'ecs-actiontrail-untag-resources.json', route: 'bus', world: 'web01Untagged', verdicts: ['reconcile'], mirrored: [], released: ['eni-web01p', 'eni-web01s'] },
  { file: 'ecs-network-interface-operate-completed.json', route: 'bus', world: 'default', verdicts: ['reconcile'], mirrored: ['eni-spare01'], released: [] },
  { file: 'mns/deferred-work.json', route: 'queue', world: 'spareAttached', verdicts: ['reconcile'], mirrored: ['eni-spare01'], released: [] },
  { file: 'batch.json', route: 'invoke', world: 'default', verdicts: ['reconcile', 'ignored', 'duplicate', 'reconcile'], mirrored: ['eni-web01p', 'eni-web01s', 'eni-spare01'], released: [] },
];

const ALL_ENIS = ['eni-web01p', 'eni-web01s', 'eni-db01p', 'eni-ids01p', 'eni-spare01'];

/** Puts the sample where production would deliver it; returns the invocation source to expect. */
async function deliver(c: LocalCloud, r: Replay): Promise<string> {
  if (r.route === 'bus') {
    c.bus.put(sample(r.file));
    return FROM_RULE;
  }
  if (r.route === 'queue') {
    await mnsClient(c).sendMessage(DEFAULT_SETTINGS.deferQueue, { MessageBody: sample(r.file).data.messageBody });
    return FROM_QUEUE;
  }
  expect((await invokeOnEvent(c, sampleText(r.file))).status).toBe(202);
  return 'api';
}

describe('events/ samples replayed through localcloud', () => {
  it('has a replay for every sample file, and a sample for every event on-event handles', () => {
    expect(REPLAYS.map((r) => r.file).sort()).toEqual(sampleFiles());
    const events = sampleFiles().flatMap((f) => [sample(f)].flat());
    const calls = events.filter((e) => e.type === 'ecs:ActionTrail:ApiCall').map((e) => e.data.eventName);
    expect(new Set(calls)).toEqual(new Set(HANDLED_CALLS));
    const states = events.filter((e) => e.type === 'ecs:Instance:StateChange').map((e) => `${e.data.content ? 'content' : 'data'}:${(e.data.content ?? e.data).state}`);
    expect(states).toEqual(expect.arrayContaining(['data:Running', 'content:Running', 'data:Deleted']));
    expect(events.map((e) => e.type ?? `cms:${e.name}`)).toEqual(
      expect.arrayContaining(['ecs:NetworkInterface:NetworkInterfaceOperateCompleted', 'mns:Queue:SendMessage', 'cms:Instance:StateChange']),
    );
    expect(sampleFiles().filter((f) => Array.isArray(sample(f)))).toEqual(['batch.json']);
  });

  it('spells every ECS sample in the full CloudEvents envelope of the default bus, with the world’s account and resources', () => {
    const ecs = sampleFiles()
      .flatMap((f) => [sample(f)].flat())
      .filter((e) => e.source === 'acs.ecs');
    expect(ecs.length).toBeGreaterThanOrEqual(12);
    for (const e of ecs) {
      expect(e).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json;charset=utf-8', aliyunaccountid: ACCOUNT, aliyunregionid: 'cn-hangzhou', aliyuneventbusname: 'default' });
      expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.subject).toMatch(new RegExp(`^acs\\.ecs:cn-hangzhou:${ACCOUNT}:(instance/i-|eni/eni-)`));
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      expect(typeof e.aliyunpublishtime).toBe('string');
      if (e.type !== 'ecs:ActionTrail:ApiCall') continue;
      expect(Object.keys(e.data)).toEqual(
        expect.arrayContaining([
          'eventId',
          'eventVersion',
          'eventType',
          'eventRW',
          'eventName',
          'serviceName',
          'acsRegion',
          'eventTime',
          'requestId',
          'sourceIpAddress',
          'userAgent',
          'userIdentity',
          'requestParameters',
          'referencedResources',
        ]),
      );
      expect(e.data).toMatchObject({ eventType: 'ApiCall', eventRW: 'Write', serviceName: 'Ecs', acsRegion: 'cn-hangzhou', userIdentity: { accountId: ACCOUNT } });
      // Calls that return new ids say so in responseElements as well as referencedResources.
      if (e.data.eventName === 'RunInstances') expect(e.data.responseElements.InstanceIdSets.InstanceIdSet).toEqual(e.data.referencedResources['ACS::ECS::Instance']);
      if (e.data.eventName === 'CreateNetworkInterface') expect([e.data.responseElements.NetworkInterfaceId]).toEqual(e.data.referencedResources['ACS::ECS::NetworkInterface']);
    }
  });

  it.each(REPLAYS)('$file → via $route, mirrors [$mirrored], lets go of [$released]', async (r) => {
    cloud = await startEventPath(app, { world: WORLDS[r.world]() });
    const c = cloud;
    const before = await sessionsOn(c, ALL_ENIS);
    for (const eni of r.released) expect(before.some((s) => s.trafficMirrorSourceIds!.includes(eni))).toBe(true);
    const mark = callMark(c);

    const source = await deliver(c, r);
    const [run, ...more] = await settledRuns(c, 0);
    expect(more).toEqual([]); // one invocation, no FC retry
    expect(run).toMatchObject({ source, attempt: 1, ok: true });
    if (r.route === 'bus') expect(c.bus.deliveries).toEqual([expect.objectContaining({ eventId: sample(r.file).id, rule: ECS_RULE, ok: true })]);

    // The result and the log say what each event amounted to, and what was done about it.
    const response = JSON.parse(run.response);
    expect(response.events.map((e: { verdict: string }) => e.verdict)).toEqual(r.verdicts);
    const lines = logLines(c, run.requestId);
    expect(lines.filter((l) => l.msg === 'reconciled')).toHaveLength(1);
    const summary = response.results[0];
    expect(summary.created.map((x: { eniId: string }) => x.eniId).sort()).toEqual([...r.mirrored].sort());
    expect([...summary.deleted.flatMap((x: { sessionId: string }) => x.sessionId), ...summary.removed.map((x: { sessionId: string }) => x.sessionId)].length).toBe(
      new Set(before.filter((s) => s.trafficMirrorSourceIds!.some((id) => r.released.includes(id))).map((s) => s.trafficMirrorSessionId)).size,
    );
    expect(summary.failed).toEqual([]);
    expect(summary.deferred).toEqual([]);

    // The cloud: one session per mirrored ENI, none left on a released one, nothing else touched.
    const after = await settledSessionsOn(c, ALL_ENIS, (s) => s.length === before.length + r.mirrored.length - r.released.length, 'the sessions to settle');
    for (const eni of r.mirrored) {
      expect(after.filter((s) => s.trafficMirrorSourceIds!.includes(eni))).toEqual([
        expect.objectContaining({ trafficMirrorSourceIds: [eni], trafficMirrorTargetId: 'lb-collector01', trafficMirrorFilterId: 'tmf-allipv4', enabled: true, packetLength: 1500 }),
      ]);
    }
    for (const eni of r.released) expect(after.filter((s) => s.trafficMirrorSourceIds!.includes(eni))).toEqual([]);
    for (const eni of ALL_ENIS.filter((e) => !r.mirrored.includes(e) && !r.released.includes(e))) {
      expect(after.filter((s) => s.trafficMirrorSourceIds!.includes(eni))).toEqual(before.filter((s) => s.trafficMirrorSourceIds!.includes(eni)));
    }
    const writes = writesSince(c, mark);
    if (r.mirrored.length + r.released.length === 0) expect(writes).toEqual([]);
    else expect(writes.every((w) => w.startsWith('Vpc.'))).toBe(true);
  });

  it('matches the deferral queue trigger’s own event in its MNS sample (the shape on-event receives from the queue)', async () => {
    cloud = await startEventPath(app, { world: WORLDS.spareAttached() });
    const s = sample('mns/deferred-work.json');
    await mnsClient(cloud).sendMessage(DEFAULT_SETTINGS.deferQueue, { MessageBody: s.data.messageBody });
    const [run] = await settledRuns(cloud, 0);
    const got = JSON.parse(run.event);
    expect(Object.keys(got).sort()).toEqual(Object.keys(s).sort());
    expect(Object.keys(got.data).sort()).toEqual(Object.keys(s.data).sort());
    const fixed = ['source', 'specversion', 'type', 'datacontenttype', 'subject', 'aliyunaccountid', 'aliyuneventbusname', 'aliyunregionid'] as const;
    expect(Object.fromEntries(fixed.map((k) => [k, got[k]]))).toEqual(Object.fromEntries(fixed.map((k) => [k, s[k]])));
    expect(got.data.messageBody).toBe(s.data.messageBody);
  });
});
