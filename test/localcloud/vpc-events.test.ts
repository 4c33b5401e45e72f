import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../localcloud/events/cloud-event.js';
import { closeTestClouds, createdSession, createSession, expectCode, REGION, startTestCloud, testWorld, vpcClient } from '../support/conformance.js';

afterEach(closeTestClouds);

const OTHER = { accessKeyId: 'LTAI-netops', accessKeySecret: 'netops-secret' };

async function recording() {
  const world = testWorld();
  world.accessKeys = [...world.accessKeys, OTHER];
  const t = await startTestCloud(world);
  const events: CloudEvent[] = [];
  t.cloud.state.events.subscribe((e) => events.push(e));
  // biome-ignore lint/suspicious/noExplicitAny: ActionTrail records are free-form JSON
  const records = () => events.filter((e) => e.type === 'vpc:ActionTrail:ApiCall').map((e) => e.data as any);
  return { ...t, events, records };
}

describe('VPC ActionTrail events on the default bus', () => {
  it('a session write by another key publishes vpc:ActionTrail:ApiCall naming the session and that key', async () => {
    const { cloud, events, records } = await recording();
    const id = await createSession(vpcClient(cloud, OTHER), { trafficMirrorSessionName: 'netops-copy' });
    const [created] = records();
    expect(created).toMatchObject({
      eventName: 'CreateTrafficMirrorSession',
      eventType: 'ApiCall',
      eventRW: 'Write',
      eventSource: 'vpc.aliyuncs.com',
      acsRegion: REGION,
      requestParameters: { TrafficMirrorSessionName: 'netops-copy' },
      responseElements: { TrafficMirrorSessionId: id },
      referencedResources: { 'ACS::VPC::TrafficMirrorSession': [id] },
      userIdentity: { type: 'root-account', accountId: cloud.state.accountId, accessKeyId: OTHER.accessKeyId },
    });
    const envelope = events.find((e) => e.type === 'vpc:ActionTrail:ApiCall');
    expect(envelope).toMatchObject({ source: 'acs.vpc', subject: `acs.vpc:${REGION}:${cloud.state.accountId}:trafficmirrorsession/${id}`, aliyuneventbusname: 'default', aliyunregionid: REGION });
  });

  it('Update and AddSources name the session they change; failed calls and ClientToken replays publish nothing', async () => {
    const { vpc, records } = await recording();
    const id = await createdSession(vpc);
    const update = new $Vpc.UpdateTrafficMirrorSessionAttributeRequest({ regionId: REGION, trafficMirrorSessionId: id, enabled: true, clientToken: 'tok-1' });
    await vpc.updateTrafficMirrorSessionAttribute(update);
    await vpc.updateTrafficMirrorSessionAttribute(update);
    await expectCode(
      vpc.addSourcesToTrafficMirrorSession(new $Vpc.AddSourcesToTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: 'tms-nosuch', trafficMirrorSourceIds: ['eni-x'] })),
      'ResourceNotFound.TrafficMirrorSession',
    );
    expect(records().map((r) => [r.eventName, r.referencedResources['ACS::VPC::TrafficMirrorSession']])).toEqual([
      ['CreateTrafficMirrorSession', [id]],
      ['UpdateTrafficMirrorSessionAttribute', [id]],
    ]);
  });
});
