import * as $Ecs from '@alicloud/ecs20140526';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { startLocalCloud } from '../../localcloud/index.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { ACCOUNT, engineWorld, eniId, instanceId, REGION, sessionsIn } from '../engine/cloud.js';
import { ecsClient } from '../support/localcloud.js';
import { quiet, runRegion } from './support.js';

// Governed opt-outs on the scheduled path: nothing told the reconcile who tagged what, so it asks ActionTrail
// (LookupEvents) for the last write of the opt-out tag on each opted-out resource, and the policy decides.

const ALICE = { accessKeyId: 'LTAI-alice', accessKeySecret: 'alice-secret', principal: { type: 'ram-user' as const, userName: 'alice' } };
const MALLORY = { accessKeyId: 'LTAI-mallory', accessKeySecret: 'mallory-secret', principal: { type: 'ram-user' as const, userName: 'mallory' } };
const NETOPS = { accessKeyId: 'STS.netops', accessKeySecret: 'netops-secret', securityToken: 'tok', principal: { type: 'assumed-role' as const, userName: 'netops:bob' } };

const policy = (governance: string, rule = { name: 'web', match: '{ tag: mirror, equals: "on" }' }) =>
  parsePolicy(
    [
      'version: 1',
      'optOut:',
      '  tag: automirror',
      '  value: "off"',
      ...governance.split('\n').filter(Boolean),
      'rules:',
      `  - name: ${rule.name}`,
      `    match: ${rule.match}`,
      '    mirror: { target: { slb: lb-a }, filter: tmf-allipv4, priority: { min: 1000, max: 1999 } }',
    ].join('\n'),
    'test-policy',
  );

const GOVERNED = policy(`  allowedPrincipals: ["acs:ram::${ACCOUNT}:user/alice", "acs:ram::${ACCOUNT}:role/netops"]\n  protected: { instances: [${instanceId(3)}] }`);

let cloud: LocalCloud;
afterEach(() => cloud?.close());

/** Five instances tagged mirror=on; the third carries the opt-out tag from the world file (no record of who set it). */
async function optedOutWorld(): Promise<LocalCloud> {
  const world = engineWorld({ instances: 5, instance: (i) => (i === 2 ? { tags: { mirror: 'on', automirror: 'off' } } : {}) });
  world.accessKeys.push(ALICE, MALLORY, NETOPS);
  cloud = await startLocalCloud({ world });
  const optOut = (key: typeof ALICE | typeof NETOPS, i: number) =>
    ecsClient(cloud, key).tagResources(
      new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: [instanceId(i)], tag: [new $Ecs.TagResourcesRequestTag({ key: 'automirror', value: 'off' })] }),
    );
  await optOut(ALICE, 0);
  await optOut(MALLORY, 1);
  await optOut(ALICE, 3);
  await optOut(NETOPS, 4);
  return cloud;
}

const mirroredEnis = () => sessionsIn(cloud).flatMap((s) => s.trafficMirrorSourceIds);

const untag = (key: typeof ALICE, i: number, tagKey = 'mirror') =>
  ecsClient(cloud, key).untagResources(new $Ecs.UntagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: [instanceId(i)], tagKey: [tagKey] }));

describe('the reconcile under optOut.allowedPrincipals', () => {
  it('honours allowed opt-outs with who and when, and overrides the rest (not allowed, unknown, protected), reported', async () => {
    await optedOutWorld();
    const { report } = await runRegion(cloud, 'enforce', GOVERNED);
    await quiet(cloud);
    // Mallory's, the unknown one and the protected instance's stay mirrored; Alice's and the netops role's do not.
    expect(mirroredEnis().sort()).toEqual([eniId(1), eniId(2), eniId(3)]);

    expect(report.coverage.optedOut.map((o) => [o.eniId, o.principal, o.on, o.resourceId])).toEqual([
      [eniId(0), `acs:ram::${ACCOUNT}:user/alice`, 'instance', instanceId(0)],
      [eniId(4), `acs:ram::${ACCOUNT}:assumed-role/netops/bob`, 'instance', instanceId(4)],
    ]);
    for (const o of report.coverage.optedOut) expect(Date.parse(o.at ?? '')).toBeGreaterThan(Date.now() - 600_000);
    const overridden = Object.fromEntries(report.coverage.mirrored.flatMap((m) => (m.optOutOverridden ? [[m.eniId, m.optOutOverridden.reason]] : [])));
    expect(overridden).toEqual({
      [eniId(1)]: expect.stringMatching(new RegExp(`set by acs:ram::${ACCOUNT}:user/mallory at .*, overridden: acs:ram::${ACCOUNT}:user/mallory is not in optOut.allowedPrincipals$`)),
      [eniId(2)]: expect.stringContaining('overridden: who set it is unknown (no ActionTrail record of the tag write found)'),
      [eniId(3)]: expect.stringContaining(`overridden: ${instanceId(3)} is protected (optOut.protected.instances)`),
    });
    // An opt-out never reads as full coverage: 3 mirrored of 5 opted in.
    expect(report.totals).toMatchObject({ mirrored: 3, optedOut: 2, unmirrored: 0, overriddenOptOuts: 3, coveragePercent: 60 });
    const md = renderMarkdown(report);
    expect(md).toContain(
      `**Opted-in coverage 60.0% (3 of 5 ENIs a rule selects) · fleet coverage 60.0% (3 of 5 ENIs): 3 mirrored, 0 opted in but unmirrored, 2 opted out, 0 not in scope** · opted out by acs:ram::${ACCOUNT}:assumed-role/netops/bob 1, acs:ram::${ACCOUNT}:user/alice 1 · 3 opt-outs overridden`,
    );
    expect(md).toContain('### ⚠ Overridden opt-outs');
    // ActionTrail answered about each opted-out instance, by resource name (the protected one too: its writer is reported).
    const asked = cloud.controls.calls.list({ action: 'LookupEvents' }).filter((c) => c.code === 'OK');
    expect([...new Set(asked.map((c) => c.params['LookupAttribute.1.Value']))].sort()).toEqual([0, 1, 2, 3, 4].map(instanceId));
  });

  it('without allowedPrincipals honours every opt-out, and still says who set each one', async () => {
    await optedOutWorld();
    const { report } = await runRegion(cloud, 'enforce', policy(''));
    await quiet(cloud);
    expect(mirroredEnis()).toEqual([]);
    expect(report.coverage.optedOut.map((o) => [o.eniId, o.principal ?? 'principal unknown'])).toEqual([
      [eniId(0), `acs:ram::${ACCOUNT}:user/alice`],
      [eniId(1), `acs:ram::${ACCOUNT}:user/mallory`],
      [eniId(2), 'principal unknown'],
      [eniId(3), `acs:ram::${ACCOUNT}:user/alice`],
      [eniId(4), `acs:ram::${ACCOUNT}:assumed-role/netops/bob`],
    ]);
    expect(report.totals).toMatchObject({ mirrored: 0, optedOut: 5, coveragePercent: 0 });
  });
});

describe('the reconcile when the opt-in tag is removed', () => {
  /** Four instances tagged mirror=on, mirrored by a first run before anyone removes the tag. */
  async function mirroredWorld(): Promise<LocalCloud> {
    const world = engineWorld({ instances: 4 });
    world.accessKeys.push(ALICE, MALLORY);
    cloud = await startLocalCloud({ world });
    await runRegion(cloud, 'enforce', GOVERNED);
    await quiet(cloud);
    expect(mirroredEnis()).toHaveLength(4);
    return cloud;
  }

  it('asks ActionTrail who removed it: outside the allow-list or protected stays mirrored and reported, an allowed removal is honoured and listed', async () => {
    await mirroredWorld();
    await untag(ALICE, 0);
    await untag(MALLORY, 1);
    await untag(ALICE, 3);
    const { report } = await runRegion(cloud, 'enforce', GOVERNED);
    await quiet(cloud);
    // Alice's removal is honoured; Mallory's is not hers to make; instance 3 is protected.
    expect(mirroredEnis().sort()).toEqual([eniId(1), eniId(2), eniId(3)]);
    expect(report.coverage.optedOut.map((o) => [o.eniId, o.principal, o.via, o.rule])).toEqual([[eniId(0), `acs:ram::${ACCOUNT}:user/alice`, 'opt-in tag removed', 'web']]);
    const overridden = Object.fromEntries(report.coverage.mirrored.flatMap((m) => (m.optOutOverridden ? [[m.eniId, [m.optOutOverridden.via, m.optOutOverridden.reason]]] : [])));
    expect(overridden).toEqual({
      [eniId(1)]: [
        'opt-in tag removed',
        expect.stringMatching(
          new RegExp(
            `^opt-in tag removed: rule web no longer selects it \\(mirror removed on the instance, by UntagResources of acs:ram::${ACCOUNT}:user/mallory at .*\\), overridden: acs:ram::${ACCOUNT}:user/mallory is not in optOut.allowedPrincipals$`,
          ),
        ),
      ],
      [eniId(3)]: ['opt-in tag removed', expect.stringContaining(`overridden: ${instanceId(3)} is protected (optOut.protected.instances)`)],
    });
    expect(report.totals).toMatchObject({ mirrored: 3, optedOut: 1, overriddenOptOuts: 2 });
    expect(renderMarkdown(report)).toContain('### ⚠ Overridden opt-outs');
  });

  it('follows a policy edit that removes or narrows the rule: no tag write, so no opt-out, and the sessions go', async () => {
    await mirroredWorld();
    const narrowed = policy(`  allowedPrincipals: ["acs:ram::${ACCOUNT}:user/alice"]`, { name: 'web', match: '{ all: [{ tag: mirror, equals: "on" }, { tag: env, equals: prod }] }' });
    const { report } = await runRegion(cloud, 'enforce', narrowed);
    await quiet(cloud);
    expect(mirroredEnis()).toEqual([]);
    expect(report.totals).toMatchObject({ mirrored: 0, optedOut: 0, overriddenOptOuts: 0 });
  });

  it('and one that removes it, even after someone outside the allow-list removed the tag', async () => {
    await mirroredWorld();
    await untag(MALLORY, 1);
    const removed = policy(`  allowedPrincipals: ["acs:ram::${ACCOUNT}:user/alice"]`, { name: 'db', match: '{ tag: role, equals: db }' });
    const { report } = await runRegion(cloud, 'enforce', removed);
    await quiet(cloud);
    expect(mirroredEnis()).toEqual([]);
    expect(report.totals).toMatchObject({ overriddenOptOuts: 0 });
  });
});
