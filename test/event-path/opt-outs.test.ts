import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as $Ecs from '@alicloud/ecs20140526';
import { afterAll, describe, expect, it } from 'vitest';
import type { EnsureSummary } from '../../shared/engine/summary.js';
import { ACCOUNT } from '../engine/cloud.js';
import { defaultWorld, ecsClient, ecsOps, eventPathForFile, eventPathWorld, logLines, REGION, runsNaming, settledRuns, settledSessionsOn, tags } from './support.js';

// Governed opt-outs on the event path: the ActionTrail record of TagResources says who set the opt-out tag, and
// on-event's one engine decides: an allowed principal's opt-out is honoured and listed with who and when, anyone
// else's is overridden (the ENIs stay mirrored) and logged at warn, and a protected instance never opts out.

const ALICE = { accessKeyId: 'LTAI-alice', accessKeySecret: 'alice-secret', principal: { type: 'ram-user' as const, userName: 'alice' } };
const MALLORY = { accessKeyId: 'LTAI-mallory', accessKeySecret: 'mallory-secret', principal: { type: 'ram-user' as const, userName: 'mallory' } };

const dir = mkdtempSync(join(tmpdir(), 'automirror-opt-outs-'));
const policyFile = join(dir, 'policy.yaml');
writeFileSync(
  policyFile,
  [
    'version: 1',
    'optOut:',
    '  tag: automirror',
    '  value: "off"',
    `  allowedPrincipals: ["acs:ram::${ACCOUNT}:user/alice"]`,
    '  protected: { match: { tag: tier, equals: critical } }',
    'rules:',
    '  - name: mirror-tagged',
    '    match: { tag: mirror, equals: "on" }',
    '    mirror: { target: { slb: lb-collector01 }, filter: tmf-allipv4, priority: { min: 1000, max: 1999 } }',
  ].join('\n'),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const world = defaultWorld();
world.accessKeys.push(ALICE, MALLORY);
const path = eventPathForFile({ world: eventPathWorld({}, world), policyFile, secondMs: 20 });

const optOut = (key: typeof ALICE, instanceId: string) =>
  ecsClient(path.cloud, key).tagResources(
    new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: [instanceId], tag: tags({ automirror: 'off' }).map((t) => new $Ecs.TagResourcesRequestTag(t)) }),
  );

const untag = (key: typeof ALICE, resourceType: 'instance' | 'eni', resourceId: string) =>
  ecsClient(path.cloud, key).untagResources(new $Ecs.UntagResourcesRequest({ regionId: REGION, resourceType, resourceId: [resourceId], tagKey: ['mirror'] }));

/**
 * `key` removes mirror=on from the ENI (the launch tagged it too; the instance's tag still selects it), then from the
 * instance: the run that handled the second removal.
 */
async function removeOptIn(key: typeof ALICE, launched: { instanceId: string; eniIds: string[] }) {
  const first = path.cloud.fc.invocations.length;
  await untag(key, 'eni', launched.eniIds[0]);
  await settledRuns(path.cloud, first);
  const since = path.cloud.fc.invocations.length;
  await untag(key, 'instance', launched.instanceId);
  return runOf(key, since);
}

/** The on-event run that handled `key`'s tag write, once settled: its summary and its log lines. */
async function runOf(key: typeof ALICE, since: number) {
  await settledRuns(path.cloud, since);
  const [run] = runsNaming(path.cloud, key.accessKeyId, since);
  const summary = (JSON.parse(run.response) as { results: EnsureSummary[] }).results[0];
  return { summary, logs: logLines(path.cloud, run.requestId) };
}

describe('opt-outs on the event path', () => {
  it('overrides one by a principal outside the allow-list, and honours an allowed one with who and when', async () => {
    const cloud = path.cloud;
    const { instanceId, eniIds: enis } = await ecsOps(cloud).launch({ mirror: 'on' }, true);
    await settledSessionsOn(cloud, enis, (s) => s.length === 2, 'both ENIs mirrored');

    const before = cloud.fc.invocations.length;
    await optOut(MALLORY, instanceId);
    const mallory = await runOf(MALLORY, before);
    expect(mallory.summary.overriddenOptOuts.map((o) => [o.eniId, o.by])).toEqual(enis.sort().map((e) => [e, `acs:ram::${ACCOUNT}:user/mallory`]));
    expect(mallory.summary.optedOut).toEqual([]);
    expect(mallory.logs.filter((l) => l.msg === 'opt-out overridden').map((l) => [l.level, l.eniId])).toEqual(enis.map((e) => ['warn', e]));
    expect(await settledSessionsOn(cloud, enis, (s) => s.length === 2, 'still mirrored')).toHaveLength(2);

    const next = cloud.fc.invocations.length;
    await optOut(ALICE, instanceId);
    const alice = await runOf(ALICE, next);
    expect(alice.summary.optedOut.map((o) => [o.eniId, o.by, o.rule])).toEqual(enis.map((e) => [e, `acs:ram::${ACCOUNT}:user/alice`, 'mirror-tagged']));
    for (const o of alice.summary.optedOut) expect(Date.parse(o.at ?? '')).toBeGreaterThan(Date.now() - 600_000);
    await settledSessionsOn(cloud, enis, (s) => s.length === 0, 'sessions gone after the allowed opt-out');
  });

  it('never lets a protected instance opt out, whoever tags it', async () => {
    const cloud = path.cloud;
    const { instanceId, eniIds: enis } = await ecsOps(cloud).launch({ mirror: 'on', tier: 'critical' });
    await settledSessionsOn(cloud, enis, (s) => s.length === 1, 'mirrored');
    const before = cloud.fc.invocations.length;
    await optOut(ALICE, instanceId);
    const run = await runOf(ALICE, before);
    expect(run.summary.overriddenOptOuts.map((o) => o.reason)).toEqual([expect.stringContaining('overridden: its tags match optOut.protected.match')]);
    expect(await settledSessionsOn(cloud, enis, (s) => s.length === 1, 'still mirrored')).toHaveLength(1);
  });

  it('governs removing the opt-in tag the same way: outside the allow-list or protected it stays mirrored, an allowed removal is honoured', async () => {
    const cloud = path.cloud;
    const ops = ecsOps(cloud);
    const [kept, left, guarded] = [await ops.launch({ mirror: 'on' }), await ops.launch({ mirror: 'on' }), await ops.launch({ mirror: 'on', tier: 'critical' })];
    for (const l of [kept, left, guarded]) await settledSessionsOn(cloud, l.eniIds, (s) => s.length === 1, 'mirrored');

    const mallory = await removeOptIn(MALLORY, kept);
    expect(mallory.summary.overriddenOptOuts.map((o) => [o.eniId, o.by, o.via])).toEqual([[kept.eniIds[0], `acs:ram::${ACCOUNT}:user/mallory`, 'opt-in tag removed']]);
    expect(mallory.summary.overriddenOptOuts[0].reason).toMatch(
      /^opt-in tag removed: rule mirror-tagged no longer selects it \(mirror removed on the (ENI|instance), by UntagResources of .*, overridden: .* is not in optOut\.allowedPrincipals$/,
    );
    expect(mallory.logs.filter((l) => l.msg === 'opt-out overridden').map((l) => [l.level, l.eniId])).toEqual([['warn', kept.eniIds[0]]]);
    expect(await settledSessionsOn(cloud, kept.eniIds, (s) => s.length === 1, 'still mirrored')).toHaveLength(1);

    const protectedRun = await removeOptIn(ALICE, guarded);
    expect(protectedRun.summary.overriddenOptOuts.map((o) => o.reason)).toEqual([expect.stringContaining('overridden: its tags match optOut.protected.match')]);
    expect(await settledSessionsOn(cloud, guarded.eniIds, (s) => s.length === 1, 'still mirrored')).toHaveLength(1);

    const alice = await removeOptIn(ALICE, left);
    expect(alice.summary.optedOut.map((o) => [o.eniId, o.by, o.rule, o.via])).toEqual([[left.eniIds[0], `acs:ram::${ACCOUNT}:user/alice`, 'mirror-tagged', 'opt-in tag removed']]);
    await settledSessionsOn(cloud, left.eniIds, (s) => s.length === 0, 'session gone after the allowed removal');
  });
});
