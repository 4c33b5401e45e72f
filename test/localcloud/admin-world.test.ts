import { readFileSync, writeFileSync } from 'node:fs';
import * as $Ecs from '@alicloud/ecs20140526';
import Vpc, * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWorld, readWorldFile, WorldError } from '../../localcloud/world/load.js';
import { worldSchemaFileText } from '../../localcloud/world/schema-file.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { closeTestClouds, createdSession, createSession, expectCode, getSession, listSessions, REGION, startTestCloud, testWorld, waitFor } from '../support/conformance.js';
import { defaultWorld, popConfig } from '../support/localcloud.js';

afterEach(closeTestClouds);

const admin = async (endpoint: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(`http://${endpoint}/__admin/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};

describe('call log (operation, parameters, outcome, time)', () => {
  it('records every POP call, including refused, throttled and faulted ones', async () => {
    const { cloud, vpc } = await startTestCloud(testWorld({ faults: [{ operation: 'GetTrafficMirrorServiceStatus', code: 'SystemBusy', status: 503 }] }));
    await createSession(vpc, { priority: 3 });
    await expectCode(createSession(vpc, { priority: 3 }), 'InvalidPriority.Conflict');
    await expectCode(vpc.getTrafficMirrorServiceStatus(new $Vpc.GetTrafficMirrorServiceStatusRequest({ regionId: REGION })), 'SystemBusy');
    const calls = cloud.controls.calls.list();
    expect(calls.map((c) => [c.product, c.action, c.code, c.status])).toEqual([
      ['Vpc', 'CreateTrafficMirrorSession', 'OK', 200],
      ['Vpc', 'CreateTrafficMirrorSession', 'InvalidPriority.Conflict', 400],
      ['Vpc', 'GetTrafficMirrorServiceStatus', 'SystemBusy', 503],
    ]);
    expect(calls[0].params).toMatchObject({ RegionId: REGION, Priority: '3', 'TrafficMirrorSourceIds.1': 'eni-web01s' });
    expect(calls[0].accessKeyId).toBe('LTAI-localcloud-demo');
    expect(Date.parse(calls[0].time)).not.toBeNaN();
    expect(calls.map((c) => c.seq)).toEqual([1, 2, 3]);
  });

  it('is readable and clearable over /__admin/calls, filtered by action and since', async () => {
    const { cloud, vpc } = await startTestCloud();
    await listSessions(vpc);
    await createSession(vpc);
    const all = await admin(cloud.endpoint, 'GET', 'calls');
    expect(all.body.calls).toHaveLength(2);
    const creates = await admin(cloud.endpoint, 'GET', 'calls?action=CreateTrafficMirrorSession');
    expect(creates.body.calls.map((c: { action: string }) => c.action)).toEqual(['CreateTrafficMirrorSession']);
    expect((await admin(cloud.endpoint, 'GET', 'calls?since=1')).body.calls).toHaveLength(1);
    expect((await admin(cloud.endpoint, 'DELETE', 'calls')).body).toEqual({ cleared: 2 });
    expect((await admin(cloud.endpoint, 'GET', 'calls')).body.calls).toEqual([]);
  });
});

describe('admin endpoint /__admin/ (unauthenticated, 127.0.0.1 only)', () => {
  it('PUT /__admin/faults changes faults at run time; GET reads them back', async () => {
    const { cloud, vpc } = await startTestCloud();
    const put = await admin(cloud.endpoint, 'PUT', 'faults', [{ operation: 'ListTrafficMirrorSessions', code: 'ServiceUnavailable', status: 503, count: 1 }]);
    expect(put.status).toBe(200);
    expect((await admin(cloud.endpoint, 'GET', 'faults')).body.faults).toEqual([expect.objectContaining({ operation: 'ListTrafficMirrorSessions', count: 1 })]);
    await expectCode(listSessions(vpc), 'ServiceUnavailable', 503);
    expect((await listSessions(vpc)).totalCount).toBe('0');
  });

  it('PUT /__admin/rate-limits changes limits at run time', async () => {
    const { cloud } = await startTestCloud();
    const vpc = new Vpc(popConfig(cloud)); // no retry on throttling: the answer itself is checked
    await admin(cloud.endpoint, 'PUT', 'rate-limits', { ListTrafficMirrorSessions: { perMinute: 1, burst: 1 } });
    expect((await admin(cloud.endpoint, 'GET', 'rate-limits')).body.rateLimits).toMatchObject({ ListTrafficMirrorSessions: { perMinute: 1 }, CreateTrafficMirrorSession: { perMinute: 600 } });
    await listSessions(vpc);
    await expectCode(listSessions(vpc), 'Throttling.User');
  });

  it('invalid input answers 400 with the problems; unknown routes 404', async () => {
    const { cloud } = await startTestCloud();
    const bad = await admin(cloud.endpoint, 'PUT', 'faults', [{ operation: 'X', bogus: 1 }]);
    expect(bad.status).toBe(400);
    expect(bad.body.problems.join(' ')).toContain('bogus');
    expect((await admin(cloud.endpoint, 'GET', 'nothing')).status).toBe(404);
  });

  it('GET /__admin/state dumps a world that validates and loads back with the same sessions', async () => {
    const { cloud, vpc } = await startTestCloud();
    const id = await createdSession(vpc, { tag: [new $Vpc.CreateTrafficMirrorSessionRequestTag({ key: 'owner', value: 'me' })] });
    const dump = (await admin(cloud.endpoint, 'GET', 'state')).body as WorldFile;
    expect(() => checkWorld(dump)).not.toThrow();
    expect(dump.regions[REGION].trafficMirrorSessions?.[0]).toMatchObject({ trafficMirrorSessionId: id, tags: { owner: 'me' } });
    const again = await startTestCloud(dump);
    expect(await getSession(again.vpc, id)).toMatchObject({ trafficMirrorSourceIds: ['eni-web01s'], trafficMirrorSessionStatus: 'Created' });
  });

  it('a dump keeps dangling sources loadable (deletedNetworkInterfaceIds)', async () => {
    const { cloud, vpc, ecs } = await startTestCloud();
    const id = await createdSession(vpc, { trafficMirrorSourceIds: ['eni-spare01'] });
    await ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({ regionId: REGION, networkInterfaceId: 'eni-spare01' }));
    await waitFor(async () => (await ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, networkInterfaceId: ['eni-spare01'] }))).body?.totalCount === 0);
    const dump = cloud.controls.dump();
    expect(dump.regions[REGION].deletedNetworkInterfaceIds).toEqual(['eni-spare01']);
    const again = await startTestCloud(dump);
    expect((await getSession(again.vpc, id))?.trafficMirrorSourceIds).toEqual(['eni-spare01']);
  });
});

describe('world file', () => {
  it('worlds/default.json loads and documents every option through the schema', () => {
    expect(() => readWorldFile('worlds/default.json')).not.toThrow();
  });

  it('unknown fields are errors that name their path', () => {
    const w = defaultWorld() as WorldFile & { options: Record<string, unknown> };
    w.options.asyncDelay = 5;
    expect(() => checkWorld(w)).toThrow(/\/options: unknown field "asyncDelay"/);
  });

  it('cross-references are checked: a session source that is not an ENI of the region is refused', async () => {
    const w = testWorld();
    w.regions[REGION].trafficMirrorSessions = [
      {
        trafficMirrorSessionId: 'tms-x',
        priority: 1,
        trafficMirrorFilterId: 'tmf-allipv4',
        trafficMirrorTargetId: 'eni-ids01p',
        trafficMirrorTargetType: 'NetworkInterface',
        trafficMirrorSourceIds: ['eni-ghost'],
      },
    ];
    await expect(startTestCloud(w)).rejects.toBeInstanceOf(WorldError);
  });

  it('a world session left Creating settles to Created after the delay', async () => {
    const w = testWorld({ asyncDelayMs: 50 });
    w.regions[REGION].trafficMirrorSessions = [
      {
        trafficMirrorSessionId: 'tms-x',
        trafficMirrorSessionStatus: 'Creating',
        priority: 1,
        trafficMirrorFilterId: 'tmf-allipv4',
        trafficMirrorTargetId: 'eni-ids01p',
        trafficMirrorTargetType: 'NetworkInterface',
        trafficMirrorSourceIds: ['eni-web01s'],
      },
    ];
    const { vpc } = await startTestCloud(w);
    expect((await getSession(vpc, 'tms-x'))?.trafficMirrorSessionStatus).toBe('Creating');
    await expect.poll(async () => (await getSession(vpc, 'tms-x'))?.trafficMirrorSessionStatus).toBe('Created');
  });
});

describe('worlds/world.schema.json', () => {
  it('is the schema localcloud validates with (UPDATE_WORLD_SCHEMA=1 npx vitest run test/localcloud/admin-world rewrites it)', () => {
    const path = 'worlds/world.schema.json';
    if (process.env.UPDATE_WORLD_SCHEMA === '1') writeFileSync(path, worldSchemaFileText());
    expect(readFileSync(path, 'utf8')).toBe(worldSchemaFileText());
  });
});
