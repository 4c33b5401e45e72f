import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { eniId, instanceId, REGION, sessionsIn, type WorldSpec, webPolicy, worldSession } from '../engine/cloud.js';
import { ecsClient, vpcClient } from '../support/localcloud.js';
import { layout, quiet, regionWorld, runRegion, writes } from './support.js';

/**
 * The drift scenarios of issue 7, each made through the official SDKs (as a person or another tool would), then
 * reconciled region-wide in report mode (proposes, writes nothing) and in enforce mode (converges).
 */

let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

/** Three opted-in instances, each ENI mirrored by its own owned session on lb-a. */
const MIRRORED: WorldSpec = { instances: 3, sessions: [0, 1, 2].map((i) => worldSession(`tms-w${i}`, [eniId(i)], 1000 + i)) };

async function start(w: WorldSpec = MIRRORED): Promise<LocalCloud> {
  cloud = await startLocalCloud({ world: regionWorld(w) });
  return cloud;
}

const vpc = (c: LocalCloud) => vpcClient(c);
const itemsOf = (r: Awaited<ReturnType<typeof runRegion>>) => r.report.items.map((i) => `${i.kind} ${i.id} ${i.action.kind} ${i.action.status}`);

describe('a session deleted by hand', () => {
  const deleteByHand = async (c: LocalCloud) => {
    await vpc(c).deleteTrafficMirrorSession(new $Vpc.DeleteTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: 'tms-w1' }));
    await quiet(c);
  };

  it('is reported as a create for its ENI in report mode, and nothing is written', async () => {
    const c = await start();
    await deleteByHand(c);
    c.controls.calls.clear();
    const { report } = await runRegion(c, 'report');
    expect(itemsOf({ report } as never)).toEqual([`eni ${eniId(1)} create proposed`]);
    expect(report.items[0].fields).toEqual([{ field: 'session', wanted: 'rule web → SLB:lb-a', actual: null }]);
    expect(report.coverage.unmirrored).toMatchObject([{ eniId: eniId(1), rule: 'web', reason: expect.stringMatching(/^create proposed: rule web opts/) }]);
    expect(report.totals).toMatchObject({ mirrored: 2, unmirrored: 1, coveragePercent: 66.6 });
    expect(writes(c)).toEqual([]);
  });

  it('is re-created in enforce mode, owned and tagged, and a second run finds nothing to do', async () => {
    const c = await start();
    await deleteByHand(c);
    const { report } = await runRegion(c, 'enforce');
    expect(report.items.map((i) => [i.id, i.action.status, i.related?.length])).toEqual([[eniId(1), 'applied', 1]]);
    expect(report.totals).toMatchObject({ mirrored: 3, unmirrored: 0, coveragePercent: 100 });
    expect(layout(c)).toEqual([eniId(0), eniId(1), eniId(2)].map((e) => `${e} → lb-a (web)`));
    const again = await runRegion(c, 'enforce', webPolicy(), { runId: 'second' });
    expect(again.report.items).toEqual([]);
  });
});

describe('a filter changed by hand', () => {
  const changeFilter = async (c: LocalCloud) => {
    await vpc(c).updateTrafficMirrorSessionAttribute(new $Vpc.UpdateTrafficMirrorSessionAttributeRequest({ regionId: REGION, trafficMirrorSessionId: 'tms-w2', trafficMirrorFilterId: 'tmf-other' }));
    await quiet(c);
  };

  it('is reported field by field, wanted and actual', async () => {
    const c = await start();
    await changeFilter(c);
    const { report } = await runRegion(c, 'report');
    expect(report.items).toMatchObject([
      { kind: 'session', id: 'tms-w2', rule: 'web', related: [eniId(2)], fields: [{ field: 'filterId', wanted: 'tmf-allipv4', actual: 'tmf-other' }], action: { kind: 'update', status: 'proposed' } },
    ]);
    expect(report.coverage.unmirrored.map((u) => u.eniId)).toEqual([eniId(2)]);
  });

  it('is put back in place by enforce mode, without re-creating the session', async () => {
    const c = await start();
    await changeFilter(c);
    c.controls.calls.clear();
    await runRegion(c, 'enforce');
    expect(writes(c)).toEqual(['UpdateTrafficMirrorSessionAttribute OK']);
    expect(sessionsIn(c).find((s) => s.trafficMirrorSessionId === 'tms-w2')?.trafficMirrorFilterId).toBe('tmf-allipv4');
  });
});

describe('a session edited by hand in every attribute the rule fixes', () => {
  const policy = webPolicy('vni: 7\npacketLength: 1500');
  const edited = { trafficMirrorTargetId: 'lb-b', virtualNetworkId: 99, packetLength: 128, enabled: false };

  it('is reported with each differing field, and repaired in place by one update, priority back inside the band', async () => {
    const c = await start({ instances: 1, sessions: [worldSession('tms-w0', [eniId(0)], 5, 'web', edited)] });
    const { report } = await runRegion(c, 'report', policy);
    expect(report.items).toHaveLength(1);
    expect(report.items[0].fields.map((f) => [f.field, f.wanted, f.actual])).toEqual([
      ['vni', 7, 99],
      ['enabled', true, false],
      ['packetLength', 1500, 128],
      ['target', 'SLB:lb-a', 'SLB:lb-b'],
      ['priority', expect.any(Number), 5],
    ]);
    const wanted = report.items[0].fields[4].wanted as number;
    expect(wanted).toBeGreaterThanOrEqual(1000);
    expect(wanted).toBeLessThanOrEqual(1999);
    c.controls.calls.clear();
    await runRegion(c, 'enforce', policy);
    expect(writes(c)).toEqual(['UpdateTrafficMirrorSessionAttribute OK']);
    expect(sessionsIn(c)[0]).toMatchObject({ trafficMirrorSessionId: 'tms-w0', trafficMirrorTargetId: 'lb-a', virtualNetworkId: 7, packetLength: 1500, enabled: true, priority: wanted });
  });
});

describe('the opt-in tag removed from an instance', () => {
  const untag = (c: LocalCloud) => ecsClient(c).untagResources(new $Ecs.UntagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: [instanceId(0)], tagKey: ['mirror'] }));

  it('makes its ENI excluded, with the policy saying why, and its session proposed for deletion', async () => {
    const c = await start();
    await untag(c);
    const { report } = await runRegion(c, 'report');
    expect(report.coverage.excluded).toMatchObject([{ eniId: eniId(0), instanceId: instanceId(0), reason: expect.stringContaining('needs mirror') }]);
    expect(report.items).toMatchObject([
      {
        kind: 'session',
        id: 'tms-w0',
        fields: [{ field: 'sourceIds', wanted: [], actual: [eniId(0)] }],
        action: { kind: 'delete', status: 'proposed', reason: expect.stringContaining('no longer opted in') },
      },
    ]);
  });

  it('deletes the session in enforce mode', async () => {
    const c = await start();
    await untag(c);
    await runRegion(c, 'enforce');
    await quiet(c);
    expect(layout(c)).toEqual([`${eniId(1)} → lb-a (web)`, `${eniId(2)} → lb-a (web)`]);
  });

  it('takes only that ENI out of a pooled session, which keeps mirroring the others', async () => {
    const c = await start({ instances: 3, sessions: [worldSession('tms-pool', [eniId(0), eniId(1), eniId(2)], 1000)] });
    await untag(c);
    const policy = webPolicy('layout: { pooled: 10 }');
    const { report } = await runRegion(c, 'report', policy);
    expect(report.items).toMatchObject([
      { kind: 'eni', id: eniId(0), related: ['tms-pool'], fields: [{ field: 'session', wanted: null, actual: 'tms-pool' }], action: { kind: 'remove-source', status: 'proposed' } },
    ]);
    await runRegion(c, 'enforce', policy);
    await quiet(c);
    expect(layout(c)).toEqual([`${eniId(1)},${eniId(2)} → lb-a (web)`]);
  });
});

describe('an instance deleted', () => {
  const release = (c: LocalCloud) => ecsClient(c).deleteInstance(new $Ecs.DeleteInstanceRequest({ regionId: REGION, instanceId: instanceId(2), force: true }));

  it("reports its ENI's session for deletion: the ENI no longer exists", async () => {
    const c = await start();
    await release(c);
    const { report } = await runRegion(c, 'report');
    expect(report.items).toMatchObject([{ id: 'tms-w2', action: { kind: 'delete', status: 'proposed', reason: expect.stringContaining(`${eniId(2)} (the ENI no longer exists)`) } }]);
    expect(report.totals.enis).toBe(2);
  });

  it('deletes that session in enforce mode, whether the cloud keeps the dangling source or drops it', async () => {
    for (const deletedSourceEni of ['dangling', 'remove'] as const) {
      const c = await start({ ...MIRRORED, options: { deletedSourceEni } });
      await release(c);
      const { report } = await runRegion(c, 'enforce');
      await quiet(c);
      expect(
        report.items.map((i) => `${i.id} ${i.action.kind} ${i.action.status}`),
        deletedSourceEni,
      ).toEqual(['tms-w2 delete applied']);
      expect(layout(c)).toEqual([`${eniId(0)} → lb-a (web)`, `${eniId(1)} → lb-a (web)`]);
      await c.close();
      cloud = undefined;
    }
  });
});

describe("sessions automirror does not own holding an opted-in ENI's 3 slots", () => {
  const theirs = [1, 2, 3].map((k) => worldSession(`tms-theirs${k}`, [eniId(0)], k, null));

  it('are reported as conflicts, the ENI as unmirrored with the sessions in the way, in both modes, and never touched', async () => {
    const c = await start({ instances: 2, sessions: [...theirs, worldSession('tms-w1', [eniId(1)], 1001)] });
    for (const mode of ['report', 'enforce'] as const) {
      const { report } = await runRegion(c, mode);
      expect(report.coverage.unmirrored).toMatchObject([{ eniId: eniId(0), rule: 'web', reason: expect.stringContaining('already a source of 3 sessions') }]);
      expect(itemsOf({ report } as never)).toEqual([`eni ${eniId(0)} none skipped`, 'session tms-theirs1 none skipped', 'session tms-theirs2 none skipped', 'session tms-theirs3 none skipped']);
      expect(report.items[1].action.reason).toMatch(/^not automirror's, left alone: holds one of the 3 session slots of eni-t0000p/);
      expect(report.items[0].related).toEqual(['tms-theirs1', 'tms-theirs2', 'tms-theirs3']);
    }
    expect(writes(c)).toEqual([]);
  });

  it('are reported when they take precedence over the ENI’s own session', async () => {
    const c = await start({ instances: 1, sessions: [worldSession('tms-theirs', [eniId(0)], 5, null, { trafficMirrorTargetId: 'lb-b' }), worldSession('tms-w0', [eniId(0)], 1000)] });
    const { report } = await runRegion(c, 'report');
    expect(report.items).toMatchObject([
      {
        kind: 'session',
        id: 'tms-theirs',
        related: [eniId(0)],
        action: { kind: 'none', status: 'skipped', reason: expect.stringContaining('(priority 5 before 1000 of tms-w0): what its filter matches goes to SLB:lb-b, not to SLB:lb-a') },
      },
    ]);
  });
});

describe('a target load balancer gone', () => {
  it('leaves the ENIs of a rule with no live target unmirrored and says why, writing nothing in either mode', async () => {
    const c = await start({ instances: 2 });
    const policy = webPolicy('target: { slb: lb-released }');
    for (const mode of ['report', 'enforce'] as const) {
      const { report } = await runRegion(c, mode, policy);
      expect(report.coverage.unmirrored.map((u) => u.reason)).toEqual(
        [0, 1].map(() => "rule web's target SLB:lb-released no longer exists in the region: nothing is mirrored until the policy names a live one"),
      );
      expect(report.items.map((i) => [i.id, i.fields, i.action.status])).toEqual([0, 1].map((i) => [eniId(i), [{ field: 'target', wanted: 'SLB:lb-released', actual: null }], 'skipped']));
    }
    expect(writes(c)).toEqual([]);
  });

  it('moves sessions off a released pool member onto the live one (enforce), and proposes it (report)', async () => {
    const c = await start({ instances: 2, sessions: [0, 1].map((i) => worldSession(`tms-w${i}`, [eniId(i)], 1000 + i, 'web', { trafficMirrorTargetId: 'lb-b' })) });
    c.state.region(REGION).loadBalancers.delete('lb-b'); // released out of band (localcloud has no DeleteLoadBalancer)
    const policy = webPolicy('pool: [{ slb: lb-b }, { slb: lb-a }]');
    const proposed = await runRegion(c, 'report', policy);
    expect(proposed.report.items.map((i) => [i.id, i.fields, i.action.status])).toEqual([0, 1].map((i) => [`tms-w${i}`, [{ field: 'target', wanted: 'SLB:lb-a', actual: 'SLB:lb-b' }], 'proposed']));
    await runRegion(c, 'enforce', policy);
    expect(layout(c)).toEqual([`${eniId(0)} → lb-a (web)`, `${eniId(1)} → lb-a (web)`]);
  });
});
