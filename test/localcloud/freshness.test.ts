import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import EventBridge, * as $EB from '@alicloud/eventbridge';
import FC2 from '@alicloud/fc2/lib/client.js';
import FC3, * as $FC3 from '@alicloud/fc20230330';
import MNS from '@alicloud/mns';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Vpc, * as $Vpc from '@alicloud/vpc20160428';
import * as $dara from '@darabonba/typescript';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GATEWAY_FRESHNESS, ReplayGuard, SIGNATURE_WINDOW_MS } from '../../localcloud/core/replay-guard.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { FIXTURE_SYAML } from '../localcloud-platform/support.js';
import { DEMO_KEY, defaultWorld, popConfig, v2Config, vpcClient } from '../support/localcloud.js';
import { type RawAnswer, type RecordingProxy, recordingProxy, sendRaw } from '../support/raw-http.js';

// Every signature scheme localcloud verifies refuses a request dated more than 15 minutes from its clock, and a
// request sent again: at once where the scheme signs a nonce, once its time leaves the window where it does not.

const REGION = 'cn-hangzhou';
const MINUTE = 60_000;
let cloud: LocalCloud;
let proxy: RecordingProxy;
/** How far localcloud's signature clock is moved from the real one. */
let skew = 0;

beforeAll(async () => {
  cloud = await startLocalCloud({
    world: defaultWorld(),
    signatureClock: () => Date.now() + skew,
    platform: { sYaml: FIXTURE_SYAML, mns: { queues: [{ name: 'lc-work' }] } },
  });
  proxy = await recordingProxy(cloud.port);
});
afterAll(async () => {
  await proxy.close();
  await cloud.close();
});
beforeEach(() => {
  skew = 0;
});

interface Scheme {
  name: string;
  /** One ordinary SDK call, its client aimed at `hostPort`. */
  call: (hostPort: string) => Promise<unknown>;
  stale: { code: string; status: number };
  /** The code for a nonce seen before; absent where the SDK signs none (MNS, FC 2.0). */
  replayed?: string;
}

const ACCOUNT = () => cloud.state.accountId;
const GATEWAY = { stale: { code: 'InvalidTimeStamp.Expired', status: 400 }, replayed: 'SignatureNonceUsed' };

const SCHEMES: Scheme[] = [
  {
    name: 'ACS3-HMAC-SHA256, POP RPC (VPC)',
    call: (ep) => new Vpc(Object.assign(popConfig(cloud), { endpoint: ep })).listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION })),
    ...GATEWAY,
  },
  {
    name: 'RPC HMAC-SHA1 (ECS, signatureAlgorithm v2)',
    call: (ep) => new Ecs(Object.assign(v2Config(cloud), { endpoint: ep })).describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION })),
    ...GATEWAY,
  },
  {
    name: 'ACS3-HMAC-SHA256, ROA (FC 3.0)',
    call: (ep) =>
      new FC3(new $OpenApiUtil.Config({ ...DEMO_KEY, endpoint: ep, protocol: 'http', regionId: REGION, readTimeout: 10_000, connectTimeout: 10_000 })).getFunction(
        'lc-echo',
        new $FC3.GetFunctionRequest({}),
      ),
    ...GATEWAY,
  },
  {
    name: 'acs header signature (EventBridge SDK API)',
    call: (ep) => new EventBridge(new $EB.Config({ ...DEMO_KEY, endpoint: ep, regionId: REGION, readTimeout: 10_000, connectTimeout: 10_000 })).listEventBuses(new $EB.ListEventBusesRequest({})),
    ...GATEWAY,
  },
  {
    name: 'MNS header signature',
    call: (ep) => new MNS(ACCOUNT(), { ...DEMO_KEY, endpoint: `http://${ep}`, readTimeout: 10_000, connectTimeout: 10_000 }).getQueueAttributes('lc-work'),
    stale: { code: 'TimeExpired', status: 403 },
  },
  {
    name: 'FC 2.0 header signature',
    call: (ep) => new FC2(ACCOUNT(), { accessKeyID: DEMO_KEY.accessKeyId, accessKeySecret: DEMO_KEY.accessKeySecret, region: REGION, endpoint: `http://${ep}`, timeout: 10_000 }).getService('lc-test'),
    stale: { code: 'RequestTimeTooSkewed', status: 403 },
  },
];

/** The error code an SDK raised: `code` where it sets one, else from the name (`MNSTimeExpiredError`). */
const codeOfError = (e: { code?: unknown; name?: string }) => (typeof e.code === 'string' ? e.code : /^MNS(.+)Error$/.exec(e.name ?? '')?.[1]);

/** The error code of a raw answer, in whichever product format it came. */
const codeOf = (a: RawAnswer) => (/"(?:Code|code|ErrorCode)":"([^"]+)"/.exec(a.body) ?? /<Code>([^<]+)<\/Code>/.exec(a.body))?.[1];

/** Sends the last request the proxy passed again, byte for byte, straight to localcloud. */
async function replayLast(): Promise<RawAnswer> {
  const last = proxy.recorded.at(-1);
  if (!last) throw new Error('nothing recorded');
  return sendRaw(cloud.port, last);
}

describe.each(SCHEMES)('$name', (scheme) => {
  it('the exact signed request sent again is refused: at once when it signs a nonce, once outside the window when not', async () => {
    await scheme.call(proxy.endpoint);
    const again = await replayLast();
    if (scheme.replayed) {
      expect({ status: again.status, code: codeOf(again) }).toEqual({ status: 400, code: scheme.replayed });
    } else {
      // No nonce to tell a replay from the same call made twice in one second: the window is the defence.
      expect(again.status).toBe(200);
    }
    skew = 16 * MINUTE;
    const late = await replayLast();
    expect({ status: late.status, code: codeOf(late) }).toEqual(scheme.stale);
  });

  it('a request dated more than 15 minutes off either way is refused; within 15 minutes it is served', async () => {
    for (const off of [365 * 24 * 60 * MINUTE, 16 * MINUTE, -16 * MINUTE]) {
      skew = off;
      const err = await scheme.call(cloud.endpoint).then(
        () => ({ code: 'served' }),
        (e) => e,
      );
      expect(codeOfError(err)).toBe(scheme.stale.code);
    }
    skew = 14 * MINUTE;
    await expect(scheme.call(cloud.endpoint)).resolves.toBeDefined();
  });
});

describe('times the SDKs sign as given', () => {
  /** A generic-client ListTrafficMirrorSessions with envelope query parameters or headers of the test's choosing. */
  const listWith = (config: $OpenApiUtil.Config, extra: { query?: Record<string, string>; headers?: Record<string, string> }) =>
    new OpenApi(config).callApi(
      new $OpenApiUtil.Params({
        action: 'ListTrafficMirrorSessions',
        version: '2016-04-28',
        protocol: 'HTTPS',
        pathname: '/',
        method: 'POST',
        authType: 'AK',
        style: 'RPC',
        reqBodyType: 'formData',
        bodyType: 'json',
      }),
      new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query({ RegionId: REGION, ...extra.query }), headers: extra.headers }),
      new $dara.RuntimeOptions({}),
    );

  it('RPC v2: a Timestamp of 2020 is InvalidTimeStamp.Expired, a malformed one InvalidTimeStamp.Format (400)', async () => {
    await expect(listWith(v2Config(cloud), { query: { Timestamp: '2020-01-01T00:00:00Z' } })).rejects.toMatchObject({ code: 'InvalidTimeStamp.Expired', statusCode: 400 });
    await expect(listWith(v2Config(cloud), { query: { Timestamp: 'yesterday' } })).rejects.toMatchObject({ code: 'InvalidTimeStamp.Format', statusCode: 400 });
  });

  it('ACS3: an x-acs-date of 2020 is InvalidTimeStamp.Expired; a reused x-acs-signature-nonce SignatureNonceUsed', async () => {
    await expect(listWith(popConfig(cloud), { headers: { 'x-acs-date': '2020-01-01T00:00:00Z' } })).rejects.toMatchObject({ code: 'InvalidTimeStamp.Expired', statusCode: 400 });
    await listWith(popConfig(cloud), { headers: { 'x-acs-signature-nonce': 'nonce-once' } });
    await expect(listWith(popConfig(cloud), { headers: { 'x-acs-signature-nonce': 'nonce-once' } })).rejects.toMatchObject({ code: 'SignatureNonceUsed', statusCode: 400 });
  });

  it('MNS: a Date of 2020 is TimeExpired (403), an unreadable one InvalidDateHeader (400)', async () => {
    const mns = new MNS(ACCOUNT(), { ...DEMO_KEY, endpoint: cloud.endpoints.mns });
    const get = (date: string) => mns.request('GET', '/queues/lc-work', 'Queue', '', [], { headers: { date, 'x-mns-date': date } });
    await expect(get('Wed, 01 Jan 2020 00:00:00 GMT')).rejects.toMatchObject({ name: 'MNSTimeExpiredError' });
    await expect(get('yesterday')).rejects.toMatchObject({ name: 'MNSInvalidDateHeaderError' });
  });

  it('SDK retries sign a new nonce: a call retried after throttling is served, not refused as a replay', async () => {
    cloud.controls.setRateLimits({ ListTrafficMirrorSessions: { perSecond: 1, burst: 1 } });
    cloud.controls.calls.clear();
    try {
      const vpc = vpcClient(cloud);
      const list = () => vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION }));
      await Promise.all([list(), list(), list()]);
      const calls = cloud.controls.calls.list({ action: 'ListTrafficMirrorSessions' });
      expect(calls.some((c) => c.code === 'Throttling.User')).toBe(true);
      expect(calls.some((c) => c.code === 'SignatureNonceUsed')).toBe(false);
    } finally {
      cloud.controls.setRateLimits({});
    }
  });
});

describe('ReplayGuard memory', () => {
  it('forgets a nonce 30 minutes after it was seen, so it holds at most the last 30 minutes of requests', () => {
    let now = Date.UTC(2026, 0, 1);
    const guard = new ReplayGuard(() => now);
    for (let i = 0; i < 1_000; i++) guard.check('AK', now, `n${i}`, GATEWAY_FRESHNESS);
    expect(guard.remembered).toBe(1_000);
    now += 2 * SIGNATURE_WINDOW_MS - 1;
    expect(guard.remembered).toBe(1_000);
    now += 1;
    expect(guard.remembered).toBe(0);
  });
});
