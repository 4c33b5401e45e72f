import { DescribeRegionsRequest } from '@alicloud/vpc20160428/dist/models/DescribeRegionsRequest';
import { DescribeRegionsResponse } from '@alicloud/vpc20160428/dist/models/DescribeRegionsResponse';
import { GetTrafficMirrorServiceStatusRequest } from '@alicloud/vpc20160428/dist/models/GetTrafficMirrorServiceStatusRequest';
import { GetTrafficMirrorServiceStatusResponse } from '@alicloud/vpc20160428/dist/models/GetTrafficMirrorServiceStatusResponse';
import type { CloudConfig } from '../../shared/cloud/config.js';
import { cloudCall } from '../../shared/cloud/errors.js';
import { PopClient, VPC } from '../../shared/cloud/pop-client.js';

// Only the CLI lists regions (`--region all`): kept out of shared/cloud, so out of the functions' bundle and their RAM role.

/**
 * The regions where the documentation says traffic mirroring is available ("Regions that support traffic mirroring",
 * https://www.alibabacloud.com/help/en/doc-detail/207513.htm), by region id. The status is asked only there: a
 * region the page does not list yet is run by naming it (`--region`).
 */
export const MIRRORING_REGIONS: ReadonlySet<string> = new Set(
  [
    'cn-hangzhou cn-shanghai cn-nanjing cn-qingdao cn-beijing cn-zhangjiakou cn-huhehaote cn-wulanchabu cn-shenzhen cn-heyuan',
    'cn-guangzhou cn-chengdu cn-hongkong cn-fuzhou ap-northeast-1 ap-northeast-2 ap-southeast-1 ap-southeast-2 ap-southeast-3',
    'ap-southeast-5 ap-southeast-6 ap-southeast-7 eu-central-1 eu-west-1 us-west-1 us-east-1 me-central-1',
  ]
    .join(' ')
    .split(' '),
);

/**
 * The regions where traffic mirroring is open to the account: those of VPC DescribeRegions (the account's region
 * list, https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describeregions) where it is
 * available, whose GetTrafficMirrorServiceStatus says `Enabled` (OpenTrafficMirrorService was called there,
 * https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-gettrafficmirrorservicestatus).
 * `cfg.regionId` is only the region whose endpoint answers DescribeRegions. In id order.
 */
export async function mirroringRegions(cfg: CloudConfig): Promise<string[]> {
  const list = await cloudCall(() => new PopClient(VPC, cfg).call('DescribeRegions', new DescribeRegionsRequest({}), new DescribeRegionsResponse({})));
  const ids = [...new Set((list.body?.regions?.region ?? []).flatMap((r) => (r.regionId && MIRRORING_REGIONS.has(r.regionId) ? [r.regionId] : [])))].sort();
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
