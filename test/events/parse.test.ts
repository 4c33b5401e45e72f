import { describe, expect, it } from 'vitest';
import { encodeDeferred } from '../../shared/events/deferred.js';
import { parsePayload } from '../../shared/events/payload.js';

/** The deployment's own account and region: where events that don't say go. */
const AT = { accountId: '1234567890123456', regionId: 'cn-hangzhou' };

const envelope = (type: string, data: unknown, extra: Record<string, unknown> = {}) => ({
  id: `evt-${Math.random().toString(36).slice(2)}`,
  source: 'acs.ecs',
  specversion: '1.0',
  type,
  aliyunregionid: 'cn-hangzhou',
  time: '2026-11-25T19:04:41+08:00',
  data,
  ...extra,
});
const call = (eventName: string, fields: Record<string, unknown>) => envelope('ecs:ActionTrail:ApiCall', { eventName, eventType: 'ApiCall', eventRW: 'Write', acsRegion: 'cn-shanghai', ...fields });

const one = (payload: unknown) => {
  const r = parsePayload(payload, AT);
  return { subject: r.subjects[0], note: r.events[0], all: r };
};

describe('events → subjects', () => {
  it.each([
    ['StateChange Running, fields under data', envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Running' }), { instanceIds: ['i-a1'], eniIds: [] }],
    ['StateChange Running, fields under data.content', envelope('ecs:Instance:StateChange', { content: { resourceId: 'i-a1', state: 'Running' } }), { instanceIds: ['i-a1'], eniIds: [] }],
    ['StateChange Deleted', envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Deleted' }), { instanceIds: ['i-a1'], eniIds: [] }],
    ['RunInstances via referencedResources', call('RunInstances', { referencedResources: { 'ACS::ECS::Instance': ['i-a1', 'i-a2'] } }), { instanceIds: ['i-a1', 'i-a2'], eniIds: [] }],
    ['RunInstances via responseElements', call('RunInstances', { responseElements: { InstanceIdSets: { InstanceIdSet: ['i-a3'] } } }), { instanceIds: ['i-a3'], eniIds: [] }],
    ['CreateNetworkInterface', call('CreateNetworkInterface', { responseElements: { NetworkInterfaceId: 'eni-n1' } }), { instanceIds: [], eniIds: ['eni-n1'] }],
    ['AttachNetworkInterface', call('AttachNetworkInterface', { requestParameters: { InstanceId: 'i-a1', NetworkInterfaceId: 'eni-n1' } }), { eniIds: ['eni-n1'] }],
    ['DetachNetworkInterface', call('DetachNetworkInterface', { requestParameters: { InstanceId: 'i-a1', NetworkInterfaceId: 'eni-n1' } }), { eniIds: ['eni-n1'] }],
    ['DeleteNetworkInterface', call('DeleteNetworkInterface', { requestParameters: { NetworkInterfaceId: 'eni-n1' } }), { instanceIds: [], eniIds: ['eni-n1'] }],
    [
      'TagResources on instances, flat params',
      call('TagResources', { requestParameters: { ResourceType: 'instance', 'ResourceId.1': 'i-a1', 'ResourceId.2': 'i-a2' } }),
      { instanceIds: ['i-a1', 'i-a2'], eniIds: [] },
    ],
    ['UntagResources on ENIs, list params', call('UntagResources', { requestParameters: { ResourceType: 'eni', ResourceId: ['eni-n1'] } }), { instanceIds: [], eniIds: ['eni-n1'] }],
    ['ENI operation completed, ARN', envelope('ecs:NetworkInterface:NetworkInterfaceOperateCompleted', { resourceId: 'acs:ecs:cn-hangzhou:123:eni/eni-n2' }), { eniIds: ['eni-n2'] }],
  ])('%s', (_name, event, expected) => {
    const { subject, note } = one(event);
    expect(note.verdict).toBe('reconcile');
    expect(subject).toMatchObject(expected);
  });

  it('takes the region from the ActionTrail record, else the envelope, else the default', () => {
    expect(one(call('DeleteNetworkInterface', { requestParameters: { NetworkInterfaceId: 'eni-n1' } })).subject.regionId).toBe('cn-shanghai');
    expect(one(envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Running' }, { aliyunregionid: 'eu-central-1' })).subject.regionId).toBe('eu-central-1');
    expect(one(envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Running' }, { aliyunregionid: undefined })).subject.regionId).toBe('cn-hangzhou');
  });

  it('reads the CloudMonitor-native form (no envelope, ARN in resourceId, fields in content)', () => {
    const cms = {
      eventTime: '20181226T220114.058+0800',
      id: '9435EAD6-3CF6',
      level: 'INFO',
      name: 'Instance:StateChange',
      product: 'ECS',
      regionId: 'ap-southeast-1',
      resourceId: 'acs:ecs:ap-southeast-1:169070:instance/i-bp1',
      userId: '169070',
      ver: '1.0',
      content: { resourceId: 'i-bp1', resourceType: 'ALIYUN::ECS::Instance', state: 'Running' },
    };
    expect(one(cms).subject).toMatchObject({ regionId: 'ap-southeast-1', instanceIds: ['i-bp1'] });
  });

  it('merges a batch into one subject per region and counts a duplicate (source, id) once', () => {
    const a = envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Running' });
    const b = call('AttachNetworkInterface', { acsRegion: 'cn-hangzhou', requestParameters: { NetworkInterfaceId: 'eni-n1' } });
    const c = envelope('ecs:Instance:StateChange', { resourceId: 'i-z9', state: 'Running' }, { aliyunregionid: 'cn-beijing' });
    const r = parsePayload([a, b, a, c], AT);
    expect(r.events.map((e) => e.verdict)).toEqual(['reconcile', 'reconcile', 'duplicate', 'reconcile']);
    expect(r.subjects).toHaveLength(2);
    expect(r.subjects.find((s) => s.regionId === 'cn-hangzhou')).toMatchObject({ instanceIds: ['i-a1'], eniIds: ['eni-n1'] });
    expect(r.subjects.find((s) => s.regionId === 'cn-beijing')).toMatchObject({ instanceIds: ['i-z9'] });
  });

  it('reads deferred work from an MNS queue trigger event, keeping its attempt count', () => {
    const body = encodeDeferred({ automirror: 'deferred', version: 1, regionId: 'cn-hangzhou', instanceIds: [], eniIds: ['eni-n1'], reason: 'ENI eni-n1 is Attaching', attempt: 2 });
    const mns = { id: 'm-1', source: 'MNS-automirror-on-event-deferred', specversion: '1.0', type: 'mns:Queue:SendMessage', data: { messageBody: body } };
    expect(one(mns).subject).toMatchObject({ regionId: 'cn-hangzhou', eniIds: ['eni-n1'], attempt: 2 });
    const b64 = { ...mns, id: 'm-2', data: { messageBody: Buffer.from(body).toString('base64') } };
    expect(one(b64).subject).toMatchObject({ eniIds: ['eni-n1'] });
  });
});

describe('service events through the events queue (an EventBridge rule with an MNS queue target)', () => {
  // The rule's target writes the whole event as the message body; the queue trigger wraps it in its own event.
  const queued = (event: unknown, n: number) => ({
    id: `m-${n}`,
    source: 'MNS-automirror-on-event-automirror-events',
    specversion: '1.0',
    type: 'mns:Queue:SendMessage',
    data: { messageBody: typeof event === 'string' ? event : JSON.stringify(event) },
  });

  it("merges a launch's events into one subject, counts EventBridge's repeat of an event once, and notes a bad element alone", () => {
    const running = envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Running' });
    const launch = [
      envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Pending' }),
      call('RunInstances', { acsRegion: 'cn-hangzhou', referencedResources: { 'ACS::ECS::Instance': ['i-a1'] } }),
      running,
      running,
      envelope('ecs:Instance:StateChange', { resourceId: 42, state: 'Running' }),
      'not json {',
    ];
    const r = parsePayload(
      launch.map((e, i) => queued(e, i)),
      AT,
    );
    expect(r.events.map((e) => e.verdict)).toEqual(['ignored', 'reconcile', 'reconcile', 'duplicate', 'bad', 'bad']);
    expect(r.events[3]).toMatchObject({ id: running.id, why: /same \(source, id\)/ });
    expect(r.events[4].why).toMatch(/no valid instance id/);
    expect(r.subjects).toEqual([expect.objectContaining({ regionId: 'cn-hangzhou', instanceIds: ['i-a1'], eniIds: [] })]);
  });

  it('still reads the direct shapes beside queued ones, one event or an array', () => {
    const direct = envelope('ecs:Instance:StateChange', { resourceId: 'i-b1', state: 'Running' });
    expect(one(direct).subject).toMatchObject({ instanceIds: ['i-b1'] });
    const r = parsePayload([direct, queued(direct, 1), queued(envelope('ecs:Instance:StateChange', { resourceId: 'i-b2', state: 'Running' }), 2)], AT);
    expect(r.events.map((e) => e.verdict)).toEqual(['reconcile', 'duplicate', 'reconcile']);
    expect(r.subjects[0].instanceIds).toEqual(['i-b1', 'i-b2']);
  });
});

describe('events that need nothing, and bad input', () => {
  it.each([
    ['a state that changes nothing', envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Stopped' }), 'ignored', /Stopped/],
    ['an API call that does not affect mirroring', call('StartInstance', {}), 'ignored', /does not affect mirroring/],
    ['a failed API call', call('AttachNetworkInterface', { errorCode: 'InvalidEniId.NotFound', requestParameters: { NetworkInterfaceId: 'eni-n1' } }), 'ignored', /failed/],
    ['tags on another resource type', call('TagResources', { requestParameters: { ResourceType: 'disk', 'ResourceId.1': 'd-1' } }), 'ignored', /disk/],
    ["another product's event", { ...envelope('oss:ObjectCreated:PutObject', {}), source: 'acs.oss' }, 'ignored', /not an event automirror handles/],
    ['an unknown ECS event type', envelope('ecs:Disk:Resized', {}), 'ignored', /not an event automirror handles/],
    ['no data', envelope('ecs:Instance:StateChange', 'Running'), 'bad', /no data object/],
    ['a wrong field type', envelope('ecs:Instance:StateChange', { resourceId: 42, state: 'Running' }), 'bad', /no valid instance id/],
    ['an unknown state', envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Exploded' }), 'bad', /unknown state/],
    ['a hostile id', call('DeleteNetworkInterface', { requestParameters: { NetworkInterfaceId: 'eni-1"; rm -rf /\n{"level":"error"}' } }), 'bad', /invalid resource id/],
    ['no id', { ...envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Running' }), id: undefined }, 'bad', /has no id/],
    ['a non-object event', 'hello', 'bad', /not a JSON object/],
    ['not an event at all', { hello: 'world' }, 'bad', /not a CloudEvent/],
    [
      'deferred work that names nothing',
      { id: 'm', source: 'MNS-x', type: 'mns:Queue:SendMessage', data: { messageBody: '{"automirror":"deferred","version":1,"regionId":"cn-hangzhou","instanceIds":[],"eniIds":[]}' } },
      'bad',
      /no resources/,
    ],
  ])('%s', (_name, event, verdict, why) => {
    const r = parsePayload(event, AT);
    expect(r.subjects).toEqual([]);
    expect(r.events[0].verdict).toBe(verdict);
    expect(r.events[0].why).toMatch(why);
  });

  it('keeps quoted event text to one bounded, printable line', () => {
    const r = parsePayload(call('DeleteNetworkInterface', { requestParameters: { NetworkInterfaceId: `eni-x\n${'A'.repeat(5000)}` } }), AT);
    expect(r.events[0].why).not.toContain('\n');
    expect(r.events[0].why.length).toBeLessThan(300);
  });

  it('refuses a batch larger than the limit without looking at its events', () => {
    const r = parsePayload(
      Array.from({ length: 1001 }, () => ({})),
      AT,
    );
    expect(r.subjects).toEqual([]);
    expect(r.events).toEqual([{ verdict: 'bad', why: 'batch of 1001 events exceeds 1000' }]);
  });
});

describe('units of work and the event-source registry', () => {
  it('groups subjects by account and region: an event names its account, else the deployment’s own', () => {
    const own = envelope('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Running' }, { aliyunaccountid: undefined });
    const member = envelope('ecs:Instance:StateChange', { resourceId: 'i-b1', state: 'Running' }, { aliyunaccountid: '5550001112223334' });
    const r = parsePayload([own, member], AT);
    expect(r.subjects.map((x) => [x.accountId, x.regionId, x.instanceIds])).toEqual([
      ['1234567890123456', 'cn-hangzhou', ['i-a1']],
      ['5550001112223334', 'cn-hangzhou', ['i-b1']],
    ]);
  });

  it('counts the same deferred work once in a batch, by its key, and takes its account from the message', () => {
    const body = encodeDeferred({
      automirror: 'deferred',
      version: 1,
      key: 'ab'.repeat(16),
      accountId: '5550001112223334',
      regionId: 'cn-hangzhou',
      instanceIds: [],
      eniIds: ['eni-n1'],
      reason: 'Attaching',
      attempt: 1,
    });
    const message = () => ({ id: `m-${Math.random()}`, source: 'MNS-fn-trigger', type: 'mns:Queue:SendMessage', data: { messageBody: body } });
    const r = parsePayload([message(), message()], AT);
    expect(r.events.map((e) => e.verdict)).toEqual(['reconcile', 'duplicate']);
    expect(r.subjects).toMatchObject([{ accountId: '5550001112223334', eniIds: ['eni-n1'], attempt: 1 }]);
  });

  it.each(['__proto__', 'hasOwnProperty', 'constructor', 'toString'])('ignores an acs.ecs event of type %s (a Map, not an object lookup)', (type) => {
    const r = parsePayload(envelope(type, { resourceId: 'i-a1', state: 'Running' }), AT);
    expect(r.events[0]).toMatchObject({ verdict: 'ignored', why: expect.stringContaining('is not an event automirror handles') });
  });
});
