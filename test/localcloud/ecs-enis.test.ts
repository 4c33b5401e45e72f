import * as $Ecs from '@alicloud/ecs20140526';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestClouds, createdSession, expectCode, getSession, REGION, startTestCloud, testWorld, waitFor } from '../support/conformance.js';
import { apiCalls, createEni, eni, recordEvents, runInstance } from '../support/ecs.js';

afterEach(closeTestClouds);

type Ecs = Awaited<ReturnType<typeof startTestCloud>>['ecs'];
const attach = (ecs: Ecs, networkInterfaceId: string, instanceId: string) => ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: REGION, networkInterfaceId, instanceId }));
const detach = (ecs: Ecs, networkInterfaceId: string, instanceId: string) => ecs.detachNetworkInterface(new $Ecs.DetachNetworkInterfaceRequest({ regionId: REGION, networkInterfaceId, instanceId }));
const remove = (ecs: Ecs, networkInterfaceId: string) => ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({ regionId: REGION, networkInterfaceId }));
const statusIs = (ecs: Ecs, id: string, status: string | undefined) => waitFor(async () => (await eni(ecs, id))?.status === status);

describe('CreateNetworkInterface', () => {
  it('is synchronous: the new Secondary ENI is Available at once, and the response carries its attributes', async () => {
    const { ecs } = await startTestCloud();
    const r = await ecs.createNetworkInterface(
      new $Ecs.CreateNetworkInterfaceRequest({
        regionId: REGION,
        vSwitchId: 'vsw-prod-h',
        securityGroupId: 'sg-prod01',
        networkInterfaceName: 'mirror-me',
        primaryIpAddress: '10.0.0.9',
        tag: [new $Ecs.CreateNetworkInterfaceRequestTag({ key: 'mirror', value: 'on' })],
      }),
    );
    expect(r.body).toMatchObject({
      status: 'Available',
      type: 'Secondary',
      vpcId: 'vpc-prod01',
      vSwitchId: 'vsw-prod-h',
      zoneId: 'cn-hangzhou-h',
      privateIpAddress: '10.0.0.9',
      networkInterfaceName: 'mirror-me',
    });
    expect(r.body?.networkInterfaceId).toMatch(/^eni-[a-z0-9]{20}$/);
    expect(r.body?.tags?.tag?.[0]).toMatchObject({ tagKey: 'mirror', tagValue: 'on' });
    expect((await eni(ecs, r.body?.networkInterfaceId as string))?.status).toBe('Available');
  });

  it.each([
    ['VSwitchId is required', { vSwitchId: undefined }, 'MissingParameter', 400],
    ['the vSwitch must exist', { vSwitchId: 'vsw-nope' }, 'InvalidVSwitchId.NotFound', 404],
    ['SecurityGroupId or SecurityGroupIds.N is required', { securityGroupId: undefined }, 'MissingParameter', 400],
    ['not both SecurityGroupId and SecurityGroupIds.N', { securityGroupIds: ['sg-prod01'] }, 'InvalidParameter', 400],
    ['the security group must exist', { securityGroupId: 'sg-nope' }, 'InvalidSecurityGroupId.NotFound', 404],
    ['NetworkInterfaceName is 2–128 characters', { networkInterfaceName: 'x' }, 'InvalidNetworkInterfaceName.Malformed', 400],
  ])('%s', async (_rule, fields, code, status) => {
    const { ecs } = await startTestCloud();
    await expectCode(createEni(ecs, fields), code, status);
  });

  it('a repeated ClientToken returns the first ENI', async () => {
    const { ecs } = await startTestCloud();
    expect(await createEni(ecs, { clientToken: 'eni-1' })).toBe(await createEni(ecs, { clientToken: 'eni-1' }));
  });

  it('publishes ecs:ActionTrail:ApiCall referencing the new ENI', async () => {
    const { cloud, ecs } = await startTestCloud();
    const events = recordEvents(cloud);
    const id = await createEni(ecs);
    expect(apiCalls(events, 'CreateNetworkInterface')[0]).toMatchObject({
      subject: `acs.ecs:${REGION}:1234567890123456:eni/${id}`,
      data: { eventName: 'CreateNetworkInterface', referencedResources: { 'ACS::ECS::NetworkInterface': [id] } },
    });
  });
});

describe('AttachNetworkInterface: Available → Attaching → InUse', () => {
  it('attaches after the world delay and publishes the ApiCall with the instance and ENI', async () => {
    const { cloud, ecs } = await startTestCloud(testWorld({ asyncDelayMs: 100 }));
    const events = recordEvents(cloud);
    await attach(ecs, 'eni-spare01', 'i-ids01');
    expect(await eni(ecs, 'eni-spare01')).toMatchObject({ status: 'Attaching', instanceId: 'i-ids01' });
    await statusIs(ecs, 'eni-spare01', 'InUse');
    expect(apiCalls(events, 'AttachNetworkInterface')[0].data).toMatchObject({ referencedResources: { 'ACS::ECS::Instance': ['i-ids01'], 'ACS::ECS::NetworkInterface': ['eni-spare01'] } });
  });

  it('the ENI must be Available: attaching an InUse ENI is InvalidOperation.InvalidEniState', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(attach(ecs, 'eni-web01s', 'i-db01'), 'InvalidOperation.InvalidEniState', 400);
  });

  it('the instance must be Running or Stopped: a Pending instance answers IncorrectInstanceStatus (403)', async () => {
    const { ecs } = await startTestCloud(testWorld({ asyncDelayMs: 500 }));
    const id = await runInstance(ecs);
    await expectCode(attach(ecs, 'eni-spare01', id), 'IncorrectInstanceStatus', 403);
  });

  it('the ENI must be in the instance zone: a different zone is InvalidOperation.ZoneMismatch', async () => {
    const { ecs } = await startTestCloud();
    const other = await createEni(ecs, { vSwitchId: 'vsw-prod-i' });
    await expectCode(attach(ecs, other, 'i-web01'), 'InvalidOperation.ZoneMismatch', 400);
  });

  it('unknown ids: InvalidEniId.NotFound and InvalidInstanceId.NotFound (404)', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(attach(ecs, 'eni-nope', 'i-db01'), 'InvalidEniId.NotFound', 404);
    await expectCode(attach(ecs, 'eni-spare01', 'i-nope'), 'InvalidInstanceId.NotFound', 404);
  });
});

describe('DetachNetworkInterface: InUse → Detaching → Available', () => {
  it('detaches after the world delay; the ENI leaves the instance', async () => {
    const { ecs } = await startTestCloud(testWorld({ asyncDelayMs: 100 }));
    await detach(ecs, 'eni-web01s', 'i-web01');
    expect((await eni(ecs, 'eni-web01s'))?.status).toBe('Detaching');
    await statusIs(ecs, 'eni-web01s', 'Available');
    expect((await eni(ecs, 'eni-web01s'))?.instanceId).toBe('');
  });

  it('the primary ENI cannot be detached: InvalidOperation.DetachPrimaryEniNotAllowed', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(detach(ecs, 'eni-web01p', 'i-web01'), 'InvalidOperation.DetachPrimaryEniNotAllowed', 400);
  });

  it('the ENI must be attached to that instance: InvalidOperation.EniNotAttached', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(detach(ecs, 'eni-web01s', 'i-db01'), 'InvalidOperation.EniNotAttached', 400);
  });
});

describe('DeleteNetworkInterface: Available → Deleting → gone', () => {
  it('only an Available ENI is deleted: InUse answers InvalidOperation.InvalidEniState', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(remove(ecs, 'eni-web01s'), 'InvalidOperation.InvalidEniState', 400);
  });

  it('deletes asynchronously and publishes the ApiCall', async () => {
    const { cloud, ecs } = await startTestCloud(testWorld({ asyncDelayMs: 100 }));
    const events = recordEvents(cloud);
    await remove(ecs, 'eni-spare01');
    expect((await eni(ecs, 'eni-spare01'))?.status).toBe('Deleting');
    await statusIs(ecs, 'eni-spare01', undefined);
    expect(apiCalls(events, 'DeleteNetworkInterface')).toHaveLength(1);
    await expectCode(remove(ecs, 'eni-spare01'), 'InvalidEniId.NotFound', 404);
  });
});

describe('a session whose source ENI is deleted (undocumented; world option deletedSourceEni)', () => {
  it("default 'dangling': the deleted id stays in TrafficMirrorSourceIds, so orphan cleanup can find it", async () => {
    const { ecs, vpc } = await startTestCloud();
    const id = await createdSession(vpc, { trafficMirrorSourceIds: ['eni-spare01', 'eni-web01s'] });
    await remove(ecs, 'eni-spare01');
    await statusIs(ecs, 'eni-spare01', undefined);
    expect((await getSession(vpc, id))?.trafficMirrorSourceIds).toEqual(['eni-spare01', 'eni-web01s']);
  });

  it("'remove': the deleted id is dropped from the session", async () => {
    const { ecs, vpc } = await startTestCloud(testWorld({ deletedSourceEni: 'remove' }));
    const id = await createdSession(vpc, { trafficMirrorSourceIds: ['eni-spare01', 'eni-web01s'] });
    await remove(ecs, 'eni-spare01');
    await statusIs(ecs, 'eni-spare01', undefined);
    expect((await getSession(vpc, id))?.trafficMirrorSourceIds).toEqual(['eni-web01s']);
  });

  it('the same applies to a primary ENI released with its instance', async () => {
    const { ecs, vpc } = await startTestCloud(testWorld({ deletedSourceEni: 'remove' }));
    const id = await createdSession(vpc, { trafficMirrorSourceIds: ['eni-db01p', 'eni-web01s'] });
    await ecs.deleteInstance(new $Ecs.DeleteInstanceRequest({ instanceId: 'i-db01', force: true }));
    expect((await getSession(vpc, id))?.trafficMirrorSourceIds).toEqual(['eni-web01s']);
  });
});
