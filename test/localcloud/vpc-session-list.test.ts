import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorldSession } from '../../localcloud/world/types.js';
import { closeTestClouds, expectCode, freeEni, listSessions, REGION, startTestCloud, testWorld, waitFor, withFreeEnis } from '../support/conformance.js';

afterEach(closeTestClouds);

/** 25 world sessions with varied attributes, to filter and page. */
function world() {
  const w = withFreeEnis(testWorld(), 30);
  w.regions[REGION].trafficMirrorFilters?.push({ trafficMirrorFilterId: 'tmf-second' });
  w.regions[REGION].trafficMirrorSessions = Array.from(
    { length: 25 },
    (_, i): WorldSession => ({
      trafficMirrorSessionId: `tms-l${String(i).padStart(3, '0')}`,
      trafficMirrorSessionName: i % 5 === 0 ? 'fives' : `s${i}`,
      priority: 100 + i,
      virtualNetworkId: i,
      enabled: i % 2 === 0,
      resourceGroupId: i < 3 ? 'rg-a' : '',
      trafficMirrorFilterId: i === 7 ? 'tmf-second' : 'tmf-allipv4',
      trafficMirrorTargetId: i === 8 ? 'eni-ids01p' : 'lb-collector01',
      trafficMirrorTargetType: i === 8 ? 'NetworkInterface' : 'SLB',
      trafficMirrorSourceIds: i < 3 ? ['eni-web01s', freeEni(i + 1)] : [freeEni(i + 1)],
      tags: i % 3 === 0 ? { owner: 'automirror', tier: i % 2 === 0 ? 'even' : 'odd' } : { owner: 'someone-else' },
    }),
  );
  return w;
}

const ids = (body: $Vpc.ListTrafficMirrorSessionsResponseBody) => body.trafficMirrorSessions?.map((s) => s.trafficMirrorSessionId as string);
const tags = (...pairs: Array<[string, string?]>) => pairs.map(([key, value]) => new $Vpc.ListTrafficMirrorSessionsRequestTags({ key, value }));

describe('ListTrafficMirrorSessions: filters (combined with AND)', () => {
  it('TrafficMirrorSessionIds.N selects those sessions', async () => {
    const { vpc } = await startTestCloud(world());
    expect(ids(await listSessions(vpc, { trafficMirrorSessionIds: ['tms-l004', 'tms-l002', 'tms-nope'] }))).toEqual(['tms-l002', 'tms-l004']);
  });

  it('TrafficMirrorSessionIds.N is at most 100: 101 ids are refused with InvalidParameter', async () => {
    const { vpc } = await startTestCloud(world());
    await expectCode(
      vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION, trafficMirrorSessionIds: Array.from({ length: 101 }, (_, i) => `tms-${i}`) })),
      'InvalidParameter',
      400,
    );
  });

  it('TrafficMirrorSourceId (a single ENI) matches the sessions that contain it', async () => {
    const { vpc } = await startTestCloud(world());
    expect(ids(await listSessions(vpc, { trafficMirrorSourceId: 'eni-web01s' }))).toEqual(['tms-l000', 'tms-l001', 'tms-l002']);
    expect(ids(await listSessions(vpc, { trafficMirrorSourceId: freeEni(10) }))).toEqual(['tms-l009']);
    expect((await listSessions(vpc, { trafficMirrorSourceId: 'eni-db01p' })).totalCount).toBe('0');
  });

  it.each([
    ['TrafficMirrorSessionName', { trafficMirrorSessionName: 'fives' }, ['tms-l000', 'tms-l005', 'tms-l010', 'tms-l015', 'tms-l020']],
    ['TrafficMirrorTargetId', { trafficMirrorTargetId: 'eni-ids01p' }, ['tms-l008']],
    ['TrafficMirrorFilterId', { trafficMirrorFilterId: 'tmf-second' }, ['tms-l007']],
    ['VirtualNetworkId', { virtualNetworkId: 11 }, ['tms-l011']],
    ['Priority', { priority: 112 }, ['tms-l012']],
    ['ResourceGroupId', { resourceGroupId: 'rg-a' }, ['tms-l000', 'tms-l001', 'tms-l002']],
  ])('%s filters by equality', async (_name, filter, expected) => {
    const { vpc } = await startTestCloud(world());
    expect(ids(await listSessions(vpc, { maxResults: 100, ...filter }))).toEqual(expected);
  });

  it('Enabled filters by the enabled flag', async () => {
    const { vpc } = await startTestCloud(world());
    expect((await listSessions(vpc, { enabled: true })).totalCount).toBe('13');
    expect((await listSessions(vpc, { enabled: false })).totalCount).toBe('12');
  });

  it('Tags.N (plural) matches sessions carrying every given tag; a key without value matches any value', async () => {
    const { vpc } = await startTestCloud(world());
    expect((await listSessions(vpc, { tags: tags(['owner', 'automirror']) })).totalCount).toBe('9');
    expect(ids(await listSessions(vpc, { tags: tags(['owner', 'automirror'], ['tier', 'odd']) }))).toEqual(['tms-l003', 'tms-l009', 'tms-l015', 'tms-l021']);
    expect((await listSessions(vpc, { tags: tags(['tier']) })).totalCount).toBe('9');
  });

  it('Tags.N is at most 20: 21 tags are refused with InvalidParameter', async () => {
    const { vpc } = await startTestCloud(world());
    const many = tags(...Array.from({ length: 21 }, (_, i): [string, string] => [`k${i}`, 'v']));
    await expectCode(vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION, tags: many })), 'InvalidParameter', 400);
  });

  it('filters combine with AND: source, tag and enabled together', async () => {
    const { vpc } = await startTestCloud(world());
    expect(ids(await listSessions(vpc, { trafficMirrorSourceId: 'eni-web01s', enabled: true, tags: tags(['owner', 'automirror']) }))).toEqual(['tms-l000']);
  });

  it('answers the documented shape: flat TrafficMirrorSessions, TotalCount as a string, flat Tags {Key, Value}', async () => {
    const { vpc } = await startTestCloud(world());
    const r = await vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION, trafficMirrorSessionIds: ['tms-l003'] }));
    expect(r.body?.totalCount).toBe('1');
    expect(r.body?.trafficMirrorSessions?.[0].tags?.map((t) => t.key)).toEqual(['owner', 'tier']);
  });
});

describe('ListTrafficMirrorSessions: paging', () => {
  it('MaxResults defaults to 10 and NextToken walks every page; the last page answers an empty NextToken', async () => {
    const { vpc } = await startTestCloud(world());
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const body = await listSessions(vpc, { nextToken: token });
      expect(body.totalCount).toBe('25');
      seen.push(...(ids(body) ?? []));
      token = body.nextToken || undefined;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('MaxResults sizes the page', async () => {
    const { vpc } = await startTestCloud(world());
    const body = await listSessions(vpc, { maxResults: 7 });
    expect(body.trafficMirrorSessions).toHaveLength(7);
    expect(body.nextToken).not.toBe('');
  });

  it.each([0, 101])('MaxResults is 1–100: %i is refused with InvalidParameter', async (maxResults) => {
    const { vpc } = await startTestCloud(world());
    await expectCode(vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION, maxResults })), 'InvalidParameter', 400);
  });

  it('a malformed NextToken is refused with InvalidNextToken', async () => {
    const { vpc } = await startTestCloud(world());
    await expectCode(vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION, nextToken: 'garbage' })), 'InvalidNextToken', 400);
  });

  it('paging stays correct when sessions are deleted between pages', async () => {
    const { vpc } = await startTestCloud(world());
    const first = await listSessions(vpc, { maxResults: 10 });
    await vpc.deleteTrafficMirrorSession(new $Vpc.DeleteTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: 'tms-l010' }));
    await waitFor(async () => (await listSessions(vpc)).totalCount === '24');
    const second = await listSessions(vpc, { maxResults: 10, nextToken: first.nextToken });
    expect(ids(second)?.[0]).toBe('tms-l011');
  });
});

describe('ListTrafficMirrorSessions: region', () => {
  it('RegionId is required (MissingParameter) and must exist (InvalidRegionId.NotFound, 404)', async () => {
    const { vpc } = await startTestCloud(world());
    await expectCode(vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({})), 'MissingParameter', 400);
    await expectCode(vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: 'xx-nowhere-1' })), 'InvalidRegionId.NotFound', 404);
  });
});
