import Ecs from '@alicloud/ecs20140526';
import Vpc from '@alicloud/vpc20160428';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { readFileSync } from 'node:fs';
import { startLocalCloud, type LocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';

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

export function popConfig(cloud: LocalCloud, key: TestKey = DEMO_KEY) {
  return new $OpenApiUtil.Config({ ...key, endpoint: cloud.endpoint, protocol: 'http', regionId: 'cn-hangzhou', readTimeout: 10_000, connectTimeout: 10_000 });
}

/** The unmodified official product clients, pointed at localcloud. */
export const ecsClient = (cloud: LocalCloud, key: TestKey = DEMO_KEY) => new Ecs(popConfig(cloud, key));
export const vpcClient = (cloud: LocalCloud, key: TestKey = DEMO_KEY) => new Vpc(popConfig(cloud, key));
