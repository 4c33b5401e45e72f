import { Readable } from 'node:stream';
import * as $FC3 from '@alicloud/fc20230330';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { DEMO_KEY, drain, eventually, fc2Client, fc3Client, mnsClient, WRONG_KEY, withPlatform } from './support.js';

// Function Compute from s.yaml: both API generations, the FC context, async retries and destinations, timers.
let cloud: LocalCloud;
beforeAll(async () => {
  process.env.LC_TEST_GREETING = 'hi from the environment';
  cloud = await withPlatform({ secondMs: 50 });
});
afterAll(() => cloud.close());

const readAll = async (s: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
};

async function invoke3(name: string, body: string, headers: Record<string, string> = {}, key = DEMO_KEY) {
  const res = await fc3Client(cloud, key).invokeFunctionWithOptions(
    name,
    new $FC3.InvokeFunctionRequest({ body: Readable.from([Buffer.from(body)]) }),
    new $FC3.InvokeFunctionHeaders({ commonHeaders: headers, xFcInvocationType: headers['x-fc-invocation-type'], xFcLogType: headers['x-fc-log-type'] }),
    {} as never,
  );
  return { status: res.statusCode, headers: res.headers as Record<string, string>, text: await readAll(res.body as Readable) };
}

describe('s.yaml', () => {
  it('deploys every fc3 resource with its rendered props', () => {
    expect([...cloud.fc.functions.keys()].sort()).toEqual(['lc-echo', 'lc-recorder', 'lc-slow', 'lc-thrower']);
    const echo = cloud.fc.get('lc-echo').spec;
    expect(echo).toMatchObject({ region: 'cn-hangzhou', timeout: 10, memorySize: 256, role: `acs:ram::${cloud.state.accountId}:role/lc-test` });
    expect(echo.environmentVariables).toEqual({ GREETING: 'hi from the environment', FROM_VARS: 'cn-hangzhou' });
  });
});

describe('FC 3.0 API (@alicloud/fc20230330)', () => {
  it('invokes synchronously with the event as a Buffer and an FC-shaped context', async () => {
    const r = await invoke3('lc-echo', '{"hello":"world"}', { 'x-fc-log-type': 'Tail' });
    expect(r.status).toBe(200);
    expect(r.headers['x-fc-request-id']).toBeTruthy();
    expect(r.headers['x-fc-error-type']).toBeUndefined();
    const out = JSON.parse(r.text);
    expect(out).toMatchObject({ event: '{"hello":"world"}', isBuffer: true });
    expect(out.context).toMatchObject({
      requestId: r.headers['x-fc-request-id'],
      region: 'cn-hangzhou',
      accountId: cloud.state.accountId,
      function: { name: 'lc-echo', handler: 'index.handler', memory: 256, timeout: 10 },
    });
    expect(out.context.credentials.accessKeyId).toMatch(/^STS\./);
    expect(out.context.credentials.securityToken).toBeTruthy();
    expect(Buffer.from(r.headers['x-fc-log-result'], 'base64').toString()).toMatch(/\[INFO\] echo got 17 bytes/);
  });

  it('gives each function its own environment: s.yaml variables, FC_*, localcloud endpoints, never ALIBABA_CLOUD_*', async () => {
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'must-not-leak';
    try {
      const { env, cwd } = JSON.parse((await invoke3('lc-echo', 'x')).text);
      expect(env).toMatchObject({
        GREETING: 'hi from the environment',
        FC_FUNCTION_NAME: 'lc-echo',
        FC_REGION: 'cn-hangzhou',
        AUTOMIRROR_ENDPOINT: cloud.endpoint,
        AUTOMIRROR_MNS_ENDPOINT: `http://${cloud.endpoint}`,
        AUTOMIRROR_FC_ENDPOINT: cloud.endpoint,
      });
      expect(Object.keys(env).filter((k) => k.startsWith('ALIBABA_CLOUD_'))).toEqual([]);
      expect(env.SEEN_QUEUE).toBeUndefined(); // the recorder's variable stays the recorder's
      expect(cwd).toBe(cloud.fc.get('lc-echo').spec.codeDir);
    } finally {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    }
  });

  it('reports a handler error as 200 with x-fc-error-type, as FC does', async () => {
    const r = await invoke3('lc-echo', 'fail');
    expect(r.status).toBe(200);
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(r.text)).toMatchObject({ errorMessage: 'asked to fail', errorType: 'TypeError' });
  });

  it('stops a function at its timeout', async () => {
    const r = await invoke3('lc-slow', '{}');
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(r.text).errorMessage).toMatch(/timed out after 1 seconds/);
  });

  it('answers an unknown function with FunctionNotFound and a wrong secret with SignatureDoesNotMatch', async () => {
    await expect(invoke3('lc-nope', '{}')).rejects.toMatchObject({ code: 'FunctionNotFound', statusCode: 404 });
    await expect(invoke3('lc-echo', '{}', {}, WRONG_KEY)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(fc3Client(cloud, WRONG_KEY).getFunction('lc-echo', new $FC3.GetFunctionRequest({}))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('accepts an async invocation with 202, retries a throwing function maxAsyncRetryAttempts times, then sends it to onFailure', async () => {
    const r = await invoke3('lc-thrower', '{"n":1}', { 'x-fc-invocation-type': 'Async' });
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    const requestId = r.headers['x-fc-request-id'];
    const mns = mnsClient(cloud);
    const [failed] = await eventually(
      async () => {
        const got = await drain(mns, 'lc-dlq');
        return got.length > 0 && got;
      },
      20_000,
      'the onFailure message',
    );
    const record = JSON.parse(failed);
    expect(record).toMatchObject({
      requestContext: { requestId, functionArn: cloud.fc.get('lc-thrower').arn, condition: 'UnhandledInvocationError', approximateInvokeCount: 3 },
      requestPayload: '{"n":1}',
      responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
    });
    expect(JSON.parse(record.responsePayload).errorMessage).toBe('cannot handle {"n":1}');
    const attempts = cloud.fc.invocations.filter((i) => i.requestId === requestId);
    expect(attempts.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
  });

  it('refuses an asynchronous payload over 128 KB', async () => {
    await expect(invoke3('lc-echo', 'x'.repeat(128 * 1024 + 1), { 'x-fc-invocation-type': 'Async' })).rejects.toMatchObject({ code: 'PayloadTooLarge', statusCode: 400 });
    expect((await invoke3('lc-echo', 'x'.repeat(128 * 1024), { 'x-fc-invocation-type': 'Async' })).status).toBe(202);
  });

  it('manages triggers: create, get, update, list, delete', async () => {
    const fc = fc3Client(cloud);
    const config = { cronExpression: '0 0 * * * *', enable: true, payload: 'hourly' };
    await fc.createTrigger('lc-echo', new $FC3.CreateTriggerRequest({ body: new $FC3.CreateTriggerInput({ triggerName: 'api-timer', triggerType: 'timer', triggerConfig: JSON.stringify(config) }) }));
    const got = await fc.getTrigger('lc-echo', 'api-timer');
    expect(JSON.parse(got.body!.triggerConfig!)).toEqual(config);
    expect(got.body!.targetArn).toBe(cloud.fc.get('lc-echo').arn);
    await expect(
      fc.createTrigger('lc-echo', new $FC3.CreateTriggerRequest({ body: new $FC3.CreateTriggerInput({ triggerName: 'api-timer', triggerType: 'timer', triggerConfig: '{}' }) })),
    ).rejects.toMatchObject({ code: 'TriggerAlreadyExists', statusCode: 409 });
    await fc.updateTrigger('lc-echo', 'api-timer', new $FC3.UpdateTriggerRequest({ body: new $FC3.UpdateTriggerInput({ triggerConfig: JSON.stringify({ ...config, payload: 'changed' }) }) }));
    expect(cloud.fc.timers.list().find((t) => t.triggerName === 'api-timer')?.payload).toBe('changed');
    const list = await fc.listTriggers('lc-echo', new $FC3.ListTriggersRequest({}));
    expect(list.body!.triggers!.map((t) => t.triggerName).sort()).toEqual(['api-timer', 'news', 'nightly', 'tick']);
    await fc.deleteTrigger('lc-echo', 'api-timer');
    await expect(fc.getTrigger('lc-echo', 'api-timer')).rejects.toMatchObject({ code: 'TriggerNotFound', statusCode: 404 });
    expect(cloud.fc.timers.list().some((t) => t.triggerName === 'api-timer')).toBe(false);
    await expect(
      fc.createTrigger('lc-echo', new $FC3.CreateTriggerRequest({ body: new $FC3.CreateTriggerInput({ triggerName: 'bad', triggerType: 'timer', triggerConfig: '{"cronExpression":"every day"}' }) })),
    ).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('FC 2.0 API (@alicloud/fc2)', () => {
  it('invokes the app\'s functions as service "lc-test", sync and async, signature verified', async () => {
    const fc2 = fc2Client(cloud);
    const sync = await fc2.invokeFunction('lc-test', 'lc-echo', 'via fc2');
    expect(JSON.parse(String(sync.data)).event).toBe('via fc2');
    const failed = await fc2.invokeFunction('lc-test', 'lc-echo', 'fail');
    expect(failed.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    const before = cloud.fc.invocations.length;
    const async = await fc2.invokeFunction('lc-test', 'lc-echo', 'later', { 'x-fc-invocation-type': 'Async' });
    expect(async.headers['x-fc-request-id']).toBeTruthy();
    await eventually(() => cloud.fc.invocations.slice(before).find((i) => i.event === 'later' && i.invocationType === 'Async'), 10_000, 'the async invocation');
    await expect(fc2Client(cloud, WRONG_KEY).invokeFunction('lc-test', 'lc-echo', 'x')).rejects.toMatchObject({ name: 'FCSignatureDoesNotMatchError' });
    await expect(fc2.invokeFunction('other', 'lc-echo', 'x')).rejects.toMatchObject({ name: 'FCServiceNotFoundError', code: 'ServiceNotFound' });
    await expect(fc2.invokeFunction('lc-test', 'nope', 'x')).rejects.toMatchObject({ name: 'FCFunctionNotFoundError' });
  });

  it('accepts STS credentials with their token', async () => {
    const sts = { accessKeyId: 'STS.localcloud-fc', accessKeySecret: 'localcloud-fc-secret', securityToken: 'localcloud-fc-token' };
    const r = await fc2Client(cloud, sts).invokeFunction('lc-test', 'lc-echo', 'sts');
    expect(JSON.parse(String(r.data)).event).toBe('sts');
    await expect(fc2Client(cloud, { ...sts, securityToken: 'wrong' }).invokeFunction('lc-test', 'lc-echo', 'x')).rejects.toMatchObject({
      name: 'FCInvalidSecurityToken.MismatchWithAccessKeyError',
    });
  });
});

describe('timer triggers', () => {
  it('fire on the virtual clock with the timer event, and on demand', async () => {
    const before = cloud.fc.invocations.length;
    const fired = cloud.fc.timers.advance(11 * 60_000);
    expect(fired.length).toBeGreaterThanOrEqual(2); // @every 5m, twice in 11 minutes (plus nightly if 02:30 UTC passed)
    await cloud.platform.idle();
    const ticks = cloud.fc.invocations.slice(before).filter((i) => i.source === 'timer:tick');
    expect(ticks.length).toBe(2);
    const event = JSON.parse(ticks[0].event);
    expect(event).toMatchObject({ triggerName: 'tick', payload: '{"job":"tick"}' });
    expect(event.triggerTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const id = cloud.fc.timers.fire('lc-echo', 'nightly');
    await cloud.platform.idle();
    const nightly = cloud.fc.invocations.find((i) => i.requestId === id)!;
    expect(JSON.parse(nightly.event)).toMatchObject({ triggerName: 'nightly', payload: 'nightly' });
    expect(JSON.parse(JSON.parse(nightly.response).event)).toMatchObject({ payload: 'nightly' });
  });

  it('fires a six-field cron at its second', () => {
    const next = cloud.fc.timers.nextFiring('lc-echo', 'nightly')!;
    const d = new Date(next);
    expect([d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]).toEqual([2, 30, 0]);
  });
});
