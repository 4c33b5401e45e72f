import type { CloudState } from '../state.js';

/**
 * DescribeRegions: the account's regions, `Regions.Region[]` of RegionId, LocalName and RegionEndpoint
 * (https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describeregions). Here they are
 * the world's regions; a world names no region's display name, so LocalName is its id (see Assumptions).
 */
export function describeRegions(state: CloudState) {
  return () => ({
    Regions: { Region: [...state.regions.keys()].sort().map((regionId) => ({ RegionId: regionId, LocalName: regionId, RegionEndpoint: `vpc.${regionId}.aliyuncs.com` })) },
  });
}
