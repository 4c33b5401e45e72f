import { afterEach, describe, expect, it, vi } from 'vitest';
import { adoptCommand } from '../../cli/commands/adopt.js';
import { command as apply } from '../../cli/commands/apply.js';
import { command as plan } from '../../cli/commands/plan.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { startLocalCloud } from '../../localcloud/index.js';
import { parseOwnershipKeys } from '../../shared/cloud/ownership-keys.js';
import { VpcMirrorApi } from '../../shared/cloud/vpc.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { ownerTags, PROOF_TAG } from '../../shared/engine/ownership.js';
import { reconcileRegion } from '../../shared/engine/reconcile-region.js';
import { ACCOUNT, cloudConfig, eniId, FAST_RETRY, REGION, sessionsIn, webPolicy, worldSession } from '../engine/cloud.js';
import { invokeOnCloud, sampleEvent } from '../support/invoke.js';
import { defaultWorld } from '../support/localcloud.js';
import { TEST_OWNERSHIP_KEYS } from '../support/ownership.js';
import { removeScratch, scratch } from './app.js';
import { cli, webPolicyFile } from './cli-run.js';
import { quiet, regionWorld, runRegion } from './support.js';

/** Key rotation, what runs without a key, and the migration of sessions made before ownership proofs. */

const NEW_KEY = 'knew:6oP9vEA6aFMApzpevZ1bbxTb1UKmzo4w8JnCUz0fYLM';
const LONG_AGO = '2025-01-01T00:00:00Z';
let cloud: LocalCloud | undefined;
let dir: string | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await cloud?.close();
  cloud = undefined;
  removeScratch(dir);
  dir = undefined;
});

const proofs = (c: LocalCloud) => Object.fromEntries(sessionsIn(c).map((s) => [s.trafficMirrorSessionId, s.tags.get(PROOF_TAG)?.split('.')[1] ?? null]));

function policyFile(): string {
  dir = scratch();
  return webPolicyFile(dir);
}

describe('key rotation', () => {
  it('keeps sessions proven under an older key owned, re-signs each with the new key once, and then has nothing to do', async () => {
    cloud = await startLocalCloud({ world: regionWorld({ instances: 2, sessions: [worldSession('tms-a', [eniId(0)], 1001), worldSession('tms-b', [eniId(1)], 1002)] }) });
    const keys = parseOwnershipKeys(`${NEW_KEY},${TEST_OWNERSHIP_KEYS}`);
    const deps = { policy: webPolicy(), ...engineAdapters(cloudConfig(cloud, { ownership: { keys, accountId: ACCOUNT } }), { retry: FAST_RETRY }) };
    const first = await reconcileRegion(deps, { regionId: REGION, mode: 'enforce', runId: 'rotate' });
    expect(first.passes[0].plan.actions.map((a) => `${a.kind} ${'sessionId' in a ? a.sessionId : ''}`)).toEqual(['re-sign tms-a', 're-sign tms-b']);
    expect(first.passes[0].outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    expect(proofs(cloud)).toEqual({ 'tms-a': 'knew', 'tms-b': 'knew' });
    expect(
      cloud.controls.calls
        .list()
        .filter((c) => !/^(Describe|List)/.test(c.action))
        .map((c) => c.action),
    ).toEqual(['TagResources', 'TagResources']);
    const again = await reconcileRegion(deps, { regionId: REGION, mode: 'enforce', runId: 'rotate-2' });
    expect(again.passes[0].plan.actions).toEqual([]);
    // Once every session is re-signed the old key can go: they are still owned under the new one alone.
    const newOnly = { policy: webPolicy(), ...engineAdapters(cloudConfig(cloud, { ownership: { keys: parseOwnershipKeys(NEW_KEY), accountId: ACCOUNT } }), { retry: FAST_RETRY }) };
    const after = await reconcileRegion(newOnly, { regionId: REGION, mode: 'report', runId: 'rotate-3' });
    expect([after.passes[0].plan.actions, after.passes[0].snapshot.sessions.map((s) => s.ownership.verdict)]).toEqual([[], ['proven', 'proven']]);
  });
});

describe('without an ownership key', () => {
  it('the adapter creates no session it could not prove: refused before any call', async () => {
    cloud = await startLocalCloud({ world: regionWorld({ instances: 1 }) });
    const vpc = new VpcMirrorApi(cloudConfig(cloud, { ownership: { accountId: ACCOUNT } }));
    const draft = { sourceIds: [eniId(0)], target: { kind: 'SLB', id: 'lb-a' }, filterId: 'tmf-allipv4', priority: 1000, packetLength: 1500, enabled: true, tags: ownerTags('web') } as const;
    await expect(vpc.create(draft, 'token')).rejects.toMatchObject({ code: 'Automirror.OwnershipKeyMissing', retryable: false });
    expect(cloud.controls.calls.list()).toEqual([]);
  });

  it('on-event refuses to run, a terminal configuration error, and writes nothing', async () => {
    cloud = await startLocalCloud({ world: defaultWorld() });
    const r = (await invokeOnCloud(cloud, 'on-event', sampleEvent('ecs-instance-running.json'), { AUTOMIRROR_OWNERSHIP_KEYS: '' })) as { dropped?: string };
    expect(r.dropped).toMatch(/^Automirror\.OwnershipKeysMissing: AUTOMIRROR_OWNERSHIP_KEYS: not set/);
    expect(cloud.controls.calls.list()).toEqual([]);
  });

  it('the CLI still plans, every claim unverifiable and none acted on; apply refuses before any call', async () => {
    cloud = await startLocalCloud({ world: regionWorld({ instances: 1, sessions: [worldSession('tms-a', [eniId(0)], 1001, 'web', { trafficMirrorTargetId: 'lb-b' })] }) });
    vi.stubEnv('AUTOMIRROR_OWNERSHIP_KEYS', '');
    const policy = policyFile();
    const planned = await cli(plan.run, cloud, '--policy', policy, '--account-id', ACCOUNT);
    expect(planned.code).toBe(0);
    expect(planned.out).toContain('unproven claim, left alone: tms-a (unverifiable claim of rule web, 1 source(s) → SLB:lb-b): no ownership key is configured (AUTOMIRROR_OWNERSHIP_KEYS)');
    expect(planned.out).not.toMatch(/update tms-a|delete tms-a/);
    const writes = () => cloud?.controls.calls.list().filter((c) => !/^(Describe|List)/.test(c.action)) ?? [];
    await expect(cli(apply.run, cloud, '--policy', policy, '--account-id', ACCOUNT, '--auto-approve')).rejects.toMatchObject({ code: 'Automirror.OwnershipKeysMissing' });
    expect(writes()).toEqual([]);
  });
});

describe('automirror adopt --legacy', () => {
  it('shows which claimed sessions it would prove and why not the others, writes only with --yes, and the reconcile then owns them', async () => {
    const legacy = (id: string, eni: string, priority: number, over = {}) => worldSession(id, [eni], priority, null, { tags: ownerTags('web'), creationTime: LONG_AGO, ...over });
    cloud = await startLocalCloud({
      world: regionWorld({
        instances: 3,
        sessions: [
          legacy('tms-old', eniId(0), 1001),
          legacy('tms-elsewhere', eniId(1), 1002, { trafficMirrorTargetId: 'lb-b' }),
          legacy('tms-badproof', eniId(2), 1003, { tags: { ...ownerTags('web'), [PROOF_TAG]: 'v1.ktest.AAAA' } }),
        ],
      }),
    });
    const policy = policyFile();
    const shown = await cli(adoptCommand, cloud, '--legacy', '--policy', policy, '--account-id', ACCOUNT);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('prove    tms-old: matches rule web (SLB:lb-a, filter tmf-allipv4, priority 1001)');
    expect(shown.out).toContain("skip     tms-elsewhere: its target SLB:lb-b is not one of rule web's");
    expect(shown.out).toContain('skip     tms-badproof: it has a proof that does not verify');
    expect(shown.out).toContain('1 of 3 claimed session(s) would be proven');
    expect(shown.out).toContain('nothing written: run again with --yes');
    expect(proofs(cloud)).toEqual({ 'tms-old': null, 'tms-elsewhere': null, 'tms-badproof': 'ktest' });

    const done = await cli(adoptCommand, cloud, '--legacy', '--policy', policy, '--account-id', ACCOUNT, '--yes');
    expect(done.code).toBe(0);
    expect(done.out).toContain('proven   tms-old');
    expect(proofs(cloud)).toEqual({ 'tms-old': 'ktest', 'tms-elsewhere': null, 'tms-badproof': 'ktest' });
    await quiet(cloud);
    const { report } = await runRegion(cloud, 'report');
    expect((report.forgedClaims ?? []).map((c) => c.sessionId)).toEqual(['tms-badproof', 'tms-elsewhere']);
    expect(report.coverage.mirrored.find((m) => m.eniId === eniId(0))).toMatchObject({ sessionIds: ['tms-old'] });
  });

  it('skips a claim inside the proof grace or after --created-before, and one whose ENI the rule does not opt in', async () => {
    const claim = (id: string, eni: string, priority: number, creationTime: string) => worldSession(id, [eni], priority, null, { tags: ownerTags('web'), creationTime });
    cloud = await startLocalCloud({
      world: regionWorld({
        instances: 4,
        instance: (i) => (i === 3 ? { tags: { mirror: 'off-limits' } } : {}),
        sessions: [
          claim('tms-fresh', eniId(0), 1001, new Date().toISOString()),
          claim('tms-later', eniId(1), 1002, '2025-06-01T00:00:00Z'),
          claim('tms-old', eniId(2), 1003, LONG_AGO),
          claim('tms-notopted', eniId(3), 1004, LONG_AGO),
        ],
      }),
    });
    const policy = policyFile();
    const r = await cli(adoptCommand, cloud, '--legacy', '--policy', policy, '--account-id', ACCOUNT, '--created-before', '2025-03-01T00:00:00Z', '--yes');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/skip {5}tms-fresh: it is still inside the proof grace/);
    expect(r.out).toContain('skip     tms-later: it was created at 2025-06-01T00:00:00Z, not before 2025-03-01T00:00:00.000Z');
    expect(r.out).toContain(`skip     tms-notopted: its source ${eniId(3)} is not opted in`);
    expect(r.out).toContain('1 of 4 claimed session(s) would be proven');
    expect(proofs(cloud)).toEqual({ 'tms-fresh': null, 'tms-later': null, 'tms-old': 'ktest', 'tms-notopted': null });
    await expect(cli(adoptCommand, cloud, '--legacy', '--account-id', ACCOUNT, '--created-before', 'yesterday')).rejects.toThrow(/--created-before: "yesterday" is not an ISO 8601 time/);
  });

  it('refuses without a choice of sessions, and adopts nothing it can not prove for the account', async () => {
    cloud = await startLocalCloud({ world: regionWorld({ instances: 1 }) });
    await expect(cli(adoptCommand, cloud, '--account-id', ACCOUNT)).rejects.toThrow(/say which sessions: --session tms-… or --all-matching/);
    await expect(cli(adoptCommand, cloud, '--legacy')).rejects.toThrow(/--account-id/);
  });
});
