import * as $Ecs from '@alicloud/ecs20140526';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { REGION } from '../support/conformance.js';
import { actiontrailCall, DEMO_KEY, defaultWorld, ecsClient, withCloud } from '../support/localcloud.js';

// ActionTrail 2020-07-06 LookupEvents, through the generic openapi-core client, over the writes localcloud served.
const ALICE = { accessKeyId: 'LTAI-alice', accessKeySecret: 'alice-secret' };
const ROLE = { accessKeyId: 'STS.netops', accessKeySecret: 'netops-secret', securityToken: 'netops-token' };

let cloud: LocalCloud;

const tag = (key: typeof DEMO_KEY, instanceId: string, tags: Record<string, string>) =>
  ecsClient(cloud, key).tagResources(
    new $Ecs.TagResourcesRequest({
      regionId: REGION,
      resourceType: 'instance',
      resourceId: [instanceId],
      tag: Object.entries(tags).map(([k, v]) => new $Ecs.TagResourcesRequestTag({ key: k, value: v })),
    }),
  );

beforeAll(async () => {
  const world = defaultWorld();
  world.accessKeys.push({ ...ALICE, principal: { type: 'ram-user', userName: 'alice', principalId: '20000001' } });
  world.accessKeys.push({ ...ROLE, principal: { type: 'assumed-role', userName: 'netops:bob', principalId: '30000001:bob' } });
  cloud = await withCloud(world);
  await tag(DEMO_KEY, 'i-web01', { team: 'web' });
  await tag(ALICE, 'i-web01', { automirror: 'off' });
  await tag(ROLE, 'i-db01', { automirror: 'off' });
});
afterAll(() => cloud.close());

interface TrailEvent {
  eventName: string;
  userIdentity: { type: string; userName?: string };
  referencedResources: Record<string, string[]>;
  requestParameters: Record<string, string>;
}
const lookup = async (query: Record<string, unknown>) => (await actiontrailCall(cloud, 'LookupEvents', query)).body as { Events: TrailEvent[]; NextToken?: string };
const failure = (query: Record<string, unknown>) =>
  lookup(query).then(
    () => 'no error',
    (e: { code?: string }) => e.code,
  );

describe('LookupEvents', () => {
  it('finds a resource’s writes, newest first, with who made them', async () => {
    const body = await lookup({ LookupAttribute: [{ Key: 'ResourceName', Value: 'i-web01' }] });
    expect(body.Events.map((e) => [e.eventName, e.userIdentity.type, e.userIdentity.userName ?? ''])).toEqual([
      ['TagResources', 'ram-user', 'alice'],
      ['TagResources', 'root-account', 'root'],
    ]);
    expect(body.Events[0].requestParameters).toMatchObject({ 'Tag.1.Key': 'automirror', 'Tag.1.Value': 'off' });
    expect(body.Events[0].referencedResources).toEqual({ 'ACS::ECS::Instance': ['i-web01'] });
  });

  it('ANDs two conditions, and the caller’s role is a condition of its own', async () => {
    const both = await lookup({
      LookupAttribute: [
        { Key: 'User', Value: 'alice' },
        { Key: 'ResourceName', Value: 'i-db01' },
      ],
    });
    expect(both.Events).toEqual([]);
    const role = await lookup({ LookupAttribute: [{ Key: 'RoleName', Value: 'netops' }] });
    expect(role.Events.map((e) => e.referencedResources['ACS::ECS::Instance'])).toEqual([['i-db01']]);
  });

  it('pages with MaxResults and NextToken, oldest first when FORWARD', async () => {
    const q = { LookupAttribute: [{ Key: 'EventName', Value: 'TagResources' }], MaxResults: '2', Direction: 'FORWARD' };
    const first = await lookup(q);
    expect(first.Events.map((e) => e.userIdentity.userName)).toEqual(['root', 'alice']);
    const second = await lookup({ ...q, NextToken: first.NextToken });
    expect(second.Events.map((e) => e.userIdentity.userName)).toEqual(['netops:bob']);
    expect(second.NextToken).toBeUndefined();
    // "The request parameters must be the same as those of the previous request."
    expect(await failure({ ...q, Direction: 'BACKWARD', NextToken: first.NextToken })).toBe('InvalidNextToken');
  });

  it('refuses what the reference rules out, with one error each', async () => {
    expect(await failure({ StartTime: '2026-01-01T00:00:00Z' })).toBe('InvalidParameter');
    expect(await failure({ StartTime: '2026-01-02', EndTime: '2026-01-03T00:00:00Z' })).toBe('InvalidParameter');
    expect(await failure({ MaxResults: '51' })).toBe('InvalidParameter');
    expect(await failure({ Direction: 'SIDEWAYS' })).toBe('InvalidParameter');
    expect(await failure({ LookupAttribute: [{ Key: 'Resource', Value: 'i-web01' }] })).toBe('InvalidParameter');
    expect(await failure({ NextToken: 'bm90LWEtdG9rZW4' })).toBe('InvalidNextToken');
  });

  it('keeps to the time range asked for', async () => {
    const old = await lookup({ StartTime: '2020-01-01T00:00:00Z', EndTime: '2020-01-30T00:00:00Z' });
    expect(old.Events).toEqual([]);
  });
});

describe('ActionTrail adapter (shared/cloud/actiontrail.ts)', () => {
  // Under the engine's call policy (LookupEvents: two a second), as the engine calls it.
  const api = () => engineAdapters({ regionId: REGION, endpoint: cloud.endpoint, credentials: DEMO_KEY }).trail;

  it('names who last set the opt-out key on a resource, not who wrote another tag', async () => {
    const w = await api().lastTagWrite('i-web01', 'automirror');
    expect(w).toMatchObject({ resourceId: 'i-web01', eventName: 'TagResources', by: { type: 'ram-user', name: 'alice', accountId: cloud.state.accountId }, keys: ['automirror'] });
    expect((await api().lastTagWrite('i-db01', 'automirror'))?.by).toEqual({ type: 'assumed-role', accountId: cloud.state.accountId, name: 'netops', session: 'bob' });
    expect(await api().lastTagWrite('i-ids01', 'automirror')).toBeUndefined();
  });
});
