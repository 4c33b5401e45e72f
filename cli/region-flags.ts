import type { CloudConfig } from '../shared/cloud/config.js';
import { loadPolicyFile } from '../shared/policy/load.js';
import { policyFromEnv } from '../shared/policy/source.js';
import type { Policy } from '../shared/policy/types.js';
import { policyInfo, policySource } from '../shared/report/from-plan.js';
import type { PolicyInfo } from '../shared/report/model.js';
import { COMMON_FLAGS, UsageError } from './args.js';
import { CLOUD_FLAGS, provingCloud, regionlessCloud } from './cloud-flags.js';
import type { FlagSpecs } from './command.js';
import { parseRegions, resolveRegions } from './regions.js';

/** The flags `automirror plan|apply|report` share; each adds its own. */
export const RUN_FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  region: { type: 'string', value: 'R[,R…]|all', help: 'a region, a comma list, or all: every region where traffic mirroring is available and open (GetTrafficMirrorServiceStatus)' },
  policy: { type: 'string', value: 'FILE', help: 'the policy file (default: AUTOMIRROR_POLICY, else AUTOMIRROR_POLICY_FILE, else ./policy.yaml)' },
} as const satisfies FlagSpecs;

/** What a run over regions needs, from the flags. */
export interface RunSetup {
  readonly regions: readonly string[];
  readonly cloud: Omit<CloudConfig, 'regionId'>;
  readonly policy: Policy;
  readonly policyInfo: PolicyInfo;
}

interface RunValues {
  region?: string;
  endpoint?: string;
  profile?: string;
  'account-id'?: string;
  policy?: string;
}

/** `--policy FILE`, else the policy the functions would read (AUTOMIRROR_POLICY, AUTOMIRROR_POLICY_FILE, ./policy.yaml). */
export const policyOf = (file: string | undefined): Policy => (file ? loadPolicyFile(file) : policyFromEnv());

export function noArguments(positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
}

/**
 * The regions (named, else `regions` of a saved plan), the cloud and the policy. `proving`: the run writes
 * sessions, so it needs what proves them (keys and account), refused before any call; a read-only run reports
 * unverifiable claims instead. Every usage error comes before the first call (`all` lists regions last).
 */
export async function runSetup(values: RunValues, opts: { readonly proving: boolean; readonly regions?: readonly string[] }): Promise<RunSetup> {
  const choice = opts.regions ? { ids: opts.regions } : parseRegions(values.region);
  const read = regionlessCloud(values);
  const cloud = opts.proving ? provingCloud(read) : read;
  const policy = policyOf(values.policy);
  return { regions: await resolveRegions(choice, cloud), cloud, policy, policyInfo: policyInfo(policy, values.policy ?? policySource()) };
}
