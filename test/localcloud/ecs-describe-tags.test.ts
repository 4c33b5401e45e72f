import * as $Ecs from '@alicloud/ecs20140526';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestClouds, expectCode, freeEni, REGION, startTestCloud, testWorld, withFreeEnis } from '../support/conformance.js';
import { apiCalls, describeEnis, describeInstances, eni, instance, recordEvents } from '../support/ecs.js';

afterEach(closeTestClouds);

type Ecs = Awaited<ReturnType<typeof startTestCloud>>['ecs'];

describe('DescribeNetworkInterfaces', () => {
  it('answers the wrapped shape: NetworkInterfaceSets.NetworkInterfaceSet[], Tags.Tag[]{TagKey, TagValue}, numeric TotalCount', async () => {
    const { ecs } = await startTestCloud();
    const body = await describeEnis(ecs, { networkInterfaceId: ['eni-web01s'] });
    expect(body.totalCount).toBe(1);
    expect(body.networkInterfaceSets?.networkInterfaceSet?.[0]).toMatchObject({
      networkInterfaceId: 'eni-web01s',
      type: 'Secondary',
      status: 'InUse',
      instanceId: 'i-web01',
      vpcId: 'vpc-prod01',
      privateIpSets: { privateIpSet: [expect.objectContaining({ primary: true })] },
      securityGroupIds: { securityGroupId: ['sg-prod01'] },
      tags: { tag: [{ tagKey: 'role', tagValue: 'data' }] },
    });
  });

  it.each([
    ['InstanceId', { instanceId: 'i-web01' }, ['eni-web01p', 'eni-web01s']],
    ['Type', { type: 'Primary' }, ['eni-db01p', 'eni-ids01p', 'eni-web01p']],
    ['Status', { status: 'Available' }, ['eni-spare01']],
    ['VSwitchId', { vSwitchId: 'vsw-prod-i' }, ['eni-db01p']],
    ['Tag.N', { tag: [new $Ecs.DescribeNetworkInterfacesRequestTag({ key: 'mirror', value: 'on' })] }, ['eni-spare01']],
    ['SecurityGroupId (secondary ENIs only)', { securityGroupId: 'sg-prod01' }, ['eni-spare01', 'eni-web01s']],
  ])('filters by %s', async (_name, filter, expected) => {
    const { ecs } = await startTestCloud();
    expect((await describeEnis(ecs, filter)).networkInterfaceSets?.networkInterfaceSet?.map((e) => e.networkInterfaceId)).toEqual(expected);
  });

  it('pages by NextToken; MaxResults below 10 is raised to 10 and above 500 capped at 500', async () => {
    const { ecs } = await startTestCloud(withFreeEnis(testWorld(), 600));
    const small = await describeEnis(ecs, { maxResults: 3 });
    expect(small.networkInterfaceSets?.networkInterfaceSet).toHaveLength(10);
    const big = await describeEnis(ecs, { maxResults: 1000 });
    expect(big.networkInterfaceSets?.networkInterfaceSet).toHaveLength(500);
    const rest = await describeEnis(ecs, { maxResults: 500, nextToken: big.nextToken });
    expect(rest.networkInterfaceSets?.networkInterfaceSet).toHaveLength(105);
    expect(rest.nextToken).toBe('');
    expect(rest.totalCount).toBe(605);
  });

  it('the deprecated PageNumber/PageSize still page when NextToken is not used', async () => {
    const { ecs } = await startTestCloud(withFreeEnis(testWorld(), 30));
    const page2 = await describeEnis(ecs, { pageNumber: 2, pageSize: 10 });
    expect(page2).toMatchObject({ pageNumber: 2, pageSize: 10, totalCount: 35 });
    expect(page2.networkInterfaceSets?.networkInterfaceSet?.[0].networkInterfaceId).toBe(freeEni(10)); // id order: eni-db01p, then eni-free-0001…
  });

  it('NetworkInterfaceId.N is at most 100', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(describeEnis(ecs, { networkInterfaceId: Array.from({ length: 101 }, (_, i) => `eni-${i}`) }), 'InvalidParameter', 400);
  });
});

describe('DescribeInstances', () => {
  it('answers Instances.Instance[] with VpcAttributes, NetworkInterfaces and wrapped Tags', async () => {
    const { ecs } = await startTestCloud();
    const i = await instance(ecs, 'i-web01');
    expect(i).toMatchObject({
      instanceId: 'i-web01',
      status: 'Running',
      instanceType: 'ecs.g7.large',
      instanceTypeFamily: 'ecs.g7',
      vpcAttributes: { vpcId: 'vpc-prod01', vSwitchId: 'vsw-prod-h' },
      tags: { tag: expect.arrayContaining([{ tagKey: 'mirror', tagValue: 'on' }]) },
    });
    expect(i?.networkInterfaces?.networkInterface?.map((n) => [n.networkInterfaceId, n.type])).toEqual([
      ['eni-web01p', 'Primary'],
      ['eni-web01s', 'Secondary'],
    ]);
  });

  it('InstanceIds is a JSON array string of at most 100; filters by Tag.N, VpcId, Status', async () => {
    const { ecs } = await startTestCloud();
    const ids = async (fields: object) => (await describeInstances(ecs, fields)).instances?.instance?.map((i) => i.instanceId);
    expect(await ids({ instanceIds: JSON.stringify(['i-db01', 'i-web01']) })).toEqual(['i-db01', 'i-web01']);
    expect(await ids({ tag: [new $Ecs.DescribeInstancesRequestTag({ key: 'app', value: 'db' })] })).toEqual(['i-db01']);
    expect(await ids({ vpcId: 'vpc-prod01', status: 'Running' })).toHaveLength(3);
    await expectCode(describeInstances(ecs, { instanceIds: 'i-web01' }), 'InvalidParameter', 400);
    await expectCode(describeInstances(ecs, { instanceIds: JSON.stringify(Array.from({ length: 101 }, (_, i) => `i-${i}`)) }), 'InvalidParameter', 400);
  });
});

const tagReq = (resourceType: string, resourceId: string[], tags: Array<[string, string]>) =>
  new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType, resourceId, tag: tags.map(([key, value]) => new $Ecs.TagResourcesRequestTag({ key, value })) });
const listTags = async (ecs: Ecs, fields: ConstructorParameters<typeof $Ecs.ListTagResourcesRequest>[0]) =>
  (await ecs.listTagResources(new $Ecs.ListTagResourcesRequest({ regionId: REGION, ...fields }))).body as $Ecs.ListTagResourcesResponseBody;

describe('ECS TagResources / UntagResources', () => {
  it('tags ENIs (ResourceType eni) and instances (instance); the tags show in Describe*', async () => {
    const { ecs } = await startTestCloud();
    await ecs.tagResources(tagReq('eni', ['eni-db01p'], [['mirror', 'on']]));
    await ecs.tagResources(tagReq('instance', ['i-db01'], [['mirror', 'off']]));
    expect((await eni(ecs, 'eni-db01p'))?.tags?.tag).toEqual([expect.objectContaining({ tagKey: 'mirror', tagValue: 'on' })]);
    expect((await instance(ecs, 'i-db01'))?.tags?.tag).toContainEqual(expect.objectContaining({ tagKey: 'mirror', tagValue: 'off' }));
  });

  it('UntagResources (lowercase t) removes keys, or all tags with All=true', async () => {
    const { ecs } = await startTestCloud();
    await ecs.untagResources(new $Ecs.UntagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: ['i-web01'], tagKey: ['app'] }));
    expect((await instance(ecs, 'i-web01'))?.tags?.tag?.map((t) => t.tagKey)).toEqual(['mirror']);
    await ecs.untagResources(new $Ecs.UntagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: ['i-web01'], all: true }));
    expect((await instance(ecs, 'i-web01'))?.tags?.tag).toEqual([]);
  });

  it('both publish ecs:ActionTrail:ApiCall referencing the resources by ActionTrail type', async () => {
    const { cloud, ecs } = await startTestCloud();
    const events = recordEvents(cloud);
    await ecs.tagResources(tagReq('eni', ['eni-db01p', 'eni-spare01'], [['mirror', 'on']]));
    await ecs.untagResources(new $Ecs.UntagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: ['i-web01'], tagKey: ['app'] }));
    expect(apiCalls(events, 'TagResources')[0].data).toMatchObject({
      referencedResources: { 'ACS::ECS::NetworkInterface': ['eni-db01p', 'eni-spare01'] },
      requestParameters: { ResourceType: 'eni', 'Tag.1.Key': 'mirror', 'Tag.1.Value': 'on' },
    });
    expect(apiCalls(events, 'UntagResources')[0].data).toMatchObject({ referencedResources: { 'ACS::ECS::Instance': ['i-web01'] } });
  });

  it('ResourceId.N is 1–50 and Tag.N 1–20 with unique keys; unknown resources are InvalidResourceId.NotFound', async () => {
    const { ecs } = await startTestCloud();
    await expectCode(
      ecs.tagResources(
        tagReq(
          'eni',
          Array.from({ length: 51 }, () => 'eni-db01p'),
          [['k', 'v']],
        ),
      ),
      'InvalidParameter',
      400,
    );
    await expectCode(
      ecs.tagResources(
        tagReq(
          'eni',
          ['eni-db01p'],
          Array.from({ length: 21 }, (_, i): [string, string] => [`k${i}`, 'v']),
        ),
      ),
      'InvalidParameter',
      400,
    );
    await expectCode(
      ecs.tagResources(
        tagReq(
          'eni',
          ['eni-db01p'],
          [
            ['k', '1'],
            ['k', '2'],
          ],
        ),
      ),
      'InvalidParameter.TagKeyDuplicate',
      400,
    );
    await expectCode(ecs.tagResources(tagReq('eni', ['eni-nope'], [['k', 'v']])), 'InvalidResourceId.NotFound', 404);
  });
});

describe('ECS ListTagResources', () => {
  it('answers TagResources.TagResource[] {ResourceId, ResourceType, TagKey, TagValue} for ResourceId.N or Tag.N', async () => {
    const { ecs } = await startTestCloud();
    const byId = await listTags(ecs, { resourceType: 'eni', resourceId: ['eni-spare01'] });
    expect(byId.tagResources?.tagResource).toEqual([expect.objectContaining({ resourceId: 'eni-spare01', resourceType: 'eni', tagKey: 'mirror', tagValue: 'on' })]);
    const byTag = await listTags(ecs, { resourceType: 'instance', tag: [new $Ecs.ListTagResourcesRequestTag({ key: 'mirror', value: 'on' })] });
    expect(new Set(byTag.tagResources?.tagResource?.map((t) => t.resourceId))).toEqual(new Set(['i-web01']));
  });

  it('TagFilter.N matches fuzzily (prefix*) and cannot be combined with Tag.N', async () => {
    const { ecs } = await startTestCloud();
    const fuzzy = await listTags(ecs, { resourceType: 'instance', tagFilter: [new $Ecs.ListTagResourcesRequestTagFilter({ tagKey: 'app', tagValues: ['w*'] })] });
    expect(new Set(fuzzy.tagResources?.tagResource?.map((t) => t.resourceId))).toEqual(new Set(['i-web01']));
    await expectCode(
      listTags(ecs, {
        resourceType: 'instance',
        tag: [new $Ecs.ListTagResourcesRequestTag({ key: 'app' })],
        tagFilter: [new $Ecs.ListTagResourcesRequestTagFilter({ tagKey: 'app', tagValues: ['w*'] })],
      }),
      'InvalidParameter',
      400,
    );
  });

  it('pages by NextToken only', async () => {
    const world = withFreeEnis(testWorld(), 60);
    for (const e of world.regions[REGION].networkInterfaces ?? []) e.tags = { mirror: 'on' };
    const { ecs } = await startTestCloud(world);
    const q = { resourceType: 'eni', tag: [new $Ecs.ListTagResourcesRequestTag({ key: 'mirror' })] };
    const first = await listTags(ecs, q);
    expect(first.tagResources?.tagResource).toHaveLength(50);
    const second = await listTags(ecs, { ...q, nextToken: first.nextToken });
    expect(second.tagResources?.tagResource).toHaveLength(11);
    expect(second.nextToken).toBe('');
  });
});
