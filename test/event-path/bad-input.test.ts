import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { callMark, eventPathForFile, FROM_QUEUE, FROM_RULE, invokeOnEvent, logLines, mnsClient, onEventRuns, recordSends, runsNaming, sample, settledRuns, writesSince } from './support.js';

// Item 2 of issue 6, bad or unrelated input: whatever arrives (through the ECS rule, the deferral queue, or FC's
// InvokeFunction from another pusher), on-event writes nothing to the cloud, says why in one structured log line,
// and succeeds, so FC does not retry it.

const path = eventPathForFile();
let cloud: LocalCloud;
let deferrals: ReturnType<typeof recordSends>;
let failures: ReturnType<typeof recordSends>;
beforeAll(() => {
  cloud = path.cloud;
  deferrals = recordSends(cloud, DEFAULT_SETTINGS.deferQueue);
  failures = recordSends(cloud, DEFAULT_SETTINGS.failedQueue);
});

const running = () => sample('ecs-instance-running.json');
const call = (eventName: unknown, fields: Record<string, unknown> = {}) => {
  const e = sample('ecs-actiontrail-tag-resources.json');
  return { ...e, id: `bad-${Math.random().toString(36).slice(2)}`, data: { ...e.data, eventName, ...fields } };
};
const stateChange = (data: unknown) => ({ ...running(), id: `bad-${Math.random().toString(36).slice(2)}`, data });
const deferred = (body: Record<string, unknown>) =>
  JSON.stringify({ automirror: 'deferred', version: 1, regionId: 'cn-hangzhou', instanceIds: [], eniIds: ['eni-web01p'], reason: 'test', attempt: 1, ...body });

type Route = 'bus' | 'async' | 'sync' | 'queue';
interface Case {
  name: string;
  route: Route;
  /** An event object for the bus; the exact text for the other routes. */
  payload: unknown;
  level: 'warn' | 'info';
  why: RegExp;
}

const CASES: Case[] = [
  { name: 'malformed JSON', route: 'async', payload: '{"id":"7c2a4e1b","source":"acs.ecs","type":', level: 'warn', why: /payload is not JSON/ },
  {
    name: 'a payload over the size limit (synchronous: FC refuses such an asynchronous one itself)',
    route: 'sync',
    payload: JSON.stringify({ ...running(), data: { resourceId: 'i-web01', state: 'Running', padding: 'x'.repeat(300 * 1024) } }),
    level: 'warn',
    why: /payload of \d+ bytes exceeds 262144/,
  },
  { name: 'a JSON number instead of an event', route: 'async', payload: '42', level: 'warn', why: /an event is not a JSON object \(42\)/ },
  { name: 'JSON null', route: 'async', payload: 'null', level: 'warn', why: /an event is not a JSON object \(null\)/ },
  { name: 'an empty batch', route: 'async', payload: '[]', level: 'warn', why: /empty batch/ },
  { name: 'a batch of more than 1000 events', route: 'async', payload: JSON.stringify(Array.from({ length: 1001 }, () => ({}))), level: 'warn', why: /batch of 1001 events exceeds 1000/ },
  { name: 'an object that is no event', route: 'async', payload: '{"hello":"world"}', level: 'warn', why: /not a CloudEvent or CloudMonitor event \(keys: hello\)/ },
  { name: 'an event without an id', route: 'async', payload: JSON.stringify({ ...running(), id: undefined }), level: 'warn', why: /has no id/ },
  {
    name: 'an unknown ECS event type',
    route: 'async',
    payload: JSON.stringify({ ...running(), type: 'ecs:Disk:DiskAttached' }),
    level: 'info',
    why: /"?acs\.ecs"? "?ecs:Disk:DiskAttached"? is not an event automirror handles/,
  },
  {
    name: 'another product’s event',
    route: 'async',
    payload: JSON.stringify({ ...running(), source: 'acs.oss', type: 'oss:ObjectCreated:PutObject' }),
    level: 'info',
    why: /acs\.oss oss:ObjectCreated:PutObject is not an event automirror handles/,
  },
  { name: 'an ActionTrail record whose eventName is a number', route: 'async', payload: JSON.stringify(call(42)), level: 'warn', why: /has no eventName/ },
  {
    name: 'a CloudMonitor notification automirror does not handle',
    route: 'async',
    payload: JSON.stringify({ ...sample('cms-instance-state-change.json'), name: 'Disk:Snapshot' }),
    level: 'info',
    why: /CloudMonitor "?Disk:Snapshot"? is not an event/,
  },
  { name: 'a state change whose data is a string', route: 'bus', payload: stateChange('Running'), level: 'warn', why: /has no data object/ },
  { name: 'a state change whose resourceId is a number', route: 'bus', payload: stateChange({ resourceId: 42, state: 'Running' }), level: 'warn', why: /no valid instance id in resourceId \(42\)/ },
  { name: 'a state change whose state is a list', route: 'bus', payload: stateChange({ resourceId: 'i-web01', state: ['Running'] }), level: 'warn', why: /unknown state \["Running"\]/ },
  {
    name: 'a state change with a forged, multi-line id',
    route: 'bus',
    payload: stateChange({ resourceId: 'i-web01\n{"level":"info"}', state: 'Running' }),
    level: 'warn',
    why: /no valid instance id/,
  },
  {
    name: 'a TagResources record with a numeric resource id',
    route: 'bus',
    payload: call('TagResources', { requestParameters: { ResourceType: 'instance', 'ResourceId.1': 7 } }),
    level: 'warn',
    why: /TagResources with invalid instance ids/,
  },
  {
    name: 'a RunInstances record naming a path, not an instance',
    route: 'bus',
    payload: call('RunInstances', { referencedResources: { 'ACS::ECS::Instance': ['../etc'] } }),
    level: 'warn',
    why: /names an invalid resource id \(\.\.\/etc\)/,
  },
  {
    name: 'a failed API call',
    route: 'bus',
    payload: call('AttachNetworkInterface', { errorCode: 'InvalidOperation.InvalidEniState', referencedResources: { 'ACS::ECS::NetworkInterface': ['eni-spare01'] } }),
    level: 'info',
    why: /AttachNetworkInterface failed \(InvalidOperation\.InvalidEniState\): nothing changed/,
  },
  {
    name: 'a state that changes nothing (Stopped)',
    route: 'bus',
    payload: stateChange({ resourceId: 'i-web01', state: 'Stopped' }),
    level: 'info',
    why: /instance i-web01 is Stopped: nothing to change/,
  },
  // Issue 11: inputs a chaos run found crashing on-event (retried 4× by FC) or costing a cloud read per forged id.
  {
    name: 'data nested 6,000 levels deep',
    route: 'async',
    payload: `{"id":"deep-1","source":"acs.ecs","type":"ecs:Instance:StateChange","data":${'['.repeat(6000)}${']'.repeat(6000)}}`,
    level: 'warn',
    why: /too large or deep to read: nested deeper than 32 levels/,
  },
  {
    name: 'ResourceType {"toString": null}',
    route: 'bus',
    payload: call('TagResources', { requestParameters: { ResourceType: { toString: null }, 'ResourceId.1': 'i-web01' } }),
    level: 'warn',
    why: /ResourceType that is not text/,
  },
  ...['__proto__', 'hasOwnProperty', 'valueOf'].map((type) => ({
    name: `an event type named ${type}`,
    route: 'async' as const,
    payload: JSON.stringify({ ...running(), type }),
    level: 'info' as const,
    why: /is not an event automirror handles/,
  })),
  {
    name: 'a TagResources record naming 5,000 forged instances',
    route: 'bus',
    payload: call('TagResources', { requestParameters: { ResourceType: 'instance', ResourceId: Array.from({ length: 5000 }, (_, i) => `i-forged${i}`) } }),
    level: 'warn',
    why: /TagResources names 5000 resources; the API takes at most 50/,
  },
  {
    name: 'an event for a region that does not exist',
    route: 'bus',
    payload: { ...running(), id: 'nowhere-1', aliyunregionid: 'xx-nowhere-9' },
    level: 'info',
    why: /out of scope: region xx-nowhere-9/,
  },
  { name: 'a deferral-queue message that is not deferred work', route: 'queue', payload: 'hello from someone else', level: 'warn', why: /message is not automirror deferred work/ },
  { name: 'deferred work with an invalid region', route: 'queue', payload: deferred({ regionId: 'Hangzhou 1' }), level: 'warn', why: /deferred work has an invalid regionId/ },
  { name: 'deferred work naming no valid ENI', route: 'queue', payload: deferred({ eniIds: ['eni-web01p', 'web01'] }), level: 'warn', why: /deferred work names invalid or no resources/ },
];

/** The reasons a log line or a response gives: the dropped payload's, or each event's. */
const reasons = (o: Record<string, unknown>) => String(o.reason ?? o.dropped ?? (o.events as Array<{ why: string }> | undefined)?.map((e) => e.why).join('; '));

/** Sends the payload its way; resolves to the one attempt it caused, once everything is quiet. */
async function deliver(c: Case) {
  const since = cloud.fc.invocations.length;
  if (c.route === 'bus') {
    const event = cloud.bus.put(c.payload as { source: string; type: string });
    await settledRuns(cloud, since);
    return { runs: runsNaming(cloud, event.id, since), source: FROM_RULE };
  }
  if (c.route === 'queue') {
    await mnsClient(cloud).sendMessage(DEFAULT_SETTINGS.deferQueue, { MessageBody: c.payload as string });
    return { runs: await settledRuns(cloud, since), source: FROM_QUEUE };
  }
  const r = await invokeOnEvent(cloud, c.payload as string, c.route === 'sync' ? 'Sync' : 'Async');
  expect(r.status).toBe(c.route === 'sync' ? 200 : 202);
  await settledRuns(cloud, since);
  return { runs: onEventRuns(cloud, since).filter((i) => i.requestId === r.requestId), source: 'api' };
}

describe('bad or unrelated input', () => {
  it.each(CASES)('$name ($route): no cloud write, one log line saying why, success', async (c) => {
    const mark = callMark(cloud);
    const sent = deferrals.length + failures.length;
    const { runs, source } = await deliver(c);

    expect(runs).toHaveLength(1); // one attempt: FC did not retry it
    const [run] = runs;
    expect(run).toMatchObject({ source, ok: true, attempt: 1 });
    expect(writesSince(cloud, mark)).toEqual([]);
    expect(deferrals.length + failures.length).toBe(sent + (c.route === 'queue' ? 1 : 0)); // the test's own message only

    const lines = logLines(cloud, run.requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe(c.level);
    expect(reasons(lines[0])).toMatch(c.why);
    expect(reasons(JSON.parse(run.response))).toMatch(c.why);
  });

  it.each([
    ['another product’s event', { source: 'acs.oss', type: 'oss:ObjectCreated:PutObject', data: { bucket: 'logs' } }],
    ['an ECS event type on-event does not handle', { source: 'acs.ecs', type: 'ecs:Disk:DiskAttached', data: { diskId: 'd-1' } }],
    ['an ECS API call that cannot change mirroring', { source: 'acs.ecs', type: 'ecs:ActionTrail:ApiCall', data: { eventName: 'StopInstance', acsRegion: 'cn-hangzhou' } }],
  ])('does not even reach on-event when it is %s: the rule’s pattern filters it out', async (_name, event) => {
    const since = cloud.fc.invocations.length;
    const put = cloud.bus.put(event);
    await cloud.platform.idle();
    expect(cloud.bus.received.map((e) => e.id)).toContain(put.id);
    expect(cloud.bus.deliveries.filter((d) => d.eventId === put.id)).toEqual([]);
    expect(onEventRuns(cloud, since)).toEqual([]);
  });
});
