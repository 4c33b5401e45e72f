import type { PopProduct } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import { describeInstances, describeNetworkInterfaces } from './describe.js';
import { attachNetworkInterface, createNetworkInterface, deleteNetworkInterface, detachNetworkInterface } from './enis.js';
import { deleteInstance, runInstances } from './instances.js';
import { ecsListTagResources, ecsTagResources, ecsUntagResources } from './tags.js';

export function ecsProduct(state: CloudState): PopProduct {
  return {
    product: 'Ecs',
    version: '2014-05-26',
    hostId: 'ecs.aliyuncs.com',
    operations: {
      DescribeInstances: describeInstances(state),
      DescribeNetworkInterfaces: describeNetworkInterfaces(state),
      RunInstances: runInstances(state),
      DeleteInstance: deleteInstance(state),
      CreateNetworkInterface: createNetworkInterface(state),
      AttachNetworkInterface: attachNetworkInterface(state),
      DetachNetworkInterface: detachNetworkInterface(state),
      DeleteNetworkInterface: deleteNetworkInterface(state),
      TagResources: ecsTagResources(state),
      UntagResources: ecsUntagResources(state),
      ListTagResources: ecsListTagResources(state),
    },
  };
}
