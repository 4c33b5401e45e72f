import type { PopProduct } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import { createTrafficMirrorFilter, listTrafficMirrorFilters } from './filters.js';
import { describeRegions } from './regions.js';
import { getTrafficMirrorServiceStatus, openTrafficMirrorService } from './service.js';
import { createTrafficMirrorSession, deleteTrafficMirrorSession, listTrafficMirrorSessions, updateTrafficMirrorSessionAttribute } from './sessions.js';
import { addSourcesToTrafficMirrorSession, removeSourcesFromTrafficMirrorSession } from './sources.js';
import { vpcListTagResources, vpcTagResources, vpcUnTagResources } from './tags.js';

export function vpcProduct(state: CloudState): PopProduct {
  return {
    product: 'Vpc',
    version: '2016-04-28',
    hostId: 'vpc.aliyuncs.com',
    operations: {
      DescribeRegions: describeRegions(state),
      OpenTrafficMirrorService: openTrafficMirrorService(state),
      GetTrafficMirrorServiceStatus: getTrafficMirrorServiceStatus(state),
      CreateTrafficMirrorSession: createTrafficMirrorSession(state),
      DeleteTrafficMirrorSession: deleteTrafficMirrorSession(state),
      ListTrafficMirrorSessions: listTrafficMirrorSessions(state),
      UpdateTrafficMirrorSessionAttribute: updateTrafficMirrorSessionAttribute(state),
      AddSourcesToTrafficMirrorSession: addSourcesToTrafficMirrorSession(state),
      RemoveSourcesFromTrafficMirrorSession: removeSourcesFromTrafficMirrorSession(state),
      CreateTrafficMirrorFilter: createTrafficMirrorFilter(state),
      ListTrafficMirrorFilters: listTrafficMirrorFilters(state),
      TagResources: vpcTagResources(state),
      UnTagResources: vpcUnTagResources(state),
      ListTagResources: vpcListTagResources(state),
    },
  };
}
