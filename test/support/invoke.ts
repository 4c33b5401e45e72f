import { readFileSync } from 'node:fs';
import { invokeLocally } from '../../cli/local-invoke.js';
import type { LocalCloud } from '../../localcloud/index.js';

export const STS_KEY = { accessKeyId: 'STS.localcloud-fc', accessKeySecret: 'localcloud-fc-secret', securityToken: 'localcloud-fc-token' };
export const REPO_POLICY = new URL('../../policy.yaml', import.meta.url).pathname;

export const sampleEvent = (name: string): Buffer => readFileSync(new URL(`../../events/${name}`, import.meta.url));

/** Calls a function as FC would (Buffer event, FC context with STS credentials) against localcloud. */
export function invokeOnCloud(cloud: LocalCloud, functionName: string, event: Buffer | object, env: Record<string, string> = {}) {
  return invokeLocally({
    functionName,
    event: Buffer.isBuffer(event) ? event : Buffer.from(JSON.stringify(event)),
    region: 'cn-hangzhou',
    accountId: cloud.state.accountId,
    credentials: STS_KEY,
    env: { AUTOMIRROR_ENDPOINT: cloud.endpoint, AUTOMIRROR_POLICY_FILE: REPO_POLICY, AUTOMIRROR_LOG_LEVEL: 'silent', ...env },
  });
}
