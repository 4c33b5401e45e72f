import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { apply } from '../../shared/engine/apply.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { reconcileRegion } from '../../shared/engine/reconcile-region.js';
import { verifyActions } from '../../shared/engine/verify.js';
import { ACCOUNT, cloudConfig, eniId, FAST_RETRY, REGION, sessionsIn, webPolicy, worldSession } from '../engine/cloud.js';
import { POLICY } from '../reconcile/app.js';
import { regionWorld } from '../reconcile/support.js';
import { automirror } from '../support/cli.js';
import { DEMO_KEY, vpcClient } from '../support/localcloud.js';

/**
 * `automirror plan --verify`: each planned create and update sent once with DryRun=true through the SDK to localcloud,
 * which runs every check of the real call before answering DryRunOperation, so the cloud's refusals show before
 * any write.
 */

const ENV = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret };
let cloud: LocalCloud;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'automirror-verify-'));
});
afterEach(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(world: WorldFile, policy: string) {
  cloud = await startLocalCloud({ world });
  writeFileSync(join(dir, 'policy.yaml'), policy);
}
const plan = (...args: string[]) =>
  automirror(['plan', '--region', REGION, '--verify', '--no-color', ...args, '--endpoint', cloud.endpoint, '--account-id', ACCOUNT, '--policy', join(dir, 'policy.yaml')], { env: ENV, cwd: dir });
/** Calls that could have changed something: every write that was not a dry run. */
const realWrites = () => cloud.controls.calls.list().filter((c) => !/^(Describe|List|Get)/.test(c.action) && c.params.DryRun !== 'true');

/** eni 0's session disabled (an update), ENIs 1 and 2 unmirrored (creates), instance 3 opted out of its session (a delete). */
const driftWorld = () =>
  regionWorld({
    instances: 4,
    sessions: [worldSession('tms-w0', [eniId(0)], 1000, 'web', { enabled: false }), worldSession('tms-w3', [eniId(3)], 1003)],
    instance: (i) => (i === 3 ? { tags: { mirror: 'off' } } : {}),
  });

describe('automirror plan --verify', () => {
  it("shows the cloud's verdict under each change, sends only dry runs, and exits 0 when every one would succeed", async () => {
    await start(driftWorld(), POLICY);
    const before = JSON.stringify(sessionsIn(cloud));
    const r = await plan();
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.split('\n');
    const under = (what: RegExp) => lines[lines.findIndex((l) => what.test(l)) + 1]?.trim();
    expect(under(/\+ create session for eni-/)).toBe('cloud: would succeed (DryRunOperation)');
    expect(under(/~ update tms-w0/)).toBe('cloud: would succeed (DryRunOperation)');
    expect(under(/- delete tms-w3/)).toBe('cloud: not checked: a delete is not pre-checked');
    expect(r.stdout).toContain('Verify: 3 would succeed, 0 refused by the cloud, 1 not checked (DryRun)');
    const dry = cloud.controls.calls.list().filter((c) => c.code === 'DryRunOperation');
    expect(dry.map((c) => c.action).sort()).toEqual(['CreateTrafficMirrorSession', 'CreateTrafficMirrorSession', 'UpdateTrafficMirrorSessionAttribute']);
    expect(dry.every((c) => c.params.DryRun === 'true' && c.params.ClientToken)).toBe(true);
    expect(realWrites()).toEqual([]);
    expect(JSON.stringify(sessionsIn(cloud))).toBe(before);
  });

  it("a quota the cloud enforces below the policy's: refused with the cloud's code before any write, exit 1; --out keeps the verdicts and the run id", async () => {
    // The policy says the account's sources-per-session quota was raised to 20; the cloud still has the default 10.
    const pooled = `${POLICY}\n      layout: { pooled: 20 }\nquotas: { sourcesPerSession: 20 }\n`;
    await start(regionWorld({ instances: 12 }), pooled);
    const file = join(dir, 'plan.json');
    const r = await plan('--out', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\+ create session for eni-.*\n\s+cloud: refused QuotaExceeded\.SourcesPerSession: .*A session accepts at most 10 sources\./);
    expect(r.stdout).toContain('Verify: 0 would succeed, 1 refused by the cloud, 0 not checked (DryRun)');
    expect(realWrites()).toEqual([]);
    expect(sessionsIn(cloud)).toEqual([]);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.runId).toMatch(/^cli-/);
    expect(Object.values(saved.regions[0].verdicts)).toEqual([expect.objectContaining({ verdict: 'refused', code: 'QuotaExceeded.SourcesPerSession', retryable: false })]);
  });
});

describe('verifyActions', () => {
  it('a priority taken since the plan was made is the cloud’s refusal; the real call then reuses the dry run’s ClientToken', async () => {
    cloud = await startLocalCloud({ world: regionWorld({ instances: 2 }) });
    const deps = { policy: webPolicy(), ...engineAdapters(cloudConfig(cloud), { retry: FAST_RETRY }) };
    const planned = await reconcileRegion(deps, { regionId: REGION, mode: 'report', runId: 'verify-run' });
    const actions = planned.passes[0].plan.actions;
    expect(actions.map((a) => a.kind)).toEqual(['create', 'create']);
    const taken = actions[0].kind === 'create' ? actions[0].draft.priority : 0;
    // Someone else creates a session at the first create's priority after the plan was read.
    await vpcClient(cloud).createTrafficMirrorSession(
      new $Vpc.CreateTrafficMirrorSessionRequest({
        regionId: REGION,
        priority: taken,
        trafficMirrorFilterId: 'tmf-allipv4',
        trafficMirrorSourceIds: [eniId(1)],
        trafficMirrorTargetId: 'lb-a',
        trafficMirrorTargetType: 'SLB',
      }),
    );
    const verdicts = await verifyActions(actions, deps.vpc, 'verify-run');
    expect(verdicts[0]).toMatchObject({ verdict: 'refused', code: 'InvalidPriority.Conflict' });
    expect(verdicts[0].verdict === 'refused' && verdicts[0].message).toContain(`Priority ${taken} is already used`);
    expect(verdicts[1]).toEqual({ verdict: 'would-succeed' });
    const dryToken = cloud.controls.calls.list().filter((c) => c.code === 'DryRunOperation')[0].params.ClientToken;
    await apply([actions[1]], deps.vpc, { runId: 'verify-run' });
    const real = cloud.controls.calls.list().filter((c) => c.action === 'CreateTrafficMirrorSession' && c.code === 'OK' && c.params.ClientToken === dryToken);
    expect(real).toHaveLength(1);
  });
});
