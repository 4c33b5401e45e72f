import type { PopProduct } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import { describeLoadBalancerAttribute, describeLoadBalancers } from './load-balancers.js';

/** Classic Load Balancer (SLB) 2014-05-15: the reads a caller needs to check a mirror collector. */
export function slbProduct(state: CloudState): PopProduct {
  return {
    product: 'Slb',
    version: '2014-05-15',
    hostId: 'slb.aliyuncs.com',
    operations: {
      DescribeLoadBalancers: describeLoadBalancers(state),
      DescribeLoadBalancerAttribute: describeLoadBalancerAttribute(state),
    },
  };
}
