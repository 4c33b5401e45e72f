import type { PopProduct } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import { createTrafficMirrorSession, deleteTrafficMirrorSession, listTrafficMirrorSessions } from './sessions.js';

export function vpcProduct(state: CloudState): PopProduct {
  return {
    product: 'Vpc',
    version: '2016-04-28',
    hostId: 'vpc.aliyuncs.com',
    operations: {
      CreateTrafficMirrorSession: createTrafficMirrorSession(state),
      DeleteTrafficMirrorSession: deleteTrafficMirrorSession(state),
      ListTrafficMirrorSessions: listTrafficMirrorSessions(state),
    },
  };
}
