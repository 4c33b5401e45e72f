import * as $Ecs from '@alicloud/ecs20140526';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestClouds, expectCode, REGION, startTestCloud, testWorld, waitFor } from '../support/conformance.js';
import { apiCalls, describeEnis, instance, recordEvents, runInstance, runRequest, stateChanges } from '../support/ecs.js';

afterEach(closeTestClouds);

describe('RunInstances', () => {
  it('answers InstanceIdSets.InstanceIdSet[] with Amount instances', async () => {
    const { ecs } = await startTestCloud();
    const r = await ecs.runInstances(runRequest({ amount: 3 }));
    expect(r.body?.instanceIdSets?.instanceIdSet).toHaveLength(3);
    for (const id of r.body?.instanceIdSets?.instanceIdSet ?? []) expect(id).toMatch(/^i-[a-z0-9]{20}$/);
  });

  it('each instance gets a Primary ENI, InUse, carrying the Tag.N tags (documented: instance, disks and primary ENI)', async () => {
    const { ecs } = await startTestCloud();
    const id = await runInstance(ecs, { tag: [new $Ecs.RunInstancesRequestTag({ key: 'mirror', value: 'on' })] });
    const enis = (await describeEnis(ecs, { instanceId: id })).networkInterfaceSets?.networkInterfaceSet ?? [];
    expect(enis).toHaveLength(1);
    expect(enis[0]).toMatchObject({ type: 'Primary', status: 'InUse', instanceId: id, vSwitchId: 'vsw-prod-h', vpcId: 'vpc-prod01', zoneId: 'cn-hangzhou-h' });
    expect(enis[0].tags?.tag?.map((t) => [t.tagKey, t.tagValue])).toEqual([['mirror', 'on']]);
    const inst = await instance(ecs, id);
    expect(inst?.tags?.tag?.[0]).toMatchObject({ tagKey: 'mirror', tagValue: 'on' });
    expect(inst?.networkInterfaces?.networkInterface?.[0].networkInterfaceId).toBe(enis[0].networkInterfaceId);
    expect(inst?.securityGroupIds?.securityGroupId).toEqual(['sg-prod01']);
  });

  it('NetworkInterface.N with InstanceType Secondary creates secondary ENIs attached at launch, with their own name and security groups', async () => {
    const { ecs } = await startTestCloud();
    const id = await runInstance(ecs, {
      networkInterface: [
        new $Ecs.RunInstancesRequestNetworkInterface({ instanceType: 'Primary', networkInterfaceName: 'eth0' }),
        new $Ecs.RunInstancesRequestNetworkInterface({ instanceType: 'Secondary', networkInterfaceName: 'data', securityGroupIds: ['sg-collector01'] }),
      ],
    });
    const enis = (await describeEnis(ecs, { instanceId: id })).networkInterfaceSets?.networkInterfaceSet ?? [];
    const byType = Object.fromEntries(enis.map((e) => [e.type, e]));
    expect(byType.Primary).toMatchObject({ networkInterfaceName: 'eth0' });
    expect(byType.Secondary).toMatchObject({ networkInterfaceName: 'data', status: 'InUse', instanceId: id });
    expect(byType.Secondary.securityGroupIds?.securityGroupId).toEqual(['sg-collector01']);
  });

  it.each([
    ['ImageId is required', { imageId: undefined }, 'MissingParameter', 400],
    ['InstanceType is required', { instanceType: undefined }, 'MissingParameter', 400],
    ['VSwitchId must exist', { vSwitchId: 'vsw-nope' }, 'InvalidVSwitchId.NotFound', 404],
    ['a security group is required', { securityGroupId: undefined }, 'MissingParameter', 400],
    ['the security group must exist', { securityGroupId: 'sg-nope' }, 'InvalidSecurityGroupId.NotFound', 404],
    ['Amount is 1–100', { amount: 101 }, 'InvalidParameter', 400],
    ['ZoneId must match the vSwitch', { zoneId: 'cn-hangzhou-i' }, 'InvalidVSwitchId.ZoneMismatch', 400],
    ['InstanceName is 2–128 characters', { instanceName: 'x' }, 'InvalidInstanceName.Malformed', 400],
  ])('%s', async (_rule, fields, code, status) => {
    const { ecs } = await startTestCloud();
    await expectCode(ecs.runInstances(runRequest(fields)), code, status);
  });

  it('DryRun=true answers DryRunOperation and launches nothing', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(ecs.runInstances(runRequest({ dryRun: true })), 'DryRunOperation', 400);
    const all = await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION }));
    expect(all.body?.totalCount).toBe(3);
  });

  it('a repeated ClientToken returns the first instance ids and launches nothing new', async () => {
    const { ecs } = await startTestCloud();
    const a = await runInstance(ecs, { clientToken: 'run-1' });
    const b = await runInstance(ecs, { clientToken: 'run-1' });
    expect(b).toBe(a);
    const all = await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION }));
    expect(all.body?.totalCount).toBe(4);
  });
});

describe('instance boot: Pending → Starting → Running, with ecs:Instance:StateChange events', () => {
  it('the status moves through Pending, Starting and Running over the world delay', async () => {
    const { ecs } = await startTestCloud(testWorld({ asyncDelayMs: 80 }));
    const id = await runInstance(ecs);
    expect((await instance(ecs, id))?.status).toBe('Pending');
    await waitFor(async () => (await instance(ecs, id))?.status === 'Starting');
    await waitFor(async () => (await instance(ecs, id))?.status === 'Running');
  });

  it('each transition is published when it happens, even if nobody reads ECS', async () => {
    const { cloud, ecs } = await startTestCloud(testWorld({ asyncDelayMs: 30 }));
    const events = recordEvents(cloud);
    const id = await runInstance(ecs);
    await waitFor(() => stateChanges(events, id).length === 3);
    expect(stateChanges(events, id)).toEqual(['Pending', 'Starting', 'Running']);
  });

  it('StateChange puts {resourceId, resourceType, state} under data, in the CloudEvents envelope of the default bus', async () => {
    const { cloud, ecs } = await startTestCloud();
    const events = recordEvents(cloud);
    const id = await runInstance(ecs);
    const e = events.find((x) => x.type === 'ecs:Instance:StateChange');
    expect(e).toMatchObject({
      source: 'acs.ecs',
      specversion: '1.0',
      type: 'ecs:Instance:StateChange',
      subject: `acs.ecs:${REGION}:1234567890123456:instance/${id}`,
      aliyunaccountid: '1234567890123456',
      aliyunregionid: REGION,
      aliyuneventbusname: 'default',
      data: { resourceId: id, resourceType: 'ALIYUN::ECS::Instance', state: 'Pending' },
    });
    expect(e?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(e?.time as string)).not.toBeNaN();
    expect(Date.parse(e?.aliyunpublishtime as string)).not.toBeNaN();
  });

  it("world option stateChangeShape 'content' puts the fields under data.content", async () => {
    const { cloud, ecs } = await startTestCloud(testWorld({ stateChangeShape: 'content' }));
    const events = recordEvents(cloud);
    const id = await runInstance(ecs);
    expect(events.find((x) => x.type === 'ecs:Instance:StateChange')?.data).toEqual({ content: { resourceId: id, resourceType: 'ALIYUN::ECS::Instance', state: 'Pending' } });
  });

  it('a world instance left Pending boots on from load time', async () => {
    const world = testWorld({ asyncDelayMs: 30 });
    world.regions[REGION].instances?.push({ instanceId: 'i-booting', vSwitchId: 'vsw-prod-h', status: 'Pending', networkInterfaces: [{ networkInterfaceId: 'eni-booting' }] });
    const { ecs } = await startTestCloud(world);
    await waitFor(async () => (await instance(ecs, 'i-booting'))?.status === 'Running');
  });
});

describe('RunInstances publishes ecs:ActionTrail:ApiCall', () => {
  it('with eventName, requestParameters, referencedResources (instances and ENIs) and userIdentity', async () => {
    const { cloud, ecs } = await startTestCloud();
    const events = recordEvents(cloud);
    const id = await runInstance(ecs);
    const [call] = apiCalls(events, 'RunInstances');
    const enis = (await describeEnis(ecs, { instanceId: id })).networkInterfaceSets?.networkInterfaceSet?.map((e) => e.networkInterfaceId);
    expect(call).toMatchObject({ source: 'acs.ecs', type: 'ecs:ActionTrail:ApiCall', aliyuneventbusname: 'default', subject: `acs.ecs:${REGION}:1234567890123456:instance/${id}` });
    expect(call.data).toMatchObject({
      eventType: 'ApiCall',
      eventRW: 'Write',
      eventName: 'RunInstances',
      serviceName: 'Ecs',
      acsRegion: REGION,
      eventVersion: 1,
      requestParameters: { RegionId: REGION, InstanceType: 'ecs.g7.large', VSwitchId: 'vsw-prod-h' },
      referencedResources: { 'ACS::ECS::Instance': [id], 'ACS::ECS::NetworkInterface': enis },
      userIdentity: { type: 'root-account', accountId: '1234567890123456', accessKeyId: 'LTAI-localcloud-demo' },
    });
    expect((call.data as { requestId: string }).requestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('nothing is published for a refused call', async () => {
    const { cloud, ecs } = await startTestCloud();
    const events = recordEvents(cloud);
    await expectCode(ecs.runInstances(runRequest({ vSwitchId: 'vsw-nope' })), 'InvalidVSwitchId.NotFound');
    expect(events).toEqual([]);
  });
});

describe('DeleteInstance', () => {
  const del = (id: string, fields = {}) => new $Ecs.DeleteInstanceRequest({ instanceId: id, ...fields });

  it('a Running instance needs Force=true: without it, IncorrectInstanceStatus (403)', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(ecs.deleteInstance(del('i-web01')), 'IncorrectInstanceStatus', 403);
  });

  it('removes the instance and its primary ENI, detaches other ENIs to Available, and publishes Deleted and the ApiCall', async () => {
    const { cloud, ecs } = await startTestCloud();
    const events = recordEvents(cloud);
    await ecs.deleteInstance(del('i-web01', { force: true }));
    expect(await instance(ecs, 'i-web01')).toBeUndefined();
    const enis = (await describeEnis(ecs, { networkInterfaceId: ['eni-web01p', 'eni-web01s'] })).networkInterfaceSets?.networkInterfaceSet ?? [];
    expect(enis.map((e) => [e.networkInterfaceId, e.status, e.instanceId])).toEqual([['eni-web01s', 'Available', '']]);
    expect(stateChanges(events, 'i-web01')).toEqual(['Deleted']);
    expect(apiCalls(events, 'DeleteInstance')[0].data).toMatchObject({ referencedResources: { 'ACS::ECS::Instance': ['i-web01'], 'ACS::ECS::NetworkInterface': ['eni-web01p'] } });
  });

  it('secondary ENIs created with the instance (DeleteOnRelease default true) are released with it', async () => {
    const { ecs } = await startTestCloud();
    const id = await runInstance(ecs, { networkInterface: [new $Ecs.RunInstancesRequestNetworkInterface({ instanceType: 'Secondary' })] });
    await ecs.deleteInstance(del(id, { force: true }));
    expect((await describeEnis(ecs, { instanceId: id })).totalCount).toBe(0);
    expect((await describeEnis(ecs)).totalCount).toBe(5);
  });

  it('an unknown instance is InvalidInstanceId.NotFound (404); DryRun answers DryRunOperation', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(ecs.deleteInstance(del('i-nope', { force: true })), 'InvalidInstanceId.NotFound', 404);
    await expectCode(ecs.deleteInstance(del('i-web01', { force: true, dryRun: true })), 'DryRunOperation', 400);
    expect(await instance(ecs, 'i-web01')).toBeDefined();
  });
});
