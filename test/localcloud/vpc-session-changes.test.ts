import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeTestClouds,
  createdSession,
  createSession,
  expectCode,
  freeEni,
  getSession,
  listSessions,
  REGION,
  startTestCloud,
  testWorld,
  waitFor,
  waitForSessionStatus,
  withFreeEnis,
} from '../support/conformance.js';

afterEach(closeTestClouds);

const update = (fields: ConstructorParameters<typeof $Vpc.UpdateTrafficMirrorSessionAttributeRequest>[0]) => new $Vpc.UpdateTrafficMirrorSessionAttributeRequest({ regionId: REGION, ...fields });
const add = (id: string, sources: string[], extra = {}) =>
  new $Vpc.AddSourcesToTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: id, trafficMirrorSourceIds: sources, ...extra });
const remove = (id: string, sources: string[], extra = {}) =>
  new $Vpc.RemoveSourcesFromTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: id, trafficMirrorSourceIds: sources, ...extra });
const del = (id: string, extra = {}) => new $Vpc.DeleteTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: id, ...extra });

describe('UpdateTrafficMirrorSessionAttribute', () => {
  it('changes the attributes it is given and passes Modifying → Created', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 100 }));
    const id = await createdSession(vpc);
    await vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, enabled: true, priority: 44, virtualNetworkId: 9, packetLength: 8500, trafficMirrorSessionName: 'renamed' }));
    const s = await getSession(vpc, id);
    expect(s).toMatchObject({ trafficMirrorSessionStatus: 'Modifying', enabled: true, priority: 44, virtualNetworkId: 9, packetLength: 8500, trafficMirrorSessionName: 'renamed' });
    await waitForSessionStatus(vpc, id, 'Created');
  });

  it('priority stays unique: updating to a priority another session holds is refused with InvalidPriority.Conflict', async () => {
    const { vpc } = await startTestCloud();
    await createdSession(vpc, { priority: 1 });
    const id = await createdSession(vpc, { priority: 2, trafficMirrorSourceIds: ['eni-db01p'] });
    await expectCode(vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, priority: 1 })), 'InvalidPriority.Conflict', 400);
    await vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, priority: 2 }));
  });

  it('a new target must exist and must not be one of the sources', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, trafficMirrorTargetId: 'eni-nope' })), 'ResourceNotFound.TrafficMirrorTarget', 404);
    await expectCode(vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, trafficMirrorTargetId: 'eni-web01s' })), 'OperationDenied.SourceIsTarget', 400);
    await vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, trafficMirrorTargetId: 'lb-collector01', trafficMirrorTargetType: 'SLB' }));
    expect((await getSession(vpc, id))?.trafficMirrorTargetType).toBe('SLB');
  });

  it('a new filter must exist: refused with ResourceNotFound.TrafficMirrorFilter', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, trafficMirrorFilterId: 'tmf-nope' })), 'ResourceNotFound.TrafficMirrorFilter', 404);
  });

  it('bounds apply as on create: PacketLength 8501 is refused with InvalidParameter', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, packetLength: 8501 })), 'InvalidParameter', 400);
  });

  it('an unknown session is refused with ResourceNotFound.TrafficMirrorSession (404)', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: 'tms-nope', enabled: true })), 'ResourceNotFound.TrafficMirrorSession', 404);
  });

  it('DryRun=true answers DryRunOperation and changes nothing', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, enabled: true, dryRun: true })), 'DryRunOperation', 400);
    expect(await getSession(vpc, id)).toMatchObject({ enabled: false, trafficMirrorSessionStatus: 'Created' });
  });

  it('a repeated ClientToken returns the first result: the replay while Modifying does not answer IncorrectStatus', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 300 }));
    const id = await createdSession(vpc);
    await vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, enabled: true, clientToken: 'u-1' }));
    await vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, enabled: true, clientToken: 'u-1' }));
    await expectCode(vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, enabled: true, clientToken: 'u-2' })), 'IncorrectStatus.TrafficMirrorSession', 400);
  });
});

describe('AddSourcesToTrafficMirrorSession', () => {
  it('adds ENIs and passes Modifying → Created', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 100 }));
    const id = await createdSession(vpc);
    await vpc.addSourcesToTrafficMirrorSession(add(id, ['eni-db01p', 'eni-spare01']));
    expect(await getSession(vpc, id)).toMatchObject({ trafficMirrorSessionStatus: 'Modifying', trafficMirrorSourceIds: ['eni-web01s', 'eni-db01p', 'eni-spare01'] });
    await waitForSessionStatus(vpc, id, 'Created');
  });

  it.each([
    ['sources must exist and be ENIs of the region', ['eni-nope'], 'ResourceNotFound.TrafficMirrorSource', 404],
    ['the target cannot become a source', ['eni-ids01p'], 'OperationDenied.SourceIsTarget', 400],
    ['an ENI already in the session is refused', ['eni-web01s'], 'OperationDenied.SourceAlreadyInSession', 400],
    ['TrafficMirrorSourceIds.N is required', [], 'MissingParameter', 400],
  ])('%s: %j answers %s', async (_rule, sources, code, status) => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.addSourcesToTrafficMirrorSession(add(id, sources as string[])), code as string, status as number);
  });

  it('DryRun=true answers DryRunOperation and adds nothing', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.addSourcesToTrafficMirrorSession(add(id, ['eni-db01p'], { dryRun: true })), 'DryRunOperation', 400);
    expect((await getSession(vpc, id))?.trafficMirrorSourceIds).toEqual(['eni-web01s']);
  });

  it('a repeated ClientToken adds once', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await vpc.addSourcesToTrafficMirrorSession(add(id, ['eni-db01p'], { clientToken: 'a-1' }));
    await vpc.addSourcesToTrafficMirrorSession(add(id, ['eni-db01p'], { clientToken: 'a-1' }));
    expect((await getSession(vpc, id))?.trafficMirrorSourceIds).toEqual(['eni-web01s', 'eni-db01p']);
  });
});

describe('RemoveSourcesFromTrafficMirrorSession', () => {
  it('removes ENIs and passes Modifying → Created', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 100 }));
    const id = await createdSession(vpc, { trafficMirrorSourceIds: ['eni-web01s', 'eni-db01p'] });
    await vpc.removeSourcesFromTrafficMirrorSession(remove(id, ['eni-web01s']));
    expect(await getSession(vpc, id)).toMatchObject({ trafficMirrorSessionStatus: 'Modifying', trafficMirrorSourceIds: ['eni-db01p'] });
    await waitForSessionStatus(vpc, id, 'Created');
  });

  it('TrafficMirrorSourceIds.N is at most 10: 11 ids are refused with InvalidParameter', async () => {
    const { vpc } = await startTestCloud(withFreeEnis(testWorld({ quotas: { sourcesPerSession: 11 } }), 11));
    const sources = Array.from({ length: 11 }, (_, i) => freeEni(i + 1));
    const id = await createdSession(vpc, { trafficMirrorSourceIds: sources });
    await expectCode(vpc.removeSourcesFromTrafficMirrorSession(remove(id, sources)), 'InvalidParameter', 400);
    await vpc.removeSourcesFromTrafficMirrorSession(remove(id, sources.slice(0, 10)));
  });

  it('an ENI that is not a source of the session is refused with ResourceNotFound.TrafficMirrorSource', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.removeSourcesFromTrafficMirrorSession(remove(id, ['eni-db01p'])), 'ResourceNotFound.TrafficMirrorSource', 404);
  });

  it('DryRun=true answers DryRunOperation and removes nothing', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.removeSourcesFromTrafficMirrorSession(remove(id, ['eni-web01s'], { dryRun: true })), 'DryRunOperation', 400);
    expect((await getSession(vpc, id))?.trafficMirrorSourceIds).toEqual(['eni-web01s']);
  });
});

describe('DeleteTrafficMirrorSession', () => {
  it('Deleting → gone: the session lists as Deleting, then is absent from List', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 100 }));
    const id = await createdSession(vpc);
    await vpc.deleteTrafficMirrorSession(del(id));
    expect((await getSession(vpc, id))?.trafficMirrorSessionStatus).toBe('Deleting');
    await waitFor(async () => (await getSession(vpc, id)) === undefined);
  });

  it('a Deleting session still holds its priority until it is gone', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 300 }));
    const id = await createdSession(vpc, { priority: 5 });
    await vpc.deleteTrafficMirrorSession(del(id));
    await expectCode(createSession(vpc, { priority: 5, trafficMirrorSourceIds: ['eni-db01p'] }), 'InvalidPriority.Conflict');
    await waitFor(async () => (await getSession(vpc, id)) === undefined);
    await createSession(vpc, { priority: 5 });
  });

  it('deleting again while Deleting answers IncorrectStatus.TrafficMirrorSession; once gone, ResourceNotFound.TrafficMirrorSession', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 200 }));
    const id = await createdSession(vpc);
    await vpc.deleteTrafficMirrorSession(del(id));
    await expectCode(vpc.deleteTrafficMirrorSession(del(id)), 'IncorrectStatus.TrafficMirrorSession', 400);
    await waitFor(async () => (await listSessions(vpc)).totalCount === '0');
    await expectCode(vpc.deleteTrafficMirrorSession(del(id)), 'ResourceNotFound.TrafficMirrorSession', 404);
  });

  it('DryRun=true answers DryRunOperation and deletes nothing', async () => {
    const { vpc } = await startTestCloud();
    const id = await createdSession(vpc);
    await expectCode(vpc.deleteTrafficMirrorSession(del(id, { dryRun: true })), 'DryRunOperation', 400);
    expect((await getSession(vpc, id))?.trafficMirrorSessionStatus).toBe('Created');
  });
});

describe('writes to a session that is not Created answer IncorrectStatus.TrafficMirrorSession', () => {
  it.each([
    [
      'UpdateTrafficMirrorSessionAttribute',
      (vpc: Awaited<ReturnType<typeof startTestCloud>>['vpc'], id: string) => vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: id, enabled: true })),
    ],
    ['AddSourcesToTrafficMirrorSession', (vpc: Awaited<ReturnType<typeof startTestCloud>>['vpc'], id: string) => vpc.addSourcesToTrafficMirrorSession(add(id, ['eni-db01p']))],
    ['RemoveSourcesFromTrafficMirrorSession', (vpc: Awaited<ReturnType<typeof startTestCloud>>['vpc'], id: string) => vpc.removeSourcesFromTrafficMirrorSession(remove(id, ['eni-web01s']))],
    ['DeleteTrafficMirrorSession', (vpc: Awaited<ReturnType<typeof startTestCloud>>['vpc'], id: string) => vpc.deleteTrafficMirrorSession(del(id))],
  ])('%s while the session is Creating or Modifying', async (_name, write) => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 250 }));
    const creating = await createSession(vpc, { trafficMirrorSourceIds: ['eni-web01s', 'eni-spare01'] });
    await expectCode(write(vpc, creating), 'IncorrectStatus.TrafficMirrorSession', 400);
    await waitForSessionStatus(vpc, creating, 'Created');
    await vpc.updateTrafficMirrorSessionAttribute(update({ trafficMirrorSessionId: creating, trafficMirrorSessionName: 'busy' }));
    await expectCode(write(vpc, creating), 'IncorrectStatus.TrafficMirrorSession', 400);
  });
});
