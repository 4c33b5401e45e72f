import { describe, expect, it } from 'vitest';
import { adoptCommand } from '../../cli/commands/adopt.js';
import { releaseCommand } from '../../cli/commands/release.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { OWNER_TAG, OWNER_VALUE, PROOF_TAG, RULE_TAG } from '../../shared/engine/ownership.js';
import { ACCOUNT, eniId, sessionsIn, worldSession } from '../engine/cloud.js';
import { scratch } from './app.js';
import { cli, scene, webPolicyFile } from './cli-run.js';
import { quiet, regionWorld, runRegion } from './support.js';

/** Taking over sessions made by hand (adopt --session / --all-matching) and handing them back (release), on localcloud. */

const held = scene();
const start = async (world: WorldFile) => {
  held.cloud = await startLocalCloud({ world });
  return held.cloud;
};
const policyFile = () => webPolicyFile((held.dir = scratch()));
const tagsOf = (c: LocalCloud) => Object.fromEntries(sessionsIn(c).map((s) => [s.trafficMirrorSessionId, Object.fromEntries(s.tags)]));
const writes = (c: LocalCloud) => c.controls.calls.list().filter((x) => !/^(Describe|List)/.test(x.action));
/** A session made by hand: tagged by its team, claiming nothing of automirror's. */
const handMade = (id: string, eni: string, priority: number, over = {}) => worldSession(id, [eni], priority, null, over);

describe('automirror adopt --session / --all-matching', () => {
  it('shows what it would take over and why not the rest, writes only with --yes, and the reconcile then owns exactly those', async () => {
    const cloud = await start(
      regionWorld({
        instances: 4,
        sessions: [
          handMade('tms-hand', eniId(0), 1001, { trafficMirrorFilterId: 'tmf-other' }),
          handMade('tms-elsewhere', eniId(1), 1002, { trafficMirrorTargetId: 'lb-b' }),
          handMade('tms-tf', eniId(2), 1003, { tags: { 'managed-by': 'Terraform' } }),
          handMade('tms-lowband', eniId(3), 7, {}),
        ],
      }),
    );
    const policy = policyFile();
    const before = tagsOf(cloud);
    const shown = await cli(adoptCommand, cloud, '--all-matching', '--policy', policy, '--account-id', ACCOUNT);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('adopt    tms-hand: matches rule web after filterId tmf-other → tmf-allipv4 (SLB:lb-a, priority 1001)');
    expect(shown.out).toContain("skip     tms-elsewhere: its target SLB:lb-b is not one of rule web's");
    expect(shown.out).toContain("skip     tms-tf: it carries Terraform's trace (managed-by=Terraform)");
    expect(shown.out).toContain("skip     tms-lowband: its priority 7 is outside rule web's band 1000–1999");
    expect(shown.out).toContain('1 of 4 session(s) would be adopted');
    expect(shown.out).toContain('nothing written: run again with --yes');
    expect(writes(cloud)).toEqual([]);
    const classified = (await runRegion(cloud, 'report')).report.unownedSessions?.map((u) => [u.sessionId, u.class]);
    expect(classified).toEqual([
      ['tms-elsewhere', 'conflicting'],
      ['tms-hand', 'adoptable'],
      ['tms-lowband', 'conflicting'],
      ['tms-tf', 'conflicting'],
    ]);

    const done = await cli(adoptCommand, cloud, '--all-matching', '--policy', policy, '--account-id', ACCOUNT, '--yes');
    expect(done.code).toBe(0);
    expect(done.out).toContain('adopted  tms-hand (rule web)');
    expect(writes(cloud).map((c) => c.action)).toEqual(['UpdateTrafficMirrorSessionAttribute', 'TagResources']);
    const after = tagsOf(cloud);
    expect(after['tms-hand']).toMatchObject({ team: 'netops', [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: 'web', 'automirror:instance': expect.stringMatching(/^i-/) });
    expect(after['tms-hand'][PROOF_TAG]).toMatch(/^v1\.ktest\./);
    // Nothing else was touched.
    for (const id of ['tms-elsewhere', 'tms-tf', 'tms-lowband']) expect(after[id]).toEqual(before[id]);

    await quiet(cloud);
    const { report, result } = await runRegion(cloud, 'report');
    expect(report.coverage.mirrored.find((m) => m.eniId === eniId(0))).toMatchObject({ sessionIds: ['tms-hand'] });
    // Owned and at its rule's filter now: no update or create is planned for it.
    expect(result.passes[0].plan.actions.filter((a) => 'sessionId' in a && a.sessionId === 'tms-hand')).toEqual([]);
    expect(report.forgedClaims ?? []).toEqual([]);
  });

  it('takes a Terraform-marked session only with --force, and judges a named session whatever it claims', async () => {
    const cloud = await start(regionWorld({ instances: 2, sessions: [handMade('tms-tf', eniId(0), 1001, { tags: { 'tf:stack': 'net' } }), worldSession('tms-ours', [eniId(1)], 1002)] }));
    const policy = policyFile();
    const refused = await cli(adoptCommand, cloud, '--session', 'tms-tf', '--session', 'tms-ours', '--session', 'tms-gone', '--policy', policy, '--account-id', ACCOUNT, '--yes');
    expect(refused.out).toContain("skip     tms-tf: it carries Terraform's trace (tf:stack=net)");
    expect(refused.out).toContain('skip     tms-ours: it is automirror’s already');
    expect(refused.out).toContain('not found tms-gone');
    expect(writes(cloud)).toEqual([]);
    const forced = await cli(adoptCommand, cloud, '--session', 'tms-tf', '--force', '--policy', policy, '--account-id', ACCOUNT, '--yes');
    expect(forced.out).toContain('adopted  tms-tf (rule web)');
    expect(writes(cloud).map((c) => c.action)).toEqual(['TagResources']);
  });

  it('refuses a mixed or empty choice with one usage error, before any call', async () => {
    const cloud = await start(regionWorld({ instances: 1 }));
    await expect(cli(adoptCommand, cloud, '--session', 'tms-a', '--all-matching', '--account-id', ACCOUNT)).rejects.toThrow(/say which sessions/);
    await expect(cli(adoptCommand, cloud, '--legacy', '--all-matching', '--account-id', ACCOUNT)).rejects.toThrow(/--legacy takes neither --all-matching nor --force/);
    await expect(cli(adoptCommand, cloud, '--all-matching', '--created-before', '2025-01-01T00:00:00Z', '--account-id', ACCOUNT)).rejects.toThrow(/--created-before goes with --legacy/);
    expect(cloud.controls.calls.list()).toEqual([]);
  });
});

describe('automirror release', () => {
  it('round-trips: an adopted session handed back claims nothing, keeps its sources and tags, and the reconcile leaves it alone', async () => {
    const cloud = await start(regionWorld({ instances: 1, sessions: [handMade('tms-hand', eniId(0), 1001)] }));
    const policy = policyFile();
    const original = sessionsIn(cloud)[0];
    const before = { tags: Object.fromEntries(original.tags), sources: [...original.trafficMirrorSourceIds] };
    await cli(adoptCommand, cloud, '--session', 'tms-hand', '--policy', policy, '--account-id', ACCOUNT, '--yes');
    expect(tagsOf(cloud)['tms-hand'][OWNER_TAG]).toBe(OWNER_VALUE);

    const asked = await cli(releaseCommand, cloud, '--session', 'tms-hand', '--policy', policy, '--account-id', ACCOUNT);
    expect(asked.out).toContain('release  tms-hand (rule web, 1 source(s))');
    expect(asked.out).toContain(`note     ${eniId(0)} is still opted in under rule web: the next reconcile mirrors it with a session of automirror's`);
    expect(asked.out).toContain('nothing written: run again with --yes');
    expect(tagsOf(cloud)['tms-hand'][OWNER_TAG]).toBe(OWNER_VALUE);

    const released = await cli(releaseCommand, cloud, '--session', 'tms-hand', '--policy', policy, '--account-id', ACCOUNT, '--yes');
    expect(released.code).toBe(0);
    expect(released.out).toContain('released tms-hand');
    const after = sessionsIn(cloud)[0];
    expect({ tags: Object.fromEntries(after.tags), sources: [...after.trafficMirrorSourceIds] }).toEqual(before);

    await quiet(cloud);
    const { result, report } = await runRegion(cloud, 'report');
    expect(report.forgedClaims ?? []).toEqual([]);
    expect(result.passes[0].plan.actions.filter((a) => 'sessionId' in a && a.sessionId === 'tms-hand')).toEqual([]);
  });

  it("skips what is not automirror's to hand back, and needs --session", async () => {
    const cloud = await start(regionWorld({ instances: 1, sessions: [handMade('tms-hand', eniId(0), 1001), handMade('tms-claim', eniId(0), 1002, { tags: { [OWNER_TAG]: OWNER_VALUE } })] }));
    const policy = policyFile();
    const r = await cli(releaseCommand, cloud, '--session', 'tms-hand', '--session', 'tms-claim', '--policy', policy, '--account-id', ACCOUNT, '--yes');
    expect(r.out).toContain("skip     tms-hand: it is not automirror's");
    expect(r.out).toMatch(/skip {5}tms-claim: its claim of automirror's ownership is not proven \((forged|pending)\)/);
    expect(writes(cloud)).toEqual([]);
    await expect(cli(releaseCommand, cloud, '--account-id', ACCOUNT)).rejects.toThrow(/--session tms-… is required/);
  });
});
