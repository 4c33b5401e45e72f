import { DescribeInstancesRequest } from '@alicloud/ecs20140526';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { cloudForAccount, DEFAULT_MEMBER_ROLE, forgetSessions, roleSessionName, STS } from '../../shared/cloud/accounts.js';
import { EcsApi } from '../../shared/cloud/ecs.js';
import { DEMO_KEY, defaultWorld, ecsClient, genericCallFor, type TestKey } from '../support/localcloud.js';

// One world, three accounts: the default world's (the Resource Directory's management account), member B with the
// role Resource Directory creates (trusting the management account), and C, with no such role, not yet a member.
const MAIN = '1234567890123456';
const B = '2000000000000002';
const C = '3000000000000003';
/** A RAM user of the management account: STS refuses root accounts (AssumeRole, "Prerequisites"). */
const DEPLOYER: TestKey = { accessKeyId: 'LTAI-deployer', accessKeySecret: 'deployer-secret' };

function orgWorld(): WorldFile {
  const world = defaultWorld();
  world.accessKeys.push({ ...DEPLOYER, principal: { type: 'ram-user', userName: 'automirror' } });
  const region = (suffix: string) => ({
    vpcs: [{ vpcId: `vpc-${suffix}`, vSwitches: [{ vSwitchId: `vsw-${suffix}`, zoneId: 'cn-hangzhou-h' }] }],
    instances: [{ instanceId: `i-${suffix}01`, vSwitchId: `vsw-${suffix}`, tags: { mirror: 'on' }, networkInterfaces: [{ networkInterfaceId: `eni-${suffix}01`, type: 'Primary' as const }] }],
  });
  world.accounts = [
    {
      accountId: B,
      displayName: 'team-b',
      regions: { 'cn-hangzhou': region('b') },
      roles: [{ roleName: DEFAULT_MEMBER_ROLE, trustedAccounts: [MAIN] }],
      accessKeys: [{ accessKeyId: 'LTAI-b', accessKeySecret: 'b-secret' }],
    },
    { accountId: C, regions: { 'cn-hangzhou': region('c') }, roles: [{ roleName: 'other', trustedAccounts: [B] }] },
  ];
  world.resourceDirectory = { folders: [{ folderId: 'fd-later' }], members: [{ accountId: B }] };
  return world;
}

const rd = genericCallFor({ version: '2020-03-31', endpoint: () => 'resourcemanager.aliyuncs.com' });
const sts = genericCallFor(STS);
const assume = (cloud: LocalCloud, account: string, role = DEFAULT_MEMBER_ROLE, extra: Record<string, unknown> = {}, key = DEPLOYER) =>
  sts(cloud, 'AssumeRole', { RoleArn: `acs:ram::${account}:role/${role.toLowerCase()}`, RoleSessionName: 'automirror-test', ...extra }, key);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 'OK' }),
    (e: { code: string; data?: { Message?: string } }) => ({ code: e.code, message: e.data?.Message }),
  );

let cloud: LocalCloud | undefined;
afterEach(async () => {
  forgetSessions();
  await cloud?.close();
  cloud = undefined;
});

describe('localcloud: several accounts', () => {
  it('lists the directory members by page, and a member that joins shows in its folder', async () => {
    cloud = await startLocalCloud({ world: orgWorld() });
    const first = await rd(cloud, 'ListAccounts', { PageSize: 1 }, DEPLOYER);
    expect(first.body).toMatchObject({ TotalCount: 2, PageNumber: 1, PageSize: 1, Accounts: { Account: [{ AccountId: MAIN, FolderId: 'r-root01', Status: 'CreateSuccess' }] } });
    const second = await rd(cloud, 'ListAccounts', { PageSize: 1, PageNumber: 2 }, DEPLOYER);
    expect(second.body.Accounts.Account.map((a: { AccountId: string }) => a.AccountId)).toEqual([B]);
    cloud.org.join(C, 'fd-later');
    const inFolder = await rd(cloud, 'ListAccountsForParent', { ParentFolderId: 'fd-later' }, DEPLOYER);
    expect(inFolder.body).toMatchObject({ TotalCount: 1, Accounts: { Account: [{ AccountId: C, ResourceDirectoryPath: `rd-local01/r-root01/fd-later/${C}` }] } });
    expect(await failure(rd(cloud, 'ListAccountsForParent', { ParentFolderId: 'fd-nope' }, DEPLOYER))).toMatchObject({ code: 'EntityNotExists.Folder' });
    expect(await failure(rd(cloud, 'ListAccounts', { PageSize: 101 }, DEPLOYER))).toMatchObject({ code: 'InvalidParameter' });
    // A member account is not the management account.
    expect(await failure(rd(cloud, 'ListAccounts', {}, { accessKeyId: 'LTAI-b', accessKeySecret: 'b-secret' }))).toMatchObject({ code: 'NoPermission' });
  });

  it('AssumeRole returns STS keys that act only in the role’s account, with the token, until they expire', async () => {
    let now = Date.now();
    cloud = await startLocalCloud({ world: orgWorld(), now: () => now });
    const { body } = await assume(cloud, B);
    const c = body.Credentials;
    expect(c.AccessKeyId).toMatch(/^STS\./);
    expect(Date.parse(c.Expiration) - now).toBeGreaterThan(3_590_000);
    expect(body.AssumedRoleUser.Arn).toBe(`acs:ram::${B}:role/resourcedirectoryaccountaccessrole/automirror-test`);
    const key = { accessKeyId: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, securityToken: c.SecurityToken };
    const seen = await ecsClient(cloud, key).describeInstances(new DescribeInstancesRequest({ regionId: 'cn-hangzhou' }));
    expect(seen.body?.instances?.instance?.map((i) => i.instanceId)).toEqual(['i-b01']);
    const own = await ecsClient(cloud).describeInstances(new DescribeInstancesRequest({ regionId: 'cn-hangzhou' }));
    expect(own.body?.instances?.instance?.map((i) => i.instanceId)).not.toContain('i-b01');
    const logged = cloud.controls.calls.list({ action: 'DescribeInstances' });
    expect(logged.map((l) => [l.accessKeyId, l.accountId])).toEqual([
      [c.AccessKeyId, B],
      [DEMO_KEY.accessKeyId, MAIN],
    ]);
    expect(await failure(ecsClient(cloud, { ...key, securityToken: undefined }).describeInstances(new DescribeInstancesRequest({ regionId: 'cn-hangzhou' })))).toMatchObject({
      code: 'InvalidSecurityToken.Malformed',
    });
    now += 3_600_000;
    expect(await failure(ecsClient(cloud, key).describeInstances(new DescribeInstancesRequest({ regionId: 'cn-hangzhou' })))).toMatchObject({ code: 'InvalidSecurityToken.Expired' });
  });

  it('refuses what the documentation says AssumeRole refuses, with its codes', async () => {
    cloud = await startLocalCloud({ world: orgWorld() });
    expect(await failure(assume(cloud, B, DEFAULT_MEMBER_ROLE, {}, DEMO_KEY))).toMatchObject({ code: 'NoPermission', message: 'Roles may not be assumed by root accounts.' });
    expect(await failure(assume(cloud, C))).toMatchObject({ code: 'EntityNotExist.Role' });
    expect(await failure(assume(cloud, '4000000000000004'))).toMatchObject({ code: 'EntityNotExist.Role' });
    expect(await failure(assume(cloud, C, 'other'))).toMatchObject({ code: 'NoPermission' });
    expect(await failure(assume(cloud, B, DEFAULT_MEMBER_ROLE, { DurationSeconds: 899 }))).toMatchObject({ code: 'InvalidParameter.DurationSeconds' });
    expect(await failure(assume(cloud, B, DEFAULT_MEMBER_ROLE, { DurationSeconds: 3601 }))).toMatchObject({ code: 'InvalidParameter.DurationSeconds' });
    expect(await failure(assume(cloud, B, DEFAULT_MEMBER_ROLE, { RoleSessionName: 'a' }))).toMatchObject({ code: 'InvalidParameter.RoleSessionName' });
    expect(await failure(sts(cloud, 'AssumeRole', { RoleArn: 'arn:aws:iam::1:role/x', RoleSessionName: 'ab' }, DEPLOYER))).toMatchObject({ code: 'InvalidParameter.RoleArn' });
  });
});

describe('cloudForAccount: a member account through STS', () => {
  const deployment = (c: LocalCloud, runId = '20261204T180000Z-abc123') => ({
    accountId: MAIN,
    cloud: { regionId: 'cn-hangzhou', endpoint: c.endpoint, credentials: DEPLOYER },
    members: { roleName: DEFAULT_MEMBER_ROLE, runId },
  });

  it('reads the member’s resources with one cached session, named for automirror and the run', async () => {
    cloud = await startLocalCloud({ world: orgWorld() });
    const cfg = cloudForAccount(deployment(cloud), B, 'cn-hangzhou');
    expect(cfg).toBeDefined();
    const ecs = new EcsApi(cfg!);
    const [a, b] = await Promise.all([ecs.instances(['i-b01']), ecs.instances(['i-b01'])]);
    expect(a.map((i) => i.id)).toEqual(['i-b01']);
    expect(b).toEqual(a);
    // Another adapter for the same account (another region's part) shares the session.
    await new EcsApi(cloudForAccount(deployment(cloud), B, 'cn-hangzhou')!).instances(['i-b01']);
    const assumed = cloud.controls.calls.list({ action: 'AssumeRole' });
    expect(assumed).toHaveLength(1);
    expect(assumed[0]).toMatchObject({ accessKeyId: DEPLOYER.accessKeyId, accountId: MAIN, params: { RoleSessionName: 'automirror-20261204T180000Z-abc1' } });
    const reads = cloud.controls.calls.list({ action: 'DescribeInstances' });
    expect(reads.every((r) => r.accountId === B && r.accessKeyId.startsWith('STS.'))).toBe(true);
  });

  it('an account whose role is missing fails with the STS error, and nothing is read there', async () => {
    cloud = await startLocalCloud({ world: orgWorld() });
    const err = await new EcsApi(cloudForAccount(deployment(cloud), C, 'cn-hangzhou')!).instances(['i-c01']).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain('EntityNotExist.Role');
    expect(cloud.controls.calls.list({ action: 'DescribeInstances' })).toHaveLength(0);
  });

  it('names a session within STS’s bounds whatever the run id', () => {
    expect(roleSessionName('run/with spaces*and-a-very-long-id-indeed')).toMatch(/^[A-Za-z0-9.@_-]{2,32}$/);
  });
});
