import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorldFile, WorldSession } from '../../localcloud/world/types.js';
import { closeTestClouds, createdSession, createSession, expectCode, freeEni, listSessions, REGION, sessionRequest, startTestCloud, testWorld, withFreeEnis } from '../support/conformance.js';

afterEach(closeTestClouds);

/** World sessions that mirror `count` free ENIs (10 per session) to one target. */
function mirrored(world: WorldFile, count: number, target: { id: string; type: 'NetworkInterface' | 'SLB' }, firstPriority = 1000): WorldFile {
  const sessions: WorldSession[] = [];
  for (let i = 0; i * 10 < count; i++) {
    sessions.push({
      trafficMirrorSessionId: `tms-w${String(i).padStart(4, '0')}`,
      priority: firstPriority + i,
      trafficMirrorFilterId: 'tmf-allipv4',
      trafficMirrorTargetId: target.id,
      trafficMirrorTargetType: target.type,
      trafficMirrorSourceIds: Array.from({ length: Math.min(10, count - i * 10) }, (_, j) => freeEni(i * 10 + j + 1)),
    });
  }
  world.regions[REGION].trafficMirrorSessions = sessions;
  return world;
}

describe('quota: sessions per source ENI (3, not adjustable)', () => {
  it('an ENI in 3 sessions cannot join a 4th: refused with QuotaExceeded.SessionsPerSource', async () => {
    const { vpc } = await startTestCloud();
    for (const priority of [1, 2, 3]) await createSession(vpc, { priority });
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ priority: 4 })), 'QuotaExceeded.SessionsPerSource', 400);
  });

  it('counts every session, including ones the caller did not create (world sessions)', async () => {
    const world = testWorld();
    world.regions[REGION].trafficMirrorSessions = [1, 2, 3].map((p) => ({
      trafficMirrorSessionId: `tms-other${p}`,
      priority: 100 + p,
      trafficMirrorFilterId: 'tmf-allipv4',
      trafficMirrorTargetId: 'eni-ids01p',
      trafficMirrorTargetType: 'NetworkInterface' as const,
      trafficMirrorSourceIds: ['eni-web01s'],
    }));
    const { vpc } = await startTestCloud(world);
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest()), 'QuotaExceeded.SessionsPerSource', 400);
  });

  it('AddSourcesToTrafficMirrorSession applies the same limit', async () => {
    const { vpc } = await startTestCloud();
    for (const priority of [1, 2, 3]) await createSession(vpc, { priority });
    const id = await createdSession(vpc, { priority: 4, trafficMirrorSourceIds: ['eni-db01p'] });
    await expectCode(
      vpc.addSourcesToTrafficMirrorSession(new $Vpc.AddSourcesToTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: id, trafficMirrorSourceIds: ['eni-web01s'] })),
      'QuotaExceeded.SessionsPerSource',
      400,
    );
  });
});

describe('quota: sources per session (default 10, set in the world)', () => {
  it('11 sources are refused with QuotaExceeded.SourcesPerSession; 10 are accepted', async () => {
    const { vpc } = await startTestCloud(withFreeEnis(testWorld(), 11));
    const eleven = Array.from({ length: 11 }, (_, i) => freeEni(i + 1));
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: eleven })), 'QuotaExceeded.SourcesPerSession', 400);
    await createSession(vpc, { trafficMirrorSourceIds: eleven.slice(0, 10) });
  });

  it('the world raises the quota: options.quotas.sourcesPerSession 12 accepts 11 sources', async () => {
    const { vpc } = await startTestCloud(withFreeEnis(testWorld({ quotas: { sourcesPerSession: 12 } }), 11));
    await createSession(vpc, { trafficMirrorSourceIds: Array.from({ length: 11 }, (_, i) => freeEni(i + 1)) });
  });

  it('AddSourcesToTrafficMirrorSession cannot take a session past the quota', async () => {
    const { vpc } = await startTestCloud(withFreeEnis(testWorld(), 11));
    const id = await createdSession(vpc, { trafficMirrorSourceIds: Array.from({ length: 10 }, (_, i) => freeEni(i + 1)) });
    await expectCode(
      vpc.addSourcesToTrafficMirrorSession(new $Vpc.AddSourcesToTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: id, trafficMirrorSourceIds: [freeEni(11)] })),
      'QuotaExceeded.SourcesPerSession',
      400,
    );
  });
});

describe('quota: sources per target', () => {
  it('an internal CLB target takes at most 500 sources across sessions: the 501st is refused with QuotaExceeded.SourcesPerTarget', async () => {
    const world = mirrored(withFreeEnis(testWorld(), 501), 500, { id: 'lb-collector01', type: 'SLB' });
    const { vpc } = await startTestCloud(world);
    await expectCode(
      vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: [freeEni(501)], trafficMirrorTargetType: 'SLB', trafficMirrorTargetId: 'lb-collector01' })),
      'QuotaExceeded.SourcesPerTarget',
      400,
    );
  });

  it('an internal CLB target with 499 sources still accepts one more', async () => {
    const world = mirrored(withFreeEnis(testWorld(), 500), 499, { id: 'lb-collector01', type: 'SLB' });
    const { vpc } = await startTestCloud(world);
    await createSession(vpc, { trafficMirrorSourceIds: [freeEni(500)], trafficMirrorTargetType: 'SLB', trafficMirrorTargetId: 'lb-collector01' });
  });

  it('an ENI target on an ordinary instance type takes at most 20 sources (quota sourcesPerEniTarget)', async () => {
    const { vpc } = await startTestCloud(mirrored(withFreeEnis(testWorld(), 21), 20, { id: 'eni-ids01p', type: 'NetworkInterface' }));
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: [freeEni(21)] })), 'QuotaExceeded.SourcesPerTarget', 400);
  });

  it('an ENI target on a documented large instance type takes 200 (quota sourcesPerLargeEniTarget)', async () => {
    const world = mirrored(withFreeEnis(testWorld(), 21), 20, { id: 'eni-ids01p', type: 'NetworkInterface' });
    const ids = world.regions[REGION].instances?.find((i) => i.instanceId === 'i-ids01');
    if (ids) ids.instanceType = 'ecs.g7.32xlarge';
    const { vpc } = await startTestCloud(world);
    await createSession(vpc, { trafficMirrorSourceIds: [freeEni(21)] });
  });

  it('the world adjusts the ENI target quota: sourcesPerEniTarget 5 refuses a 6th source', async () => {
    const { vpc } = await startTestCloud(mirrored(withFreeEnis(testWorld({ quotas: { sourcesPerEniTarget: 5 } }), 6), 5, { id: 'eni-ids01p', type: 'NetworkInterface' }));
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: [freeEni(6)] })), 'QuotaExceeded.SourcesPerTarget', 400);
  });
});

describe('quota: sessions per filter (2000) and per region (20000)', () => {
  it('a filter serving 2000 sessions refuses another with QuotaExceeded.SessionsPerFilter', async () => {
    const { vpc } = await startTestCloud(manySessions(2000, 1));
    expect((await listSessions(vpc)).totalCount).toBe('2000');
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['eni-db01p'] })), 'QuotaExceeded.SessionsPerFilter', 400);
  });

  it('a region holds at most 20000 sessions: the next is refused with QuotaExceeded.TrafficMirrorSession', async () => {
    const world = manySessions(20_000, 11);
    world.regions[REGION].trafficMirrorFilters?.push({ trafficMirrorFilterId: 'tmf-spare' });
    const { vpc } = await startTestCloud(world);
    expect((await listSessions(vpc)).totalCount).toBe('20000');
    await expectCode(
      vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['eni-db01p'], trafficMirrorFilterId: 'tmf-spare', priority: 30_000 })),
      'QuotaExceeded.TrafficMirrorSession',
      400,
    );
  });
});

/** `n` one-source sessions spread over `filters` filters (2000 each), SLB targets (400 each) and ENIs (3 each). */
function manySessions(n: number, filters: number): WorldFile {
  const world = withFreeEnis(testWorld(), Math.ceil(n / 3));
  const region = world.regions[REGION];
  region.trafficMirrorFilters = Array.from({ length: filters }, (_, i) => ({ trafficMirrorFilterId: i === 0 ? 'tmf-allipv4' : `tmf-x${i}` }));
  region.loadBalancers = Array.from({ length: Math.ceil(n / 400) }, (_, i) => ({ loadBalancerId: `lb-c${i}` }));
  region.trafficMirrorSessions = Array.from({ length: n }, (_, i) => ({
    trafficMirrorSessionId: `tms-f${String(i).padStart(5, '0')}`,
    priority: i + 10,
    trafficMirrorFilterId: i < 2000 ? 'tmf-allipv4' : `tmf-x${Math.floor(i / 2000)}`,
    trafficMirrorTargetId: `lb-c${Math.floor(i / 400)}`,
    trafficMirrorTargetType: 'SLB' as const,
    trafficMirrorSourceIds: [freeEni(Math.floor(i / 3) + 1)],
  }));
  return world;
}
