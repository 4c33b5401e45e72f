import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { AssumeRoleError, cloudForAccount, DEFAULT_MEMBER_ROLE, forgetSessions, reach } from '../../shared/cloud/accounts.js';
import { accountsOfRun, ResourceDirectoryApi } from '../../shared/cloud/resource-directory.js';
import { settleUnreachable } from '../../shared/middleware/results.js';
import { DEFAULT_SETTINGS, settingsFromEnv } from '../../shared/settings.js';
import { defaultWorld, type TestKey } from '../support/localcloud.js';

const MAIN = '1234567890123456';
/** A RAM user of the management account: STS refuses root accounts. */
const DEPLOYER: TestKey = { accessKeyId: 'LTAI-deployer', accessKeySecret: 'deployer-secret' };
const member = (i: number) => String(2_000_000_000_000_000 + i);

/** The default world as the management account of a directory of `n` members (in fd-a when odd), each with the role but the last. */
function directoryWorld(n: number, rateLimits?: NonNullable<WorldFile['options']>['rateLimits']): WorldFile {
  const world = defaultWorld();
  world.accessKeys.push({ ...DEPLOYER, principal: { type: 'ram-user', userName: 'automirror' } });
  if (rateLimits) world.options = { ...world.options, rateLimits };
  const ids = Array.from({ length: n }, (_, i) => member(i));
  world.accounts = ids.map((accountId, i) => ({ accountId, regions: { 'cn-hangzhou': {} }, roles: i < n - 1 ? [{ roleName: DEFAULT_MEMBER_ROLE, trustedAccounts: [MAIN] }] : [] }));
  world.resourceDirectory = { folders: [{ folderId: 'fd-a' }], members: ids.map((accountId, i) => ({ accountId, ...(i % 2 === 1 && { folderId: 'fd-a' }) })) };
  return world;
}

let cloud: LocalCloud | undefined;
afterEach(async () => {
  forgetSessions();
  await cloud?.close();
  cloud = undefined;
});

const config = (c: LocalCloud) => ({ regionId: 'cn-hangzhou', endpoint: c.endpoint, credentials: DEPLOYER });

describe('which accounts a run covers (AUTOMIRROR_ACCOUNTS)', () => {
  it('reads the scope, the exclusions and the member role', () => {
    expect(settingsFromEnv({})).toMatchObject({ accounts: { kind: 'own' }, excludeAccounts: [], memberRole: DEFAULT_MEMBER_ROLE });
    expect(settingsFromEnv({ AUTOMIRROR_ACCOUNTS: ' 12, 34,12 ' }).accounts).toEqual({ kind: 'list', accountIds: ['12', '34'] });
    expect(settingsFromEnv({ AUTOMIRROR_ACCOUNTS: 'resource-directory' }).accounts).toEqual({ kind: 'resource-directory' });
    expect(settingsFromEnv({ AUTOMIRROR_ACCOUNTS: 'resource-directory:fd-bVaRIG01' }).accounts).toEqual({ kind: 'resource-directory', folderId: 'fd-bVaRIG01' });
    expect(settingsFromEnv({ AUTOMIRROR_EXCLUDE_ACCOUNTS: '56,78', AUTOMIRROR_MEMBER_ROLE: 'automirror-member' })).toMatchObject({ excludeAccounts: ['56', '78'], memberRole: 'automirror-member' });
    expect(DEFAULT_SETTINGS.accounts).toEqual({ kind: 'own' });
  });

  it('refuses what it cannot read, naming the variable and the value', () => {
    const refused = (env: NodeJS.ProcessEnv) => {
      try {
        settingsFromEnv(env);
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
      return 'accepted';
    };
    expect(refused({ AUTOMIRROR_ACCOUNTS: '12,,34' })).toBe('BadInput: AUTOMIRROR_ACCOUNTS must be account ids separated by commas, but "" is not an account id (digits)');
    expect(refused({ AUTOMIRROR_ACCOUNTS: 'resourcedirectory' })).toBe('BadInput: AUTOMIRROR_ACCOUNTS must be account ids separated by commas, but "resourcedirectory" is not an account id (digits)');
    expect(refused({ AUTOMIRROR_ACCOUNTS: 'resource-directory:' })).toBe('BadInput: AUTOMIRROR_ACCOUNTS: "" is not a Resource Directory folder id (r-… or fd-…)');
    expect(refused({ AUTOMIRROR_ACCOUNTS: 'resource-directory:fd-a/../b' })).toMatch(/^BadInput: AUTOMIRROR_ACCOUNTS: "fd-a\/..\/b" is not a Resource Directory folder id/);
    expect(refused({ AUTOMIRROR_EXCLUDE_ACCOUNTS: '12;34' })).toBe('BadInput: AUTOMIRROR_EXCLUDE_ACCOUNTS must be account ids separated by commas, but "12;34" is not an account id (digits)');
    expect(refused({ AUTOMIRROR_MEMBER_ROLE: 'role/*' })).toBe(`BadInput: AUTOMIRROR_MEMBER_ROLE must be a RAM role name (1–64 letters, digits, '.' or '-'), got "role/*"`);
  });

  it('lists every member of the directory page by page, or one folder’s, less the exclusions', async () => {
    cloud = await startLocalCloud({ world: directoryWorld(120) });
    const rd = new ResourceDirectoryApi(config(cloud));
    const all = await rd.memberAccounts();
    expect(all).toHaveLength(121);
    expect(new Set(all)).toEqual(new Set([MAIN, ...Array.from({ length: 120 }, (_, i) => member(i))]));
    expect(cloud.controls.calls.list({ action: 'ListAccounts' }).map((k) => k.params.PageNumber)).toEqual(['1', '2']);
    const inFolder = await rd.memberAccounts('fd-a');
    expect(inFolder).toHaveLength(60);
    expect(cloud.controls.calls.list({ action: 'ListAccountsForParent' }).map((k) => k.params.ParentFolderId)).toEqual(['fd-a']);

    const list = (folder?: string) => rd.memberAccounts(folder);
    expect(await accountsOfRun({ kind: 'resource-directory', folderId: 'fd-a' }, [member(1), member(3)], MAIN, list)).toHaveLength(58);
    expect(await accountsOfRun({ kind: 'own' }, [], MAIN, list)).toEqual([MAIN]);
    expect(await accountsOfRun({ kind: 'list', accountIds: [member(0), member(2)] }, [member(2)], MAIN, list)).toEqual([member(0)]);
    // Members whose account does not exist (being created, failed, expired, cancelled) are not reconciled.
    const statuses = ['CreateVerifying', 'CreateFailed', 'CreateExpired', 'CreateCancelled', 'InviteSuccess', 'PromoteVerifying', 'PromoteSuccess'] as const;
    statuses.forEach((status, i) => cloud?.org.join(member(i), undefined, status));
    const active = await rd.memberAccounts();
    expect(active).toHaveLength(117);
    expect(active).toEqual(expect.arrayContaining([member(4), member(5), member(6)]));
    expect([0, 1, 2, 3].filter((i) => active.includes(member(i)))).toEqual([]);
    // A directory that can't be listed fails the run: no account is silently left out.
    await expect(accountsOfRun({ kind: 'resource-directory', folderId: 'fd-nope' }, [], MAIN, list)).rejects.toMatchObject({ code: 'EntityNotExists.Folder' });
  });
});

describe('reaching a member account (STS AssumeRole)', () => {
  const reachable = (c: LocalCloud, accountId: string, runId = 'r1') =>
    reach(cloudForAccount({ accountId: MAIN, cloud: config(c), members: { roleName: DEFAULT_MEMBER_ROLE, runId } }, accountId, 'cn-hangzhou')!).then(
      () => 'reached',
      (err: unknown) => {
        expect(err).toBeInstanceOf(AssumeRoleError);
        return settleUnreachable(err);
      },
    );

  it('an account whose role is missing is dropped with its STS error; a throttled STS is retried', async () => {
    cloud = await startLocalCloud({ world: directoryWorld(3, { AssumeRole: { perMinute: 2, burst: 2 } }) });
    expect(await reachable(cloud, member(0))).toBe('reached');
    expect(await reachable(cloud, member(2))).toEqual({ code: 'EntityNotExist.Role', message: expect.stringContaining(`can't assume acs:ram::${member(2)}:role/resourcedirectoryaccountaccessrole`) });
    // Out of AssumeRole's rate: transient, so the invocation is retried (rethrown), not dropped.
    await expect(reachable(cloud, member(1))).rejects.toMatchObject({ name: 'AssumeRoleError', code: expect.stringMatching(/Throttling/), retryable: true });
  });

  it('assumes once per run and account: the next run in the same process names itself in a new session', async () => {
    cloud = await startLocalCloud({ world: directoryWorld(2) });
    for (const run of ['r1', 'r1', 'r2']) expect(await reachable(cloud, member(0), run)).toBe('reached');
    expect(cloud.controls.calls.list({ action: 'AssumeRole' }).map((k) => k.params.RoleSessionName)).toEqual(['automirror-r1', 'automirror-r2']);
  });
});
