import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { startLocalCloud } from '../../localcloud/index.js';
import { defaultWorld } from '../support/localcloud.js';
import { drain, eventually, mnsClient, receiveOne, WRONG_KEY } from './support.js';

// MNS through the unmodified @alicloud/mns client: signatures, queues, delays, visibility, long polls, topics.
let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ world: defaultWorld(), platform: { mns: { topics: [{ name: 'news' }] } } });
});
afterAll(() => cloud.close());

describe('MNS signatures', () => {
  it('rejects a wrong secret and an unknown key, on reads and writes', async () => {
    await expect(mnsClient(cloud, WRONG_KEY).createQueue('nope')).rejects.toMatchObject({ name: 'MNSSignatureDoesNotMatchError' });
    await expect(mnsClient(cloud, WRONG_KEY).listQueue()).rejects.toMatchObject({ name: 'MNSSignatureDoesNotMatchError' });
    await expect(mnsClient(cloud, { accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' }).getQueueAttributes('q')).rejects.toMatchObject({
      name: 'MNSInvalidAccessKeyIdError',
    });
    expect(cloud.mns.queues.has('nope')).toBe(false);
  });

  it('accepts an STS key only with its token', async () => {
    const sts = { accessKeyId: 'STS.localcloud-fc', accessKeySecret: 'localcloud-fc-secret' };
    await expect(mnsClient(cloud, sts).createQueue('sts-q')).rejects.toMatchObject({ name: 'MNSInvalidSecurityTokenError' });
    const ok = await mnsClient(cloud, { ...sts, securityToken: 'localcloud-fc-token' }).createQueue('sts-q');
    expect(ok.code).toBe(201);
  });
});

describe('MNS queues', () => {
  const mns = () => mnsClient(cloud);

  it('creates, describes and lists queues; a second create with other attributes conflicts', async () => {
    const r = await mns().createQueue('q-attrs', { VisibilityTimeout: 5, DelaySeconds: 0 });
    expect(r.code).toBe(201);
    expect(r.headers.location).toBe(`${cloud.endpoints.mns}/queues/q-attrs`);
    expect((await mns().createQueue('q-attrs', { VisibilityTimeout: 5, DelaySeconds: 0 })).code).toBe(204);
    await expect(mns().createQueue('q-attrs', { VisibilityTimeout: 9 })).rejects.toMatchObject({ name: 'MNSQueueAlreadyExistError' });
    const attrs = (await mns().getQueueAttributes('q-attrs')).body as Record<string, string>;
    expect(attrs).toMatchObject({ QueueName: 'q-attrs', VisibilityTimeout: '5', ActiveMessages: '0' });
    const list = (await mns().listQueue(undefined, 10, 'q-')).body as Array<{ QueueURL: string }>;
    expect(list.map((q) => q.QueueURL)).toContain(`${cloud.endpoints.mns}/queues/q-attrs`);
    await expect(mns().getQueueAttributes('missing')).rejects.toMatchObject({ name: 'MNSQueueNotExistError' });
  });

  it('sends, receives and deletes; an empty queue answers MessageNotExist', async () => {
    await mns().createQueue('q-basic');
    const sent = await mns().sendMessage('q-basic', { MessageBody: 'a & b' });
    expect(sent.code).toBe(201);
    const body = sent.body as Record<string, string>;
    expect(body.MessageBodyMD5).toBe(createHash('md5').update('a & b').digest('hex').toUpperCase());
    const got = (await mns().receiveMessage('q-basic')).body as Record<string, string>;
    expect(got).toMatchObject({ MessageId: body.MessageId, MessageBody: 'a & b', DequeueCount: '1', Priority: '8' });
    const del = await mns().deleteMessage('q-basic', got.ReceiptHandle);
    expect(del.code).toBe(204);
    await expect(mns().receiveMessage('q-basic')).rejects.toMatchObject({ name: 'MNSMessageNotExistError' });
    await expect(mns().deleteMessage('q-basic', got.ReceiptHandle)).rejects.toMatchObject({ name: 'MNSMessageNotExistError' });
  });

  it('keeps a delayed message invisible until its delay passes', async () => {
    await mns().createQueue('q-delay');
    const sentAt = Date.now();
    await mns().sendMessage('q-delay', { MessageBody: 'later', DelaySeconds: 3 });
    // Right after sending (well within the 3 s): neither receive nor peek sees it, but the queue counts it as delayed.
    expect(await receiveOne(mns(), 'q-delay')).toBeUndefined();
    await expect(mns().peekMessage('q-delay')).rejects.toMatchObject({ name: 'MNSMessageNotExistError' });
    expect((await mns().getQueueAttributes('q-delay')).body).toMatchObject({ DelayMessages: '1', ActiveMessages: '0' });
    expect(Date.now() - sentAt).toBeLessThan(3000);
    const got = await eventually(() => receiveOne(mns(), 'q-delay'), 15_000, 'the delayed message');
    expect(got.MessageBody).toBe('later');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2900);
  });

  it('hides a received message for the visibility timeout, then shows it again; changeMessageVisibility renews the handle', async () => {
    await mns().createQueue('q-vis', { VisibilityTimeout: 2 });
    await mns().sendMessage('q-vis', { MessageBody: 'v' });
    const first = (await mns().receiveMessage('q-vis')).body as Record<string, string>;
    expect(await receiveOne(mns(), 'q-vis')).toBeUndefined();
    const again = await eventually(() => receiveOne(mns(), 'q-vis'), 15_000, 'the message to reappear');
    expect(again).toMatchObject({ MessageId: first.MessageId, DequeueCount: '2' });
    // The first handle is stale now.
    await expect(mns().deleteMessage('q-vis', first.ReceiptHandle)).rejects.toMatchObject({ name: 'MNSReceiptHandleErrorError' });
    const changed = (await mns().changeMessageVisibility('q-vis', again.ReceiptHandle, 30)).body as Record<string, string>;
    expect(changed.ReceiptHandle).not.toBe(again.ReceiptHandle);
    expect(Number(changed.NextVisibleTime)).toBeGreaterThan(Date.now() + 20_000);
    expect((await mns().deleteMessage('q-vis', changed.ReceiptHandle)).code).toBe(204);
  });

  it('long-polls: a receive waiting for 5 s returns as soon as a message arrives', async () => {
    await mns().createQueue('q-poll');
    const started = Date.now();
    const pending = mns().receiveMessage('q-poll', 5);
    setTimeout(() => void mns().sendMessage('q-poll', { MessageBody: 'wake' }), 300);
    const got = (await pending).body as Record<string, string>;
    expect(got.MessageBody).toBe('wake');
    expect(Date.now() - started).toBeLessThan(4500);
  });

  it('answers an empty long poll shortly before the wait ends', async () => {
    await mns().createQueue('q-empty');
    const started = Date.now();
    expect(await receiveOne(mns(), 'q-empty', 1)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });

  it('sends, receives and deletes in batches, by priority', async () => {
    await mns().createQueue('q-batch');
    const sent = await mns().batchSendMessage('q-batch', [{ MessageBody: 'low', Priority: 16 }, { MessageBody: 'high', Priority: 1 }, { MessageBody: 'mid' }]);
    expect((sent.body as unknown[]).length).toBe(3);
    const got = (await mns().batchReceiveMessage('q-batch', 16)).body as Array<Record<string, string>>;
    expect(got.map((m) => m.MessageBody)).toEqual(['high', 'mid', 'low']);
    const del = await mns().batchDeleteMessage('q-batch', [...got.map((m) => m.ReceiptHandle), 'ffff-1-bad']);
    expect(del.code).toBe(404);
    expect(del.body).toEqual([expect.objectContaining({ ErrorCode: 'MessageNotExist', ReceiptHandle: 'ffff-1-bad' })]);
    expect(await receiveOne(mns(), 'q-batch')).toBeUndefined();
  });

  it('refuses bodies that are not well-formed XML', async () => {
    await mns().createQueue('q-xml');
    await expect(mns().sendMessage('q-xml', { MessageBody: 'a < b' })).rejects.toMatchObject({ name: 'MNSMalformedXMLError' });
  });
});

describe('MNS topics', () => {
  it('publishes to queue subscriptions in their notify format, honouring the filter tag', async () => {
    const mns = mnsClient(cloud);
    await mns.createQueue('sub-simple');
    await mns.createQueue('sub-json');
    const acct = cloud.state.accountId;
    cloud.mns.subscribe('news', 's1', { endpoint: `acs:mns:cn-hangzhou:${acct}:queues/sub-simple`, notifyContentFormat: 'SIMPLIFIED' });
    cloud.mns.subscribe('news', 's2', { endpoint: `acs:mns:cn-hangzhou:${acct}:queues/sub-json`, notifyContentFormat: 'JSON', filterTag: 'important' });
    const r = await mns.publishMessage('news', { MessageBody: 'plain news' });
    expect(r.code).toBe(201);
    await mns.publishMessage('news', { MessageBody: 'big news', MessageTag: 'important' });
    expect(await drain(mns, 'sub-simple')).toEqual(['plain news', 'big news']);
    const json = (await drain(mns, 'sub-json')).map((b) => JSON.parse(b));
    expect(json).toEqual([expect.objectContaining({ TopicName: 'news', SubscriptionName: 's2', Message: 'big news', MessageTag: 'important' })]);
    expect((await mns.getTopicAttributes('news')).body).toMatchObject({ TopicName: 'news', MessageCount: '2' });
  });

  it('creates topics through the API and refuses publishing to a missing one', async () => {
    const mns = mnsClient(cloud);
    expect((await mns.createTopic('t-new')).code).toBe(201);
    await expect(mns.publishMessage('t-missing', { MessageBody: 'x' })).rejects.toMatchObject({ name: 'MNSTopicNotExistError' });
  });
});
