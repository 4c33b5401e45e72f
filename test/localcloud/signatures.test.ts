import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Vpc, * as $Vpc from '@alicloud/vpc20160428';
import * as $dara from '@darabonba/typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestClouds, createSession, expectCode, listSessions, REGION, startTestCloud } from '../support/conformance.js';
import { DEMO_KEY, popConfig, v2Config } from '../support/localcloud.js';

afterEach(closeTestClouds);

const STS_KEY = { accessKeyId: 'STS.localcloud-fc', accessKeySecret: 'localcloud-fc-secret', securityToken: 'localcloud-fc-token' };

/** A generic-client call of any action, to reach what no product client models. */
async function rawCall(config: $OpenApiUtil.Config, action: string, version: string) {
  const params = new $OpenApiUtil.Params({ action, version, protocol: 'HTTPS', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
  return new OpenApi(config).callApi(params, new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query({ RegionId: REGION }) }), new $dara.RuntimeOptions({}));
}

/** A List call signed with the given client config. */
const listWith = (config: $OpenApiUtil.Config) => new Vpc(config).listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION }));

describe.each([
  ['ACS3-HMAC-SHA256 (the SDK default)', popConfig],
  ["legacy RPC HMAC-SHA1 (signatureAlgorithm: 'v2')", v2Config],
])('%s', (_scheme, config) => {
  it('a correctly signed request is served, whatever characters it carries; a wrong secret is SignatureDoesNotMatch (400)', async () => {
    const { cloud } = await startTestCloud();
    expect((await listWith(config(cloud))).body?.totalCount).toBe('0');
    await createSession(new Vpc(config(cloud)), { trafficMirrorSessionName: "a b*c!d'e(f)g~h+i&j=k/l%m 镜像" });
    await expectCode(listWith(config(cloud, { ...DEMO_KEY, accessKeySecret: 'wrong' })), 'SignatureDoesNotMatch', 400);
  });

  it('an unknown AccessKeyId is InvalidAccessKeyId.NotFound (404); an STS key is served with its SecurityToken', async () => {
    const { cloud } = await startTestCloud();
    await expectCode(listWith(config(cloud, { accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' })), 'InvalidAccessKeyId.NotFound', 404);
    expect((await listWith(config(cloud, STS_KEY))).body?.totalCount).toBe('0');
  });

  it('an STS key whose token does not match is refused with InvalidSecurityToken.MismatchWithAccessKey', async () => {
    const { cloud } = await startTestCloud();
    await expectCode(listWith(config(cloud, { ...STS_KEY, securityToken: 'stale' })), 'InvalidSecurityToken.MismatchWithAccessKey', 400);
  });
});

describe('legacy RPC signature: both schemes dispatch to the same operations', () => {
  it('VPC and ECS clients signing v2 reach the same operations', async () => {
    const { cloud } = await startTestCloud();
    const vpc = new Vpc(v2Config(cloud));
    const name = "signed v2 (with * ! ' + & = /) 流量镜像";
    const id = await createSession(vpc, { trafficMirrorSessionName: name, clientToken: 'v2-token' });
    expect((await listSessions(vpc)).trafficMirrorSessions?.[0]).toMatchObject({ trafficMirrorSessionId: id, trafficMirrorSessionName: name });
    const ecs = new Ecs(v2Config(cloud));
    const enis = await ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, networkInterfaceId: ['eni-web01s'] }));
    expect(enis.body?.networkInterfaceSets?.networkInterfaceSet?.[0].networkInterfaceId).toBe('eni-web01s');
    const instances = await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify(['i-web01']) }));
    expect(instances.body?.instances?.instance?.[0].instanceId).toBe('i-web01');
    expect(cloud.controls.calls.list().map((c) => c.signature)).toEqual(['v2', 'v2', 'v2', 'v2']);
  });

  it('the v2 envelope (Timestamp, SignatureNonce, …) is not part of the request: a retry with the same ClientToken is idempotent', async () => {
    const { cloud } = await startTestCloud();
    const vpc = new Vpc(v2Config(cloud));
    const a = await createSession(vpc, { clientToken: 'v2-same' });
    const b = await createSession(vpc, { clientToken: 'v2-same' });
    expect(b).toBe(a);
  });
});

describe('an operation localcloud does not implement answers the cloud error for an unknown action', () => {
  it('InvalidAction.NotFound (404) under ACS3', async () => {
    const { cloud } = await startTestCloud();
    await expectCode(rawCall(popConfig(cloud), 'DeleteTrafficMirrorFilterRules', '2016-04-28'), 'InvalidAction.NotFound', 404);
  });

  it('InvalidAction.NotFound (404) under v2', async () => {
    const { cloud } = await startTestCloud();
    await expectCode(rawCall(v2Config(cloud), 'DescribeVpcs', '2016-04-28'), 'InvalidAction.NotFound', 404);
  });

  it('an unknown API version is InvalidVersion', async () => {
    const { cloud } = await startTestCloud();
    await expectCode(rawCall(popConfig(cloud), 'DescribeInstances', '2099-01-01'), 'InvalidVersion', 400);
  });
});
