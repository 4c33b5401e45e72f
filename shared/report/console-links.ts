import { isEniId, isInstanceId, isLoadBalancerId, isRegionId, isSessionId } from '../events/ids.js';

/** What the report links to the Alibaba Cloud console. */
export type ConsoleResource = 'eni' | 'instance' | 'session' | 'clb';

const enc = encodeURIComponent;

/**
 * The console page of a resource in its region, or undefined when the id or region is not of the form Alibaba
 * issues (shared/events/ids.ts): a hostile string never becomes a link, and what does is percent-encoded anyway.
 * - an instance's detail page, https://ecs.console.aliyun.com/server/<id>/detail?regionId=<region>, under the
 *   instance list the ECS documentation links (https://ecs.console.aliyun.com/server/region/<region>);
 * - an ENI's: https://ecs.console.aliyun.com/networkInterfaces/region/<region>/detail/<id>, under the ENI list
 *   page the ECS documentation links (https://ecs.console.aliyun.com/networkInterfaces/region/cn-hangzhou);
 * - a session: the region's traffic mirror session list, https://vpc.console.aliyun.com/traffic-mirror/<region>/sessions,
 *   the page the VPC traffic mirroring documentation links (https://help.aliyun.com/zh/vpc/traffic-mirroring-overview);
 *   no per-session page is documented, so every session of a region links to that one list;
 * - a CLB's: https://slb.console.aliyun.com/slb/<region>/slbs/<id>, under the CLB list the SLB documentation links
 *   (https://slb.console.aliyun.com/slb/cn-hangzhou/slbs), the instance page the ACK documentation links a listener's
 *   settings under (.../slbs/lb-…/listeners/tcp/6443/acl-setting in "Control internal access to the API server by
 *   using SLB", https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/configure-network-acls-for-the-api-server-of-an-ack-cluster).
 */
export function consoleUrl(kind: ConsoleResource, id: string, regionId: string): string | undefined {
  if (!isRegionId(regionId)) return undefined;
  switch (kind) {
    case 'instance':
      return isInstanceId(id) ? `https://ecs.console.aliyun.com/server/${enc(id)}/detail?regionId=${enc(regionId)}` : undefined;
    case 'eni':
      return isEniId(id) ? `https://ecs.console.aliyun.com/networkInterfaces/region/${enc(regionId)}/detail/${enc(id)}` : undefined;
    case 'session':
      return isSessionId(id) ? `https://vpc.console.aliyun.com/traffic-mirror/${enc(regionId)}/sessions` : undefined;
    case 'clb':
      return isLoadBalancerId(id) ? `https://slb.console.aliyun.com/slb/${enc(regionId)}/slbs/${enc(id)}` : undefined;
  }
}
