import * as $dara from '@darabonba/typescript';
import type { CloudConfig } from './config.js';
import { cloudCall } from './errors.js';
import { PopClient, RawResponse, SLB } from './pop-client.js';

/**
 * Which mirror-target load balancers (internal CLBs) exist (a policy may still name one that was released), each
 * with its zone: DescribeLoadBalancers' MasterZoneId, undefined when the answer has none.
 */
export interface LoadBalancers {
  existing(ids: readonly string[]): Promise<Map<string, string | undefined>>;
}

/** DescribeLoadBalancers takes at most 10 comma-separated ids (DescribeLoadBalancers, SLB API reference: LoadBalancerId). */
const IDS_PER_CALL = 10;

/** SLB has no client package on npm (@alicloud/slb20140515 is not published): the request as an openapi-core model. */
class DescribeLoadBalancersRequest extends $dara.Model {
  // `declare`: a field initialiser would reset what the Model constructor assigned from its map.
  declare regionId?: string;
  declare loadBalancerId?: string;
  declare pageSize?: number;
  static names(): Record<string, string> {
    return { regionId: 'RegionId', loadBalancerId: 'LoadBalancerId', pageSize: 'PageSize' };
  }
  static types(): Record<string, string> {
    return { regionId: 'string', loadBalancerId: 'string', pageSize: 'number' };
  }
}

interface LoadBalancersBody {
  LoadBalancers?: { LoadBalancer?: Array<{ LoadBalancerId?: string; MasterZoneId?: string }> };
}

export class SlbApi implements LoadBalancers {
  private readonly pop: PopClient;

  constructor(private readonly cfg: CloudConfig) {
    this.pop = new PopClient(SLB, cfg);
  }

  async existing(ids: readonly string[]): Promise<Map<string, string | undefined>> {
    const found = new Map<string, string | undefined>();
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
      const batch = ids.slice(i, i + IDS_PER_CALL);
      const req = new DescribeLoadBalancersRequest({ regionId: this.cfg.regionId, loadBalancerId: batch.join(','), pageSize: IDS_PER_CALL });
      const res = await cloudCall(() => this.pop.call('DescribeLoadBalancers', req, new RawResponse<LoadBalancersBody>({})));
      for (const lb of res.body?.LoadBalancers?.LoadBalancer ?? []) if (lb.LoadBalancerId) found.set(lb.LoadBalancerId, lb.MasterZoneId || undefined);
    }
    return found;
  }
}
