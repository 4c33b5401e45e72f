import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { DEFAULT_MEMBER_ROLE } from '../../shared/cloud/accounts.js';
import { assertReport } from '../../shared/report/validate.js';
import { DEFAULT_SETTINGS as S } from '../../shared/settings.js';
import { REGION } from '../engine/cloud.js';
import { appWorld, builtOnce, regionRuns, startApp } from './app.js';

/**
 * The scheduled path over several accounts, as deployed (s.yaml, the built functions) on a localcloud world of
 * several accounts: the fan-out resolves the accounts each run (the Resource Directory's members, or a list, less
 * the exclusions) and starts one reconcile-region per (account, region); each member is reached by STS AssumeRole.
 */

const B = '2000000000000002';
/** A member whose role is missing. */
const C = '3000000000000003';
/** Joins the directory between two runs. */
const D = '4000000000000004';
/** A member the configuration excludes. */
const E = '5000000000000005';

/** appWorld's account (the directory's management account) and members with the same region, each its own copy. */
function orgWorld(): WorldFile {
  const world = appWorld(2);
  const role = [{ roleName: DEFAULT_MEMBER_ROLE, trustedAccounts: [world.accountId] }];
  const member = (accountId: string, roles = role) => ({ accountId, regions: { [REGION]: structuredClone(world.regions[REGION]) }, roles });
  world.accounts = [member(B), member(C, []), member(D), member(E)];
  world.resourceDirectory = { folders: [{ folderId: 'fd-team' }], members: [{ accountId: B, folderId: 'fd-team' }, { accountId: C }, { accountId: E }] };
  return world;
}

const dir = builtOnce();

const both = (vars: Record<string, string>) => ({ reconcile: vars, 'reconcile-region': vars });

async function withApp<T>(env: Record<string, string>, test: (c: LocalCloud) => Promise<T>): Promise<T> {
  const c = await startApp(dir(), { world: orgWorld(), env: both(env) });
  try {
    return await test(c);
  } finally {
    await c.close();
  }
}

/** How many automirror sessions hold each opted-in ENI of the account's region. */
const holdings = (c: LocalCloud, accountId: string) => {
  const sessions = [...c.org.account(accountId).region(REGION).sessions.values()];
  return ['eni-t0000p', 'eni-t0001p'].map((e) => sessions.filter((s) => s.trafficMirrorSourceIds.includes(e)).length);
};

const runsOf = (c: LocalCloud) => regionRuns(c).map((r) => ({ ...r, accountId: r.task.accountId as string }));

describe('the scheduled reconcile over the Resource Directory', () => {
  it('reconciles every active member but the excluded, each through its assumed role; a missing role is reported; a new member is in the next run', async () => {
    await withApp({ AUTOMIRROR_ACCOUNTS: 'resource-directory', AUTOMIRROR_EXCLUDE_ACCOUNTS: E }, async (c) => {
      const main = c.state.accountId;
      c.fc.timers.fire(S.reconcileFunction, 'hourly');
      await c.platform.idle();

      const first = runsOf(c);
      expect(first.map((r) => r.accountId).sort()).toEqual([main, B, C].sort());
      expect(first.every((r) => r.record.ok && r.task.regionId === REGION)).toBe(true);
      expect(holdings(c, main)).toEqual([1, 1]);
      expect(holdings(c, B)).toEqual([1, 1]);
      expect(holdings(c, C)).toEqual([0, 0]);
      expect(holdings(c, E)).toEqual([0, 0]);

      // B's sessions were created in B, by the assumed role's STS key; the role was assumed by the deployment.
      const creates = c.controls.calls.list({ action: 'CreateTrafficMirrorSession' });
      expect(creates.filter((k) => k.accountId === B).length).toBeGreaterThan(0);
      expect(creates.filter((k) => k.accountId === B).every((k) => k.accessKeyId.startsWith('STS.') && k.code === 'OK')).toBe(true);
      const assumed = c.controls.calls.list({ action: 'AssumeRole' });
      expect(assumed.every((a) => a.accountId === main)).toBe(true);
      expect(assumed.map((a) => String(a.params.RoleArn)).sort()).toEqual([`acs:ram::${B}:role/resourcedirectoryaccountaccessrole`, `acs:ram::${C}:role/resourcedirectoryaccountaccessrole`]);
      // The management account's own sessions were made with its own (FC) keys, not through STS.
      expect(creates.filter((k) => k.accountId === main).length).toBeGreaterThan(0);

      // C: one invocation (not retried), its report carrying the STS error, nothing read in C.
      const [cRun, ...again] = first.filter((r) => r.accountId === C);
      expect(again).toEqual([]);
      const report = assertReport(cRun.report);
      expect(report.accountId).toBe(C);
      expect(report.run.complete).toBe(false);
      expect(report.errors).toEqual([expect.objectContaining({ regionId: REGION, code: 'EntityNotExist.Role', message: expect.stringContaining(`acs:ram::${C}:role/`) })]);
      expect(JSON.parse(cRun.record.response).dropped).toMatch(/^EntityNotExist\.Role: /);
      expect(c.controls.calls.list().filter((k) => k.accountId === C)).toEqual([]);

      // D joins; the next hourly run covers it, with no change to the configuration.
      c.org.join(D);
      expect(c.fc.timers.advance(3_600_000)).toHaveLength(1);
      await c.platform.idle();
      const second = runsOf(c).slice(first.length);
      expect(second.map((r) => r.accountId).sort()).toEqual([main, B, C, D].sort());
      expect(new Set(second.map((r) => r.task.runId)).size).toBe(1);
      expect(second[0].task.runId).not.toBe(first[0].task.runId);
      expect(holdings(c, D)).toEqual([1, 1]);
      expect(holdings(c, B)).toEqual([1, 1]);
      expect(holdings(c, E)).toEqual([0, 0]);
    });
  });

  it('a folder covers its members only; a list names the accounts exactly', async () => {
    await withApp({ AUTOMIRROR_ACCOUNTS: 'resource-directory:fd-team' }, async (c) => {
      c.fc.timers.fire(S.reconcileFunction, 'hourly');
      await c.platform.idle();
      expect(runsOf(c).map((r) => r.accountId)).toEqual([B]);
      expect(holdings(c, B)).toEqual([1, 1]);
      expect(holdings(c, c.state.accountId)).toEqual([0, 0]);
    });
    await withApp({ AUTOMIRROR_ACCOUNTS: `${D}, ${B}` }, async (c) => {
      c.fc.timers.fire(S.reconcileFunction, 'hourly');
      await c.platform.idle();
      expect(
        runsOf(c)
          .map((r) => r.accountId)
          .sort(),
      ).toEqual([B, D]);
      expect([holdings(c, D), holdings(c, B), holdings(c, c.state.accountId)]).toEqual([
        [1, 1],
        [1, 1],
        [0, 0],
      ]);
      // An account outside the list is refused by reconcile-region too, whoever asks.
      const out = await c.fc.invoke(S.reconcileRegionFunction, Buffer.from(JSON.stringify({ accountId: E, regionId: REGION, mode: 'enforce', runId: 'by-hand' })));
      expect(JSON.parse(out.body.toString()).dropped).toContain(`account ${E} is not in AUTOMIRROR_ACCOUNTS`);
      expect(holdings(c, E)).toEqual([0, 0]);
    });
  });

  it('refuses bad account settings with one clear error, and starts nothing', async () => {
    await withApp({ AUTOMIRROR_ACCOUNTS: `${B},acct-c` }, async (c) => {
      const out = await c.fc.invoke(S.reconcileFunction, Buffer.from('{}'));
      expect(JSON.parse(out.body.toString())).toEqual({ dropped: 'AUTOMIRROR_ACCOUNTS must be account ids separated by commas, but "acct-c" is not an account id (digits)' });
      await c.platform.idle();
      expect(regionRuns(c)).toEqual([]);
      expect(c.controls.calls.list()).toEqual([]);
    });
  });
});
