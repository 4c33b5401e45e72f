import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestClouds, createSession, expectCode, getSession, REGION, startTestCloud, testWorld } from '../support/conformance.js';

afterEach(closeTestClouds);

const tag = (key: string, value = '') => new $Vpc.TagResourcesRequestTag({ key, value });
type Vpc = Awaited<ReturnType<typeof startTestCloud>>['vpc'];
const tagSession = (vpc: Vpc, ids: string[], tags: $Vpc.TagResourcesRequestTag[], resourceType = 'TRAFFICMIRRORSESSION') =>
  vpc.tagResources(new $Vpc.TagResourcesRequest({ regionId: REGION, resourceType, resourceId: ids, tag: tags }));
const listTags = async (vpc: Vpc, fields: ConstructorParameters<typeof $Vpc.ListTagResourcesRequest>[0]) =>
  (await vpc.listTagResources(new $Vpc.ListTagResourcesRequest({ regionId: REGION, resourceType: 'TRAFFICMIRRORSESSION', ...fields }))).body as $Vpc.ListTagResourcesResponseBody;

describe('VPC TagResources (ResourceType TRAFFICMIRRORSESSION)', () => {
  it('tags sessions; List shows the tags; a repeated key overwrites its value', async () => {
    const { vpc } = await startTestCloud();
    const id = await createSession(vpc);
    await tagSession(vpc, [id], [tag('owner', 'me'), tag('env', 'test')]);
    await tagSession(vpc, [id], [tag('env', 'prod')]);
    expect((await getSession(vpc, id))?.tags?.map((t) => [t.key, t.value])).toEqual([
      ['owner', 'me'],
      ['env', 'prod'],
    ]);
  });

  it('ResourceType is case-insensitive: TrafficMirrorSession (as Terraform sends it) works', async () => {
    const { vpc } = await startTestCloud();
    const id = await createSession(vpc);
    await tagSession(vpc, [id], [tag('k', 'v')], 'TrafficMirrorSession');
    expect((await getSession(vpc, id))?.tags).toHaveLength(1);
  });

  it('ResourceId.N is at most 50; Tag.N is 1–20', async () => {
    const { vpc } = await startTestCloud();
    const id = await createSession(vpc);
    await expectCode(
      tagSession(
        vpc,
        Array.from({ length: 51 }, () => id),
        [tag('k')],
      ),
      'InvalidParameter',
      400,
    );
    await expectCode(
      tagSession(
        vpc,
        [id],
        Array.from({ length: 21 }, (_, i) => tag(`k${i}`)),
      ),
      'InvalidParameter',
      400,
    );
    await expectCode(tagSession(vpc, [id], []), 'MissingParameter', 400);
  });

  it('a resource holds at most 20 tags: tagging past 20 is refused with QuotaExceeded.TagsPerResource', async () => {
    const { vpc } = await startTestCloud();
    const id = await createSession(vpc);
    await tagSession(
      vpc,
      [id],
      Array.from({ length: 20 }, (_, i) => tag(`k${i}`)),
    );
    await expectCode(tagSession(vpc, [id], [tag('one-more')]), 'QuotaExceeded.TagsPerResource', 400);
  });

  it('tag keys follow the tag rules: aliyun… keys are refused with InvalidTagKey.Malformed', async () => {
    const { vpc } = await startTestCloud();
    const id = await createSession(vpc);
    await expectCode(tagSession(vpc, [id], [tag('aliyun-x')]), 'InvalidTagKey.Malformed', 400);
  });

  it('unknown resources are refused with InvalidResourceId.NotFound (404); unsupported types with InvalidResourceType.NotSupported', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(tagSession(vpc, ['tms-nope'], [tag('k')]), 'InvalidResourceId.NotFound', 404);
    await expectCode(tagSession(vpc, ['vpc-prod01'], [tag('k')], 'VPC'), 'InvalidResourceType.NotSupported', 400);
  });

  it('filters are taggable too (ResourceType TRAFFICMIRRORFILTER)', async () => {
    const { vpc } = await startTestCloud();
    await tagSession(vpc, ['tmf-allipv4'], [tag('k', 'v')], 'TRAFFICMIRRORFILTER');
    const body = await listTags(vpc, { resourceType: 'TRAFFICMIRRORFILTER', resourceId: ['tmf-allipv4'] });
    expect(body.tagResources?.tagResource?.[0]).toMatchObject({ resourceId: 'tmf-allipv4', resourceType: 'TRAFFICMIRRORFILTER', tagKey: 'k', tagValue: 'v' });
  });
});

describe('VPC UnTagResources', () => {
  it('removes the named keys, or every tag with All=true', async () => {
    const { vpc } = await startTestCloud();
    const id = await createSession(vpc);
    await tagSession(vpc, [id], [tag('a'), tag('b'), tag('c')]);
    await vpc.unTagResources(new $Vpc.UnTagResourcesRequest({ regionId: REGION, resourceType: 'TRAFFICMIRRORSESSION', resourceId: [id], tagKey: ['a'] }));
    expect((await getSession(vpc, id))?.tags?.map((t) => t.key)).toEqual(['b', 'c']);
    await vpc.unTagResources(new $Vpc.UnTagResourcesRequest({ regionId: REGION, resourceType: 'TRAFFICMIRRORSESSION', resourceId: [id], all: true }));
    expect((await getSession(vpc, id))?.tags).toEqual([]);
  });
});

describe('VPC ListTagResources', () => {
  it('answers TagResources.TagResource[] {ResourceId, ResourceType, TagKey, TagValue}, selected by ResourceId.N and/or Tag.N', async () => {
    const { vpc } = await startTestCloud();
    const a = await createSession(vpc, { priority: 1 });
    const b = await createSession(vpc, { priority: 2, trafficMirrorSourceIds: ['eni-db01p'] });
    await tagSession(vpc, [a, b], [tag('owner', 'automirror')]);
    await tagSession(vpc, [b], [tag('rule', 'web')]);
    const byId = await listTags(vpc, { resourceId: [a] });
    expect(byId.tagResources?.tagResource).toEqual([expect.objectContaining({ resourceId: a, resourceType: 'TRAFFICMIRRORSESSION', tagKey: 'owner', tagValue: 'automirror' })]);
    const byTag = await listTags(vpc, { tag: [new $Vpc.ListTagResourcesRequestTag({ key: 'rule', value: 'web' })] });
    expect(new Set(byTag.tagResources?.tagResource?.map((t) => t.resourceId))).toEqual(new Set([b]));
  });

  it('needs ResourceId.N or Tag.N: neither is refused with MissingParameter', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.listTagResources(new $Vpc.ListTagResourcesRequest({ regionId: REGION, resourceType: 'TRAFFICMIRRORSESSION' })), 'MissingParameter', 400);
  });

  it('pages with MaxResults (1–50, default 50) and NextToken', async () => {
    const world = testWorld();
    world.regions[REGION].trafficMirrorFilters = Array.from({ length: 30 }, (_, i) => ({ trafficMirrorFilterId: `tmf-${String(i).padStart(2, '0')}`, tags: { a: '1', b: '2' } }));
    const { vpc } = await startTestCloud(world);
    const q = { resourceType: 'TRAFFICMIRRORFILTER', tag: [new $Vpc.ListTagResourcesRequestTag({ key: 'a' })] };
    const first = await listTags(vpc, q);
    expect(first.tagResources?.tagResource).toHaveLength(50);
    const second = await listTags(vpc, { ...q, nextToken: first.nextToken });
    expect(second.tagResources?.tagResource).toHaveLength(10);
    expect(second.nextToken).toBe('');
    expect((await listTags(vpc, { ...q, maxResults: 7 })).tagResources?.tagResource).toHaveLength(7);
    await expectCode(vpc.listTagResources(new $Vpc.ListTagResourcesRequest({ regionId: REGION, ...q, maxResults: 51 })), 'InvalidParameter', 400);
  });
});
