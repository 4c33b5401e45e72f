import type { CloudConfig } from '../shared/cloud/config.js';
import { callPolicy } from '../shared/engine/call-policy.js';
import { UsageError } from './args.js';
import { shown } from './forged-claims.js';
import { mirroringRegions } from './wiring/mirroring-regions.js';

/** A region id as Alibaba Cloud writes them: cn-hangzhou, ap-southeast-1, eu-central-1, cn-shanghai-finance-1. */
export const REGION_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const MAX_REGIONS = 64;

/** `--region`: one id, a comma list, or `all`; anything else is a usage error, before any call. */
export type RegionChoice = { readonly all: true } | { readonly ids: readonly string[] };

export function parseRegions(value: string | undefined): RegionChoice {
  if (value === undefined || value === '') throw new UsageError('--region is required (a region, a comma list, or all)');
  if (value === 'all') return { all: true };
  const ids = value.split(',').map((s) => s.trim());
  const bad = ids.find((id) => id.length > 64 || !REGION_ID.test(id));
  if (bad !== undefined) throw new UsageError(`--region: ${bad === '' ? 'an empty region in the list' : `"${shown(bad)}" is not a region id`} (a region, a comma list, or all)`);
  const unique = [...new Set(ids)];
  if (unique.length > MAX_REGIONS) throw new UsageError(`--region: ${unique.length} regions, at most ${MAX_REGIONS}`);
  return { ids: unique };
}

/** `--region` of a command that works in one region (setup, teardown, explain, adopt): one id; a list or `all` is a usage error, before any call. */
export function oneRegion(value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError('--region is required');
  if (value === 'all' || value.includes(',')) throw new UsageError(`--region takes one region, got "${shown(value, 60)}"`);
  if (value.length > 64 || !REGION_ID.test(value)) throw new UsageError(`--region: "${shown(value)}" is not a region id`);
  return value;
}

/** The region DescribeRegions is asked in for `all` (any region's VPC endpoint lists them all). */
const LISTING_REGION = 'cn-hangzhou';

/** The regions to run in: those named, or for `all` every region where traffic mirroring is available and open (cli/wiring/mirroring-regions.ts). */
export async function resolveRegions(choice: RegionChoice, cfg: Omit<CloudConfig, 'regionId'>): Promise<string[]> {
  if ('ids' in choice) return [...choice.ids];
  // Paced and retried as every engine call is (shared/engine/call-policy.ts).
  const open = await mirroringRegions({ ...cfg, regionId: LISTING_REGION, around: callPolicy() });
  if (open.length === 0) throw new Error('--region all: traffic mirroring is open in no region of the account (GetTrafficMirrorServiceStatus)');
  return open;
}
