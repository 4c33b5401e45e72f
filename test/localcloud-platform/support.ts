import { fileURLToPath } from 'node:url';
import EventBridge, * as $EB from '@alicloud/eventbridge';
import FC2 from '@alicloud/fc2/lib/client.js';
import FC3 from '@alicloud/fc20230330';
import MNS from '@alicloud/mns';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { PlatformOptions } from '../../localcloud/platform/index.js';
import { DEMO_KEY, defaultWorld } from '../support/localcloud.js';

export { DEMO_KEY };
export const WRONG_KEY = { accessKeyId: DEMO_KEY.accessKeyId, accessKeySecret: 'not-the-secret' };
export const FIXTURE_SYAML = fileURLToPath(new URL('./fixtures/s.yaml', import.meta.url));

type Key = { accessKeyId: string; accessKeySecret: string; securityToken?: string };

/** A cloud running the fixture app: small seconds, the queues its functions use. */
export function withPlatform(platform: PlatformOptions = {}): Promise<LocalCloud> {
  return startLocalCloud({
    world: defaultWorld(),
    platform: {
      sYaml: FIXTURE_SYAML,
      mns: { queues: [{ name: 'lc-dlq' }, { name: 'lc-seen' }, { name: 'lc-work', visibilityTimeout: 2 }], topics: [{ name: 'lc-news' }] },
      ...platform,
    },
  });
}

export const accountOf = (cloud: LocalCloud) => cloud.state.accountId;

export const mnsClient = (cloud: LocalCloud, key: Key = DEMO_KEY) => new MNS(accountOf(cloud), { ...key, endpoint: cloud.endpoints.mns, readTimeout: 20_000, connectTimeout: 20_000 });

export const fc2Client = (cloud: LocalCloud, key: Key = DEMO_KEY) =>
  new FC2(accountOf(cloud), {
    accessKeyID: key.accessKeyId,
    accessKeySecret: key.accessKeySecret,
    securityToken: key.securityToken,
    region: 'cn-hangzhou',
    endpoint: cloud.endpoints.fc2,
    timeout: 20_000,
  });

export const fc3Client = (cloud: LocalCloud, key: Key = DEMO_KEY) =>
  new FC3(new $OpenApiUtil.Config({ ...key, endpoint: cloud.endpoints.fc3, protocol: 'http', regionId: 'cn-hangzhou', readTimeout: 20_000, connectTimeout: 20_000 }));

export const ebClient = (cloud: LocalCloud, key: Key = DEMO_KEY) =>
  new EventBridge(new $EB.Config({ ...key, endpoint: cloud.endpoints.eventbridge, regionId: 'cn-hangzhou', readTimeout: 10_000, connectTimeout: 10_000 }));

/** Polls until `probe` returns a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Receives one message or undefined (MNS answers an empty queue with MessageNotExist). */
export async function receiveOne(mns: MNS, queue: string, waitSeconds?: number) {
  try {
    return (await mns.receiveMessage(queue, waitSeconds)).body as Record<string, string>;
  } catch (err) {
    if ((err as Error).name === 'MNSMessageNotExistError') return undefined;
    throw err;
  }
}

/** Reads every message currently visible in a queue (deleting them). */
export async function drain(mns: MNS, queue: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const m = await receiveOne(mns, queue);
    if (!m) return out;
    out.push(m.MessageBody);
    await mns.deleteMessage(queue, m.ReceiptHandle);
  }
}
