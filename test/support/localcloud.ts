import { readFileSync } from 'node:fs';
import Ecs from '@alicloud/ecs20140526';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Vpc from '@alicloud/vpc20160428';
import * as $dara from '@darabonba/typescript';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { ACTIONTRAIL, ESS, type PopProductInfo, rpcParams, SLB } from '../../shared/cloud/pop-client.js';

export const DEMO_KEY = { accessKeyId: 'LTAI-localcloud-demo', accessKeySecret: 'localcloud-demo-secret' };

/** A fresh copy of the world that ships with the repo. */
export function defaultWorld(): WorldFile {
  return JSON.parse(readFileSync(new URL('../../worlds/default.json', import.meta.url), 'utf8')) as WorldFile;
}

export async function withCloud(world: WorldFile = defaultWorld()): Promise<LocalCloud> {
  return startLocalCloud({ world });
}

export interface TestKey {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** The SDK config for localcloud's port: plain HTTP, or HTTPS trusting its CA (the production rehearsal). */
export function popConfig(cloud: LocalCloud, key: TestKey = DEMO_KEY) {
  return new $OpenApiUtil.Config({ ...key, endpoint: cloud.endpoint, protocol: cloud.protocol, ca: cloud.ca, regionId: 'cn-hangzhou', readTimeout: 10_000, connectTimeout: 10_000 });
}

/**
 * localcloud throttles every operation, as the cloud does, so the tests' own calls (setup, polling) back off as a
 * careful caller would: the SDK's retryOptions retry a ThrottlingError after its `x-acs-retry-after`. A test that
 * wants to see the throttling answer uses a client on plain `popConfig`.
 */
const THROTTLE_RETRY = new $dara.RetryOptions({
  retryable: true,
  retryCondition: [{ maxAttempts: 200, exception: ['ThrottlingError'], errorCode: ['Throttling.User'], maxDelay: 2_000 }],
  noRetryCondition: [],
});
export const retryThrottled = <T extends $OpenApiUtil.Config>(config: T): T => Object.assign(config, { retryOptions: THROTTLE_RETRY });

/** The unmodified official product clients, pointed at localcloud (throttled calls retried). */
export const ecsClient = (cloud: LocalCloud, key: TestKey = DEMO_KEY) => new Ecs(retryThrottled(popConfig(cloud, key)));
export const vpcClient = (cloud: LocalCloud, key: TestKey = DEMO_KEY) => new Vpc(retryThrottled(popConfig(cloud, key)));

/** The same world with small async delays (tests poll rather than fake time) and any option overrides. */
export function testWorld(options: WorldFile['options'] = {}, world: WorldFile = defaultWorld()): WorldFile {
  return { ...world, options: { ...world.options, asyncDelayMs: 30, ...options } };
}

/** Product clients that sign with the legacy RPC HMAC-SHA1 (`signatureAlgorithm: 'v2'`). */
export const v2Config = (cloud: LocalCloud, key: TestKey = DEMO_KEY) => Object.assign(popConfig(cloud, key), { signatureAlgorithm: 'v2' });

/** SLB has no client package: the generic openapi-core client, as callers use it (@alicloud/slb20140515 is not published). */
export const slbCall = (cloud: LocalCloud, action: string, query: Record<string, unknown>, key: TestKey = DEMO_KEY) => genericCall(SLB, cloud, action, query, key);
/** ActionTrail 2020-07-06 through the generic client, as shared/cloud/actiontrail.ts calls it. */
export const actiontrailCall = (cloud: LocalCloud, action: string, query: Record<string, unknown>, key: TestKey = DEMO_KEY) => genericCall(ACTIONTRAIL, cloud, action, query, key);
/** Auto Scaling (ESS) 2014-08-28 through the generic client, as shared/cloud/ess.ts calls it (no ESS client package). */
export const essCall = (cloud: LocalCloud, action: string, query: Record<string, unknown>, key: TestKey = DEMO_KEY) => genericCall(ESS, cloud, action, query, key);

/** Any RPC product through the generic client (STS, Resource Manager: no client package in this repo). */
export const genericCallFor =
  (product: PopProductInfo) =>
  (cloud: LocalCloud, action: string, query: Record<string, unknown>, key: TestKey = DEMO_KEY) =>
    genericCall(product, cloud, action, query, key);

async function genericCall(product: PopProductInfo, cloud: LocalCloud, action: string, query: Record<string, unknown>, key: TestKey) {
  const client = new OpenApi(retryThrottled(popConfig(cloud, key)));
  const params = rpcParams(action, product.version);
  const request = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query) });
  return (await client.callApi(params, request, new $dara.RuntimeOptions({}))) as { statusCode: number; headers: Record<string, string>; body: any };
}

/** Polls until `check` returns a value that is not undefined/false (async transitions settle after the world delay). */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
