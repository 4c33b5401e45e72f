import * as E from '@alicloud/ecs20140526';
import * as V from '@alicloud/vpc20160428';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { STS_KEY } from '../support/invoke.js';
import { DEMO_KEY, ecsClient, vpcClient, withCloud } from '../support/localcloud.js';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await withCloud();
});
afterAll(() => cloud.close());

const listSessions = (c: ReturnType<typeof vpcClient>) => c.listTrafficMirrorSessions(new V.ListTrafficMirrorSessionsRequest({ regionId: 'cn-hangzhou' }));

describe('ACS3-HMAC-SHA256 signatures, checked through the official clients', () => {
  it('accepts a correctly signed VPC request and a correctly signed ECS request', async () => {
    const vpc = await listSessions(vpcClient(cloud));
    expect(vpc.statusCode).toBe(200);
    expect(vpc.body?.totalCount).toBe('0');
    const ecs = await ecsClient(cloud).describeInstances(new E.DescribeInstancesRequest({ regionId: 'cn-hangzhou' }));
    expect(ecs.body?.instances?.instance?.map((i) => i.instanceId).sort()).toEqual(['i-db01', 'i-ids01', 'i-web01']);
  });

  it('rejects a request signed with the wrong secret with SignatureDoesNotMatch', async () => {
    const err = await listSessions(vpcClient(cloud, { ...DEMO_KEY, accessKeySecret: 'not-the-secret' })).catch((e) => e);
    expect(err).toMatchObject({ name: 'ClientError', code: 'SignatureDoesNotMatch', statusCode: 400 });
  });

  it('rejects an unknown AccessKeyId with InvalidAccessKeyId.NotFound', async () => {
    const err = await listSessions(vpcClient(cloud, { accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' })).catch((e) => e);
    expect(err).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
  });

  it('accepts STS credentials only with their security token', async () => {
    expect((await listSessions(vpcClient(cloud, STS_KEY))).statusCode).toBe(200);
    const wrong = await listSessions(vpcClient(cloud, { ...STS_KEY, securityToken: 'forged' })).catch((e) => e);
    expect(wrong).toMatchObject({ code: 'InvalidSecurityToken.MismatchWithAccessKey' });
    const none = await listSessions(vpcClient(cloud, { accessKeyId: STS_KEY.accessKeyId, accessKeySecret: STS_KEY.accessKeySecret })).catch((e) => e);
    expect(none).toMatchObject({ code: 'InvalidSecurityToken.Malformed' });
  });
});
