import type { PopProduct } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import { describeInstances, describeNetworkInterfaces } from './describe.js';

export function ecsProduct(state: CloudState): PopProduct {
  return {
    product: 'Ecs',
    version: '2014-05-26',
    hostId: 'ecs.aliyuncs.com',
    operations: {
      DescribeInstances: describeInstances(state),
      DescribeNetworkInterfaces: describeNetworkInterfaces(state),
    },
  };
}
