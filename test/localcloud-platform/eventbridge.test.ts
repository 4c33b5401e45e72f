import * as $EB from '@alicloud/eventbridge';
import * as $FC3 from '@alicloud/fc20230330';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { DEMO_KEY, drain, ebClient, eventually, fc3Client, mnsClient, WRONG_KEY, withPlatform } from './support.js';

// EventBridge: rules made through both APIs and by FC triggers, routing by pattern, targets, limits, delivery.
let cloud: LocalCloud;
beforeAll(async () => {
  const queues = ['lc-dlq', 'lc-seen', 'eb-out', 'eb-dead'].map((name) => ({ name }));
  cloud = await withPlatform({ secondMs: 5, mns: { queues: [...queues, { name: 'lc-work', visibilityTimeout: 200 }], topics: [{ name: 'lc-news' }] } });
});
afterAll(() => cloud.close());

const acct = () => cloud.state.accountId;
const ecsEvent = (id: string, type = 'ecs:Instance:StateChange', data: unknown = { resourceId: 'i-web01', state: 'Running' }) =>
  new $EB.CloudEvent({ id, source: 'acs.ecs', type, subject: `acs:ecs:cn-hangzhou:${acct()}:instance/i-web01`, data: Buffer.from(JSON.stringify(data)) });

const invocationsOf = (eventId: string) => cloud.fc.invocations.filter((i) => i.event.includes(`"id":"${eventId}"`));

function pop(key = DEMO_KEY) {
  const client = new OpenApi(new $OpenApiUtil.Config({ ...key, endpoint: cloud.endpoint, protocol: 'http', regionId: 'cn-hangzhou', readTimeout: 10_000, connectTimeout: 10_000 }));
  return (action: string, query: Record<string, unknown>) =>
    client.callApi(
      new $OpenApiUtil.Params({ action, version: '2020-04-01', protocol: 'HTTPS', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' }),
      new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query) }),
      new $dara.RuntimeOptions({}),
    ) as Promise<{ body: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('events from the cloud reach s.yaml triggers', () => {
  it('routes an ECS event to the function whose trigger pattern matches, which calls back into MNS with its STS credentials', async () => {
    cloud.state.events.publish({
      id: 'cloud-1',
      source: 'acs.ecs',
      specversion: '1.0',
      type: 'ecs:Instance:StateChange',
      time: new Date().toISOString(),
      data: { resourceId: 'i-web01', state: 'Running' },
    });
    const mns = mnsClient(cloud);
    const seen = await eventually(async () => (await drain(mns, 'lc-seen'))[0], 20_000, 'the recorder to see the event');
    const event = JSON.parse(Buffer.from(seen, 'base64').toString('utf8'));
    expect(event).toMatchObject({ id: 'cloud-1', source: 'acs.ecs', aliyuneventbusname: 'default', aliyunaccountid: acct(), aliyunregionid: 'cn-hangzhou' });
    await cloud.platform.idle(); // the function sent its message before returning: let its invocation finish
    expect(invocationsOf('cloud-1')).toEqual([expect.objectContaining({ functionName: 'lc-recorder', invocationType: 'Async', source: 'eventbridge:fc-lc-recorder-ecs-state', ok: true })]);
  });

  it('lets an event that no rule matches reach no function', async () => {
    const before = cloud.fc.invocations.length;
    const r = await ebClient(cloud).putEvents([new $EB.CloudEvent({ id: 'oss-1', source: 'acs.oss', type: 'oss:ObjectCreated:PutObject', data: Buffer.from('{}') })]);
    expect(r.failedEntryCount).toBe(0);
    await ebClient(cloud).putEvents([ecsEvent('api-1', 'ecs:ActionTrail:ApiCall', { eventName: 'RunInstances' })]);
    await cloud.platform.idle();
    expect(cloud.bus.received.map((e) => e.id)).toEqual(expect.arrayContaining(['oss-1', 'api-1']));
    expect(cloud.bus.deliveries.filter((d) => d.eventId === 'oss-1' || d.eventId === 'api-1')).toEqual([]);
    expect(cloud.fc.invocations.slice(before)).toEqual([]);
  });
});

describe('EventBridge SDK API (@alicloud/eventbridge)', () => {
  it('creates a rule whose MNS target receives matching events only, and reads it back', async () => {
    const eb = ebClient(cloud);
    const created = await eb.createRule(
      new $EB.CreateRuleRequest({
        ruleName: 'to-queue',
        eventBusName: 'default',
        filterPattern: JSON.stringify({ source: ['acs.ecs'], data: { state: [{ 'anything-but': 'Stopped' }] } }),
        targets: [
          new $EB.TargetEntry({
            id: 'q',
            type: 'acs.mns.queue',
            endpoint: `acs:mns:cn-hangzhou:${acct()}:queues/eb-out`,
            pushRetryStrategy: 'BACKOFF_RETRY',
            paramList: [new $EB.EBTargetParam({ resourceKey: 'Body', form: 'JSONPATH', value: '$.data' })],
          }),
        ],
      }),
    );
    expect(created.ruleARN).toBe(`acs:eventbridge:cn-hangzhou:${acct()}:eventbus/default/rule/to-queue`);
    await eb.putEvents([ecsEvent('q-1', 'ecs:Instance:StateChange', { state: 'Running' }), ecsEvent('q-2', 'ecs:Instance:StateChange', { state: 'Stopped' })]);
    await cloud.platform.idle();
    expect((await drain(mnsClient(cloud), 'eb-out')).map((b) => JSON.parse(b))).toEqual([{ state: 'Running' }]);

    const rule = await eb.getRule(new $EB.GetRuleRequest({ ruleName: 'to-queue', eventBusName: 'default' }));
    expect(rule).toMatchObject({ ruleName: 'to-queue', status: 'ENABLE', eventBusName: 'default' });
    expect(rule.targets![0]).toMatchObject({ id: 'q', type: 'acs.mns.queue' });
    const list = await eb.listRules(new $EB.ListRulesRequest({ eventBusName: 'default', ruleNamePrefix: 'to-' }));
    expect(list.rules!.map((r) => r.ruleName)).toEqual(['to-queue']);

    // Targets can be added and removed on their own.
    await eb.createTargets(
      new $EB.CreateTargetsRequest({
        ruleName: 'to-queue',
        eventBusName: 'default',
        targets: [new $EB.TargetEntry({ id: 'q2', type: 'acs.mns.queue', endpoint: `acs:mns:cn-hangzhou:${acct()}:queues/eb-dead` })],
      }),
    );
    expect((await eb.listTargets(new $EB.ListTargetsRequest({ ruleName: 'to-queue', eventBusName: 'default' }))).targets!.map((t) => t.id)).toEqual(['q', 'q2']);
    await eb.deleteTargets(new $EB.DeleteTargetsRequest({ ruleName: 'to-queue', eventBusName: 'default', targetIds: ['q2'] }));
    expect((await eb.listTargets(new $EB.ListTargetsRequest({ ruleName: 'to-queue', eventBusName: 'default' }))).targets!.map((t) => t.id)).toEqual(['q']);

    await eb.disableRule(new $EB.DisableRuleRequest({ ruleName: 'to-queue', eventBusName: 'default' }));
    await eb.putEvents([ecsEvent('q-3')]);
    await cloud.platform.idle();
    expect(await drain(mnsClient(cloud), 'eb-out')).toEqual([]);
    await eb.deleteRule(new $EB.DeleteRuleRequest({ ruleName: 'to-queue', eventBusName: 'default' }));
  });

  it('answers errors with the lower-case keys the SDK reads', async () => {
    const eb = ebClient(cloud);
    await expect(eb.getRule(new $EB.GetRuleRequest({ ruleName: 'missing', eventBusName: 'default' }))).rejects.toMatchObject({ code: 'EventRuleNotExisted', statusCode: 404 });
    await expect(eb.createRule(new $EB.CreateRuleRequest({ ruleName: 'bad', eventBusName: 'default', filterPattern: '{"type":["a","b","c","d","e","f"]}' }))).rejects.toMatchObject({
      code: 'InvalidArgument.FilterPattern',
    });
    await expect(eb.createRule(new $EB.CreateRuleRequest({ ruleName: 'no-pattern', eventBusName: 'default' }))).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('tests patterns', async () => {
    const eb = ebClient(cloud);
    const event = JSON.stringify({ source: 'acs.ecs', data: { ip: '10.1.2.3' } });
    expect((await eb.testEventPattern(new $EB.TestEventPatternRequest({ event, eventPattern: '{"data":{"ip":[{"cidr":"10.1.0.0/16"}]}}' }))).result).toBe(true);
    expect((await eb.testEventPattern(new $EB.TestEventPatternRequest({ event, eventPattern: '{"data":{"ip":[{"cidr":"10.2.0.0/16"}]}}' }))).result).toBe(false);
  });

  it('rejects a wrong secret on every operation, and takes STS keys with their token', async () => {
    const bad = ebClient(cloud, WRONG_KEY);
    await expect(bad.putEvents([ecsEvent('nope')])).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(bad.listRules(new $EB.ListRulesRequest({ eventBusName: 'default' }))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(cloud.bus.received.some((e) => e.id === 'nope')).toBe(false);
    const sts = ebClient(cloud, { accessKeyId: 'STS.localcloud-fc', accessKeySecret: 'localcloud-fc-secret', securityToken: 'localcloud-fc-token' });
    expect((await sts.listRules(new $EB.ListRulesRequest({ eventBusName: 'default' }))).total).toBeGreaterThanOrEqual(1);
  });
});

describe('EventBridge POP API 2020-04-01 (generic openapi-core client)', () => {
  it('creates a rule targeting a function by its FC 2.0 ARN; events reach it synchronously', async () => {
    const call = pop();
    const r = await call('CreateRule', {
      EventBusName: 'default',
      RuleName: 'pop-fc',
      FilterPattern: JSON.stringify({ source: ['acs.ecs'], type: [{ suffix: ':ApiCall' }], data: { eventName: ['TagResources'] } }),
      EventTargets: JSON.stringify([
        {
          Id: 'fn',
          Type: 'acs.fc.function',
          Endpoint: `acs:fc:cn-hangzhou:${acct()}:services/lc-test.LATEST/functions/lc-echo`,
          ParamList: [
            { ResourceKey: 'InvocationType', Form: 'CONSTANT', Value: 'Sync' },
            { ResourceKey: 'Body', Form: 'ORIGINAL' },
          ],
        },
      ]),
    });
    expect(r.body).toMatchObject({ Code: 'Success', Success: true, Data: { RuleARN: `acs:eventbridge:cn-hangzhou:${acct()}:eventbus/default/rule/pop-fc` } });
    expect((await call('GetRule', { EventBusName: 'default', RuleName: 'pop-fc' })).body.Data.Targets[0].Id).toBe('fn');
    await ebClient(cloud).putEvents([ecsEvent('tag-1', 'ecs:ActionTrail:ApiCall', { eventName: 'TagResources' }), ecsEvent('tag-2', 'ecs:ActionTrail:ApiCall', { eventName: 'DeleteDisk' })]);
    await cloud.platform.idle();
    expect(invocationsOf('tag-1')).toEqual([expect.objectContaining({ functionName: 'lc-echo', invocationType: 'Sync', ok: true })]);
    expect(invocationsOf('tag-2')).toEqual([]);
    await call('DeleteRule', { EventBusName: 'default', RuleName: 'pop-fc' });
    await expect(pop(WRONG_KEY)('ListRules', { EventBusName: 'default' })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('retries a failing synchronous target per PushRetryStrategy, then dead-letters the event', async () => {
    await pop()('CreateRule', {
      EventBusName: 'default',
      RuleName: 'pop-dlq',
      FilterPattern: '{"source":["acs.ecs"],"type":["ecs:Test:Fail"]}',
      EventTargets: JSON.stringify([
        {
          Id: 'thrower',
          Type: 'acs.fc.function',
          Endpoint: `acs:fc:cn-hangzhou:${acct()}:functions/lc-thrower`,
          PushRetryStrategy: 'BACKOFF_RETRY',
          DeadLetterQueue: { Arn: `acs:mns:cn-hangzhou:${acct()}:queues/eb-dead` },
          ParamList: [{ ResourceKey: 'InvocationType', Form: 'CONSTANT', Value: 'Sync' }],
        },
      ]),
    });
    await ebClient(cloud).putEvents([ecsEvent('dead-1', 'ecs:Test:Fail')]);
    await cloud.platform.idle();
    expect(cloud.bus.deliveries.filter((d) => d.eventId === 'dead-1').map((d) => [d.attempt, d.ok])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
    ]);
    const dead = await drain(mnsClient(cloud), 'eb-dead');
    expect(dead.map((d) => JSON.parse(d).id)).toEqual(['dead-1']);
    await pop()('DeleteRule', { EventBusName: 'default', RuleName: 'pop-dlq' });
  });
});

describe('MNS queue triggers', () => {
  it('invoke the function with the MNS event shape, Base64 bodies decoded, and delete handled messages', async () => {
    const mns = mnsClient(cloud);
    await mns.sendMessage('lc-work', { MessageBody: Buffer.from('do the work').toString('base64') });
    // lc-seen also records the ECS events other tests route to the recorder: pick the one from the queue trigger.
    const seen: string[] = [];
    const fromQueue = (b: string) => JSON.parse(Buffer.from(b, 'base64').toString('utf8')).source === 'MNS-lc-recorder-work';
    const body = await eventually(async () => (seen.push(...(await drain(mns, 'lc-seen'))), seen.find(fromQueue)), 20_000, 'the recorder to run');
    const event = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    expect(event).toMatchObject({
      source: 'MNS-lc-recorder-work',
      type: 'mns:Queue:SendMessage',
      subject: `acs:mns:cn-hangzhou:${acct()}:queues/lc-work`,
      aliyuneventbusname: 'MNS-lc-recorder-work',
      data: { messageBody: 'do the work' },
    });
    await cloud.platform.idle();
    expect((await mns.getQueueAttributes('lc-work')).body).toMatchObject({ ActiveMessages: '0', InactiveMessages: '0' });
  });

  it('leave a failed message in the queue, so it comes back after its visibility timeout', async () => {
    const mns = mnsClient(cloud);
    const sent = (await mns.sendMessage('lc-work', { MessageBody: Buffer.from('fail').toString('base64') })).body as Record<string, string>;
    const tries = () => cloud.fc.invocations.filter((i) => i.functionName === 'lc-recorder' && i.event.includes(sent.MessageId));
    await eventually(() => tries().length >= 2, 20_000, 'a second try after the visibility timeout');
    expect(tries().every((t) => !t.ok)).toBe(true);
    expect(cloud.mns.queue('lc-work').counts().active + cloud.mns.queue('lc-work').counts().inactive).toBe(1);
  });
});

describe('MNS queue triggers with a batch window', () => {
  // A documented second is 100 ms here, so a 5 s window is long enough for the SDK calls below to land inside it.
  let slow: LocalCloud;
  beforeAll(async () => {
    slow = await withPlatform({ secondMs: 100, mns: { queues: [{ name: 'lc-batch', visibilityTimeout: 60 }] } });
  });
  afterAll(() => slow.close());

  async function batchTrigger(name: string, batchWindow: Record<string, number>) {
    const trigger = new $FC3.CreateTriggerInput({
      triggerName: name,
      triggerType: 'eventbridge',
      triggerConfig: JSON.stringify({
        triggerEnable: true,
        asyncInvocationType: true,
        eventRuleFilterPattern: JSON.stringify({ source: [`MNS-lc-echo-${name}`] }),
        eventSourceConfig: { eventSourceType: 'MNS', eventSourceParameters: { sourceMNSParameters: { QueueName: 'lc-batch', IsBase64Decode: false } } },
        runOptions: { batchWindow },
      }),
    });
    await fc3Client(slow).createTrigger('lc-echo', new $FC3.CreateTriggerRequest({ body: trigger }));
  }
  const batches = (name: string) =>
    slow.fc.invocations.filter((i) => i.source === `mns:${name}`).map((i) => (JSON.parse(i.event) as { data: { messageBody: string } }[]).map((e) => e.data.messageBody));

  it('push what arrived within TimeBasedWindow of the first message as one array, the count not reached', async () => {
    await batchTrigger('by-time', { CountBasedWindow: 10, TimeBasedWindow: 5 });
    try {
      const mns = mnsClient(slow);
      for (const body of ['one', 'two', 'three']) await mns.sendMessage('lc-batch', { MessageBody: body });
      await eventually(() => batches('by-time').flat().length === 3, 20_000, 'the three messages');
      expect(batches('by-time')).toEqual([['one', 'two', 'three']]);
    } finally {
      await fc3Client(slow).deleteTrigger('lc-echo', 'by-time');
    }
  });

  it('push as soon as CountBasedWindow messages are in, before the time window ends', async () => {
    await batchTrigger('by-count', { CountBasedWindow: 2, TimeBasedWindow: 15 });
    try {
      const mns = mnsClient(slow);
      for (const body of ['a', 'b', 'c', 'd']) await mns.sendMessage('lc-batch', { MessageBody: body });
      await eventually(() => batches('by-count').flat().length === 4, 20_000, 'the four messages');
      expect(batches('by-count')).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
    } finally {
      await fc3Client(slow).deleteTrigger('lc-echo', 'by-count');
    }
  });

  it('refuse a TimeBasedWindow outside 0–15 seconds, making no trigger', async () => {
    await expect(batchTrigger('too-long', { CountBasedWindow: 10, TimeBasedWindow: 16 })).rejects.toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
    expect(slow.fc.get('lc-echo').triggers.has('too-long')).toBe(false);
  });
});

describe('MNS topic triggers', () => {
  it('invoke the function with the JSON notification for messages carrying the filter tag', async () => {
    const mns = mnsClient(cloud);
    await mns.publishMessage('lc-news', { MessageBody: 'not for fc' });
    const r = (await mns.publishMessage('lc-news', { MessageBody: 'for fc', MessageTag: 'fc' })).body as Record<string, string>;
    const run = await eventually(() => cloud.fc.invocations.find((i) => i.source === 'mns_topic:news'), 20_000, 'the topic trigger');
    expect(JSON.parse(run.event)).toMatchObject({ TopicName: 'lc-news', Message: 'for fc', MessageId: r.MessageId, SubscriptionName: 'fc-lc-echo-news', TopicOwner: acct() });
    await cloud.platform.idle();
    expect(cloud.fc.invocations.filter((i) => i.source === 'mns_topic:news')).toHaveLength(1);
  });
});

describe('FC eventbridge triggers for Alibaba Cloud service events', () => {
  it('invoke once per event, a batch window notwithstanding: batch push is documented for custom event sources only', async () => {
    const trigger = new $FC3.CreateTriggerInput({
      triggerName: 'batched-service-events',
      triggerType: 'eventbridge',
      triggerConfig: JSON.stringify({
        triggerEnable: true,
        asyncInvocationType: true,
        eventRuleFilterPattern: '{"source":["acs.batchtest"]}',
        eventSourceConfig: { eventSourceType: 'Default' },
        runOptions: { batchWindow: { CountBasedWindow: 10, TimeBasedWindow: 5 } },
      }),
    });
    await fc3Client(cloud).createTrigger('lc-echo', new $FC3.CreateTriggerRequest({ body: trigger }));
    try {
      const ids = ['batch-1', 'batch-2', 'batch-3'];
      await ebClient(cloud).putEvents(ids.map((id) => new $EB.CloudEvent({ id, source: 'acs.batchtest', type: 'batchtest:Thing:Happened', data: Buffer.from('{}') })));
      await cloud.platform.idle();
      const runs = cloud.fc.invocations.filter((i) => i.source === 'eventbridge:fc-lc-echo-batched-service-events');
      expect(runs.map((r) => JSON.parse(r.event).id).sort()).toEqual(ids);
    } finally {
      await fc3Client(cloud).deleteTrigger('lc-echo', 'batched-service-events');
    }
  });
});

describe('the default bus rule limit', () => {
  it('refuses the 11th rule, FC eventbridge triggers included', async () => {
    const other = await withPlatform();
    try {
      const eb = ebClient(other);
      // s.yaml's Default-source trigger already holds one rule.
      expect(other.bus.rules.bus('default').rules.size).toBe(1);
      for (let i = 0; i < 9; i++) {
        await eb.createRule(new $EB.CreateRuleRequest({ ruleName: `r${i}`, eventBusName: 'default', filterPattern: '{"source":["acs.ecs"]}' }));
      }
      await expect(eb.createRule(new $EB.CreateRuleRequest({ ruleName: 'r-eleven', eventBusName: 'default', filterPattern: '{}' }))).rejects.toMatchObject({
        code: 'EventRuleCountExceeded',
      });
      const trigger = new $FC3.CreateTriggerInput({
        triggerName: 'eleventh',
        triggerType: 'eventbridge',
        triggerConfig: JSON.stringify({ triggerEnable: true, eventRuleFilterPattern: '{"source":["acs.ecs"]}', eventSourceConfig: { eventSourceType: 'Default' } }),
      });
      await expect(fc3Client(other).createTrigger('lc-echo', new $FC3.CreateTriggerRequest({ body: trigger }))).rejects.toMatchObject({ code: 'EventRuleCountExceeded', statusCode: 400 });
      expect(other.fc.get('lc-echo').triggers.has('eleventh')).toBe(false);
      await eb.createEventBus(new $EB.CreateEventBusRequest({ eventBusName: 'custom' }));
      await eb.createRule(new $EB.CreateRuleRequest({ ruleName: 'r-custom', eventBusName: 'custom', filterPattern: '{}' }));
      await eb.deleteRule(new $EB.DeleteRuleRequest({ ruleName: 'r0', eventBusName: 'default' }));
      await eb.createRule(new $EB.CreateRuleRequest({ ruleName: 'r-tenth', eventBusName: 'default', filterPattern: '{}' }));
    } finally {
      await other.close();
    }
  });
});

describe('at-least-once delivery options', () => {
  it('delivers every event twice with duplicates: 1', async () => {
    const dup = await withPlatform({ delivery: { duplicates: 1 } });
    try {
      dup.state.events.publish({ id: 'dup-1', source: 'acs.ecs', specversion: '1.0', type: 'ecs:Instance:StateChange', time: new Date().toISOString(), data: {} });
      await dup.platform.idle();
      expect(dup.fc.invocations.filter((i) => i.event.includes('"id":"dup-1"')).length).toBe(2);
    } finally {
      await dup.close();
    }
  });

  it('reorders the events of one window', async () => {
    const re = await withPlatform({ delivery: { reorderWindowMs: 300, seed: 7 } });
    try {
      const eb = ebClient(re);
      await eb.createRule(
        new $EB.CreateRuleRequest({
          ruleName: 'all-to-queue',
          eventBusName: 'default',
          filterPattern: '{"source":["acs.ecs"],"type":["ecs:Test:Order"]}',
          targets: [
            new $EB.TargetEntry({
              id: 'q',
              type: 'acs.mns.queue',
              endpoint: `acs:mns:cn-hangzhou:${re.state.accountId}:queues/lc-seen`,
              paramList: [new $EB.EBTargetParam({ resourceKey: 'Body', form: 'JSONPATH', value: '$.id' })],
            }),
          ],
        }),
      );
      await eb.putEvents(['o1', 'o2', 'o3', 'o4'].map((id) => ecsEvent(id, 'ecs:Test:Order')));
      await re.platform.idle();
      const order = await drain(mnsClient(re), 'lc-seen');
      expect([...order].sort()).toEqual(['o1', 'o2', 'o3', 'o4']);
      expect(order).not.toEqual(['o1', 'o2', 'o3', 'o4']);
    } finally {
      await re.close();
    }
  });
});
