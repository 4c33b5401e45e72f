import type { CloudConfig } from '../shared/cloud/config.js';
import type { FcConfig } from '../shared/cloud/invoker.js';
import type { MnsConfig } from '../shared/cloud/mns.js';
import { ownershipKeysFromEnv, requireOwnershipKeys } from '../shared/cloud/ownership-keys.js';
import { UsageError } from './args.js';
import type { FlagSpecs } from './command.js';
import { shown } from './forged-claims.js';
import { oneRegion } from './regions.js';

/** The flags every command that talks to the cloud takes. */
export const CLOUD_FLAGS = {
  region: { type: 'string', value: 'R', help: 'one region, e.g. cn-hangzhou' },
  endpoint: { type: 'string', value: 'HOST:PORT', help: 'one plain-HTTP endpoint for every API (localcloud); default: the public regional endpoints' },
  'account-id': { type: 'string', value: 'ID', help: 'the Alibaba Cloud account id (default: ALIBABA_CLOUD_ACCOUNT_ID); ownership proofs bind it' },
  profile: { type: 'string', value: 'NAME', help: 'that profile of ~/.aliyun/config.json or ~/.alibabacloud/credentials, and nothing else' },
} as const satisfies FlagSpecs;

/** How every command that talks to the cloud finds its credentials, for `automirror --help`. */
export const CREDENTIALS_HELP = [
  'credentials (every command that talks to the cloud):',
  '  ALIBABA_CLOUD_ACCESS_KEY_ID + ALIBABA_CLOUD_ACCESS_KEY_SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN for STS keys), else',
  '  an OIDC role (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE), else',
  '  the aliyun CLI profile in ~/.aliyun/config.json (ALIBABA_CLOUD_PROFILE, or its current one), else',
  '  the profile ALIBABA_CLOUD_PROFILE names (or [default]) in ~/.alibabacloud/credentials (or ALIBABA_CLOUD_CREDENTIALS_FILE),',
  '  else the ECS RAM role, then ALIBABA_CLOUD_CREDENTIALS_URI;',
  '  --profile NAME: that profile of ~/.aliyun/config.json or ~/.alibabacloud/credentials, and nothing else',
].join('\n');

/**
 * `--endpoint HOST:PORT` points every API at one plain-HTTP endpoint (localcloud serves them all on one port);
 * without it the public regional endpoints are used. Enough for the ECS/VPC/SLB (POP) APIs. Sessions are verified
 * with AUTOMIRROR_OWNERSHIP_KEYS in the account `--account-id` (or ALIBABA_CLOUD_ACCOUNT_ID) names; without
 * either, every claim of automirror's ownership reads as unverifiable (reported, never acted on).
 */
export function popCloudFromFlags(values: { region?: string; endpoint?: string; profile?: string; 'account-id'?: string }): CloudConfig {
  return { regionId: oneRegion(values.region), ...regionlessCloud(values) };
}

/** The POP config but the region, for a run over regions (each region's run sets its own). */
export function regionlessCloud(values: { endpoint?: string; profile?: string; 'account-id'?: string }): Omit<CloudConfig, 'regionId'> {
  const endpoint = values.endpoint;
  const port = /^[\w.-]+:(\d{1,5})$/.exec(endpoint ?? '')?.[1];
  if (endpoint && !(Number(port) >= 1 && Number(port) <= 65_535)) throw new UsageError(`--endpoint must be HOST:PORT with a port 1–65535, got "${shown(endpoint)}"`);
  if (values.profile === '') throw new UsageError('--profile needs a profile name');
  // No keys here: shared/cloud's credential chain reads the environment's keys first, as Alibaba's SDKs do.
  const accountId = values['account-id'] || process.env.ALIBABA_CLOUD_ACCOUNT_ID || undefined;
  return { profile: values.profile, endpoint, ownership: { keys: ownershipKeysFromEnv(), accountId } };
}

/** For commands that write sessions (apply, adopt, teardown): the keys and the account a proof needs, or a clear refusal before any call. */
export function provingCloud<C extends Omit<CloudConfig, 'regionId'>>(cloud: C): C {
  const keys = requireOwnershipKeys();
  const accountId = cloud.ownership?.accountId;
  if (!accountId) throw new UsageError('--account-id (or ALIBABA_CLOUD_ACCOUNT_ID) is required: ownership proofs bind the account');
  return { ...cloud, ownership: { keys, accountId } };
}

/** The POP config plus what MNS and FC need: the account id and their endpoints. */
export function cloudFromFlags(values: { region?: string; endpoint?: string; 'account-id'?: string; profile?: string }): FcConfig & MnsConfig {
  const pop = popCloudFromFlags(values);
  const accountId = values['account-id'] || process.env.ALIBABA_CLOUD_ACCOUNT_ID;
  if (!accountId) throw new UsageError('--account-id (or ALIBABA_CLOUD_ACCOUNT_ID) is required');
  return { ...pop, accountId, mnsEndpoint: pop.endpoint ? `http://${pop.endpoint}` : undefined, fcEndpoint: pop.endpoint };
}
