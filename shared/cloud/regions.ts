import { DescribeRegionsRequest } from '@alicloud/vpc20160428/dist/models/DescribeRegionsRequest';
import { DescribeRegionsResponse } from '@alicloud/vpc20160428/dist/models/DescribeRegionsResponse';
import { GetTrafficMirrorServiceStatusRequest } from '@alicloud/vpc20160428/dist/models/GetTrafficMirrorServiceStatusRequest';
import { GetTrafficMirrorServiceStatusResponse } from '@alicloud/vpc20160428/dist/models/GetTrafficMirrorServiceStatusResponse';
import type { CloudConfig } from './config.js';
import { cloudCall } from './errors.js';
import { PopClient, VPC } from './pop-client.js';

/**
 * The regions where traffic mirroring is open to the account: VPC DescribeRegions (the region list,
 * https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describeregions), then
 * GetTrafficMirrorServiceStatus in each (`Enabled`: OpenTrafficMirrorService was called there,
 * https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-gettrafficmirrorservicestatus).
 * `cfg.regionId` is only the region whose endpoint answers DescribeRegions. In id order.
 */
export async function mirroringRegions(cfg: CloudConfig): Promise<string[]> {
  const list = await cloudCall(() => new PopClient(VPC, cfg).call('DescribeRegions', new DescribeRegionsRequest({}), new DescribeRegionsResponse({})));
  const ids = [...new Set((list.body?.regions?.region ?? []).flatMap((r) => (r.regionId ? [r.regionId] : [])))].sort();
  const open = await Promise.all(
    ids.map(async (regionId) => {
      const status = await cloudCall(() =>
        new PopClient(VPC, { ...cfg, regionId }).call('GetTrafficMirrorServiceStatus', new GetTrafficMirrorServiceStatusRequest({ regionId }), new GetTrafficMirrorServiceStatusResponse({})),
      );
      return status.body?.enabled === true;
    }),
  );
  return ids.filter((_, i) => open[i]);
}
