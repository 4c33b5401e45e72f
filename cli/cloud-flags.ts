import type { CloudConfig, StsCredentials } from '../shared/cloud/config.js';
import type { MnsConfig } from '../shared/cloud/mns.js';
import type { FcConfig } from '../shared/cloud/invoker.js';
import { required, UsageError } from './args.js';

/** The flags every command that talks to the cloud takes. */
export const CLOUD_FLAGS = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'account-id': { type: 'string' },
} as const;

/** Keys from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET (and SECURITY_TOKEN), or undefined for the default chain. */
function envCredentials(): StsCredentials | undefined {
  const accessKeyId = process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) return undefined;
  return { accessKeyId, accessKeySecret, securityToken: process.env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined };
}

/**
 * `--endpoint HOST:PORT` points every API at one plain-HTTP endpoint (localcloud serves them all on one port);
 * without it the public regional endpoints are used. Enough for the ECS/VPC/SLB (POP) APIs.
 */
export function popCloudFromFlags(values: { region?: string; endpoint?: string }): CloudConfig {
  const endpoint = values.endpoint;
  if (endpoint && !/^[\w.-]+:\d+$/.test(endpoint)) throw new UsageError(`--endpoint must be HOST:PORT, got "${endpoint}"`);
  return { regionId: required(values.region, '--region'), credentials: envCredentials(), endpoint };
}

/** The POP config plus what MNS and FC need: the account id and their endpoints. */
export function cloudFromFlags(values: { region?: string; endpoint?: string; 'account-id'?: string }): FcConfig & MnsConfig {
  const pop = popCloudFromFlags(values);
  const accountId = values['account-id'] || process.env.ALIBABA_CLOUD_ACCOUNT_ID;
  if (!accountId) throw new UsageError('--account-id (or ALIBABA_CLOUD_ACCOUNT_ID) is required');
  return { ...pop, accountId, mnsEndpoint: pop.endpoint ? `http://${pop.endpoint}` : undefined, fcEndpoint: pop.endpoint };
}
