import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeTestClouds,
  createdSession,
  createSession,
  expectCode,
  getSession,
  listSessions,
  REGION,
  sessionRequest,
  startTestCloud,
  testWorld,
  waitForSessionStatus,
} from '../support/conformance.js';

afterEach(closeTestClouds);

describe('CreateTrafficMirrorSession: parameters', () => {
  it('answers {TrafficMirrorSessionId: "tms-…", ResourceGroupId} and the session is listed with its attributes', async () => {
    const { vpc } = await startTestCloud();
    const r = await vpc.createTrafficMirrorSession(sessionRequest({ priority: 7, virtualNetworkId: 42, trafficMirrorSessionName: 'n', trafficMirrorSessionDescription: 'd', resourceGroupId: 'rg-1' }));
    expect(r.body?.trafficMirrorSessionId).toMatch(/^tms-[a-z0-9]{20}$/);
    expect(r.body?.resourceGroupId).toBe('rg-1');
    const s = await getSession(vpc, r.body?.trafficMirrorSessionId as string);
    expect(s).toMatchObject({
      priority: 7,
      virtualNetworkId: 42,
      trafficMirrorSessionName: 'n',
      trafficMirrorSessionDescription: 'd',
      resourceGroupId: 'rg-1',
      trafficMirrorSourceIds: ['eni-web01s'],
      trafficMirrorTargetId: 'eni-ids01p',
      trafficMirrorTargetType: 'NetworkInterface',
      trafficMirrorFilterId: 'tmf-allipv4',
      trafficMirrorSessionBusinessStatus: 'Normal',
    });
  });

  it.each([
    ['TrafficMirrorSourceIds.N', { trafficMirrorSourceIds: [] }],
    ['TrafficMirrorTargetId', { trafficMirrorTargetId: undefined }],
    ['TrafficMirrorTargetType', { trafficMirrorTargetType: undefined }],
    ['TrafficMirrorFilterId', { trafficMirrorFilterId: undefined }],
    ['Priority', { priority: undefined }],
  ])('required parameters: omitting %s is refused with MissingParameter', async (name, overrides) => {
    const { vpc } = await startTestCloud();
    const err = await expectCode(vpc.createTrafficMirrorSession(sessionRequest(overrides)), 'MissingParameter', 400);
    expect((err as Error).message).toContain(name);
  });

  it.each([0, 32767])('priority is 1–32766: %i is refused with InvalidParameter', async (priority) => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ priority })), 'InvalidParameter', 400);
  });

  it('priority is 1–32766: both bounds are accepted', async () => {
    const { vpc } = await startTestCloud();
    await createSession(vpc, { priority: 1 });
    await createSession(vpc, { priority: 32766, trafficMirrorSourceIds: ['eni-db01p'] });
    expect((await listSessions(vpc)).totalCount).toBe('2');
  });

  it('priority is unique per region: a second session with priority 5 is refused with InvalidPriority.Conflict', async () => {
    const { vpc } = await startTestCloud();
    await createSession(vpc, { priority: 5 });
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ priority: 5, trafficMirrorSourceIds: ['eni-db01p'] })), 'InvalidPriority.Conflict', 400);
  });

  it('priority is unique per region, not per account: the same priority is free in another region', async () => {
    const world = testWorld();
    world.regions['cn-shanghai'] = {
      vpcs: [{ vpcId: 'vpc-sh', vSwitches: [{ vSwitchId: 'vsw-sh', zoneId: 'cn-shanghai-a' }] }],
      networkInterfaces: [
        { networkInterfaceId: 'eni-sh1', vSwitchId: 'vsw-sh' },
        { networkInterfaceId: 'eni-sh2', vSwitchId: 'vsw-sh' },
      ],
      trafficMirrorFilters: [{ trafficMirrorFilterId: 'tmf-sh' }],
    };
    const { vpc } = await startTestCloud(world);
    await createSession(vpc, { priority: 5 });
    const id = await createSession(vpc, { regionId: 'cn-shanghai', priority: 5, trafficMirrorSourceIds: ['eni-sh1'], trafficMirrorTargetId: 'eni-sh2', trafficMirrorFilterId: 'tmf-sh' });
    expect(id).toMatch(/^tms-/);
  });

  it.each([-1, 16_777_216])('VirtualNetworkId is 0–16777215: %i is refused with InvalidParameter', async (vni) => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ virtualNetworkId: vni })), 'InvalidParameter', 400);
  });

  it('VirtualNetworkId is random when omitted: sessions get VNIs within 0–16777215 that differ', async () => {
    const { vpc } = await startTestCloud();
    await createSession(vpc, { priority: 1 });
    await createSession(vpc, { priority: 2 });
    await createSession(vpc, { priority: 3 });
    const vnis = (await listSessions(vpc)).trafficMirrorSessions?.map((s) => s.virtualNetworkId as number) ?? [];
    expect(vnis).toHaveLength(3);
    for (const v of vnis) expect(v >= 0 && v <= 16_777_215).toBe(true);
    expect(new Set(vnis).size).toBe(3);
  });

  it.each([63, 8501])('PacketLength is 64–8500: %i is refused with InvalidParameter', async (packetLength) => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ packetLength })), 'InvalidParameter', 400);
  });

  it('PacketLength defaults to 1500 and Enabled defaults to false', async () => {
    const { vpc } = await startTestCloud();
    const s = await getSession(vpc, await createSession(vpc));
    expect(s?.packetLength).toBe(1500);
    expect(s?.enabled).toBe(false);
  });

  it.each([
    ['TrafficMirrorSessionName', { trafficMirrorSessionName: 'x'.repeat(129) }],
    ['TrafficMirrorSessionName', { trafficMirrorSessionName: 'https://evil' }],
    ['TrafficMirrorSessionName', { trafficMirrorSessionName: '' }],
    ['TrafficMirrorSessionDescription', { trafficMirrorSessionDescription: 'x'.repeat(257) }],
    ['TrafficMirrorSessionDescription', { trafficMirrorSessionDescription: 'http://evil' }],
  ])('names are 1–128 and descriptions 1–256 characters, not starting with http(s)://: a bad %s is refused with IllegalParam.<name>', async (name, overrides) => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest(overrides)), `IllegalParam.${name}`, 400);
  });

  it('names of 128 and descriptions of 256 characters are accepted', async () => {
    const { vpc } = await startTestCloud();
    const s = await getSession(vpc, await createSession(vpc, { trafficMirrorSessionName: 'n'.repeat(128), trafficMirrorSessionDescription: 'd'.repeat(256) }));
    expect(s?.trafficMirrorSessionName).toHaveLength(128);
  });

  it('Tag.N (singular) tags the new session; more than 20 tags are refused with InvalidParameter', async () => {
    const { vpc } = await startTestCloud();
    const tag = (i: number) => new $Vpc.CreateTrafficMirrorSessionRequestTag({ key: `k${i}`, value: `v${i}` });
    const s = await getSession(vpc, await createSession(vpc, { tag: [tag(1), tag(2)] }));
    expect(s?.tags?.map((t) => [t.key, t.value])).toEqual([
      ['k1', 'v1'],
      ['k2', 'v2'],
    ]);
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ priority: 2, tag: Array.from({ length: 21 }, (_, i) => tag(i)) })), 'InvalidParameter', 400);
  });

  it('tag keys must not start with aliyun or acs: — refused with InvalidTagKey.Malformed', async () => {
    const { vpc } = await startTestCloud();
    const tag = [new $Vpc.CreateTrafficMirrorSessionRequestTag({ key: 'acs:owner', value: 'x' })];
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ tag })), 'InvalidTagKey.Malformed', 400);
  });
});

describe('CreateTrafficMirrorSession: referenced resources', () => {
  it('the filter must exist: an unknown filter is refused with ResourceNotFound.TrafficMirrorFilter (404)', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorFilterId: 'tmf-nope' })), 'ResourceNotFound.TrafficMirrorFilter', 404);
  });

  it('an ENI target must exist: an unknown ENI is refused with ResourceNotFound.TrafficMirrorTarget (404)', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorTargetId: 'eni-nope' })), 'ResourceNotFound.TrafficMirrorTarget', 404);
  });

  it('an SLB target must be a load balancer of the region: an ENI id with type SLB is refused with ResourceNotFound.TrafficMirrorTarget', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorTargetType: 'SLB' })), 'ResourceNotFound.TrafficMirrorTarget', 404);
    const id = await createSession(vpc, { trafficMirrorTargetType: 'SLB', trafficMirrorTargetId: 'lb-collector01' });
    expect((await getSession(vpc, id))?.trafficMirrorTargetType).toBe('SLB');
  });

  it('TrafficMirrorTargetType is NetworkInterface or SLB: anything else is refused with IllegalParam.TrafficMirrorTargetType', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorTargetType: 'GWLBe' })), 'IllegalParam.TrafficMirrorTargetType', 400);
  });

  it('sources must exist: an unknown ENI is refused with ResourceNotFound.TrafficMirrorSource (404)', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['eni-web01s', 'eni-nope'] })), 'ResourceNotFound.TrafficMirrorSource', 404);
    expect((await listSessions(vpc)).totalCount).toBe('0');
  });

  it('sources must be ENIs: a load balancer or instance id as a source is refused with ResourceNotFound.TrafficMirrorSource', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['lb-collector01'] })), 'ResourceNotFound.TrafficMirrorSource', 404);
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['i-web01'] })), 'ResourceNotFound.TrafficMirrorSource', 404);
  });

  it('sources must be ENIs of that region: an ENI of another region is refused with ResourceNotFound.TrafficMirrorSource', async () => {
    const world = testWorld();
    world.regions['cn-shanghai'] = {
      vpcs: [{ vpcId: 'vpc-sh', vSwitches: [{ vSwitchId: 'vsw-sh', zoneId: 'cn-shanghai-a' }] }],
      networkInterfaces: [{ networkInterfaceId: 'eni-sh1', vSwitchId: 'vsw-sh' }],
    };
    const { vpc } = await startTestCloud(world);
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['eni-sh1'] })), 'ResourceNotFound.TrafficMirrorSource', 404);
  });

  it('an ENI cannot be both source and target: the target among the sources is refused with OperationDenied.SourceIsTarget', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['eni-ids01p'] })), 'OperationDenied.SourceIsTarget', 400);
  });

  it('an ENI cannot be both source and target across sessions: a source of one session cannot be the target of another, and vice versa', async () => {
    const { vpc } = await startTestCloud();
    await createSession(vpc, { priority: 1 });
    await expectCode(
      vpc.createTrafficMirrorSession(sessionRequest({ priority: 2, trafficMirrorSourceIds: ['eni-db01p'], trafficMirrorTargetId: 'eni-web01s' })),
      'OperationDenied.SourceIsTarget',
      400,
    );
    await expectCode(
      vpc.createTrafficMirrorSession(sessionRequest({ priority: 3, trafficMirrorSourceIds: ['eni-ids01p'], trafficMirrorTargetId: 'eni-db01p' })),
      'OperationDenied.SourceIsTarget',
      400,
    );
  });

  it('duplicate ids in TrafficMirrorSourceIds are refused with InvalidParameter', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['eni-web01s', 'eni-web01s'] })), 'InvalidParameter', 400);
  });

  it('service-managed ENIs can be neither source nor target: refused with OperationDenied.ServiceManagedEni', async () => {
    const world = testWorld();
    world.regions[REGION].networkInterfaces?.push({ networkInterfaceId: 'eni-managed', vSwitchId: 'vsw-prod-h', serviceManaged: true });
    const { vpc } = await startTestCloud(world);
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorSourceIds: ['eni-managed'] })), 'OperationDenied.ServiceManagedEni', 400);
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorTargetId: 'eni-managed' })), 'OperationDenied.ServiceManagedEni', 400);
  });

  it('traffic preconditions are state, not API errors: an internet-facing SLB without a UDP 4789 listener is accepted as a target', async () => {
    const world = testWorld();
    world.regions[REGION].loadBalancers?.push({ loadBalancerId: 'lb-public', addressType: 'internet', tcpListenerPorts: [80] });
    const { vpc } = await startTestCloud(world);
    const id = await createSession(vpc, { trafficMirrorTargetType: 'SLB', trafficMirrorTargetId: 'lb-public' });
    expect(id).toMatch(/^tms-/);
  });
});

describe('CreateTrafficMirrorSession: asynchronous status', () => {
  it('Creating → Created after the world delay', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 150 }));
    const id = await createSession(vpc);
    expect((await getSession(vpc, id))?.trafficMirrorSessionStatus).toBe('Creating');
    await waitForSessionStatus(vpc, id, 'Created');
  });

  it('the delay is non-zero by default: a fresh session from the default options is still Creating', async () => {
    const world = testWorld();
    delete world.options?.asyncDelayMs;
    const { vpc } = await startTestCloud(world);
    const id = await createSession(vpc);
    expect((await getSession(vpc, id))?.trafficMirrorSessionStatus).toBe('Creating');
  });

  it('writes to a session that is not Created answer IncorrectStatus.TrafficMirrorSession', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 300 }));
    const id = await createSession(vpc);
    await expectCode(vpc.deleteTrafficMirrorSession(new $Vpc.DeleteTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: id })), 'IncorrectStatus.TrafficMirrorSession', 400);
  });
});

describe('CreateTrafficMirrorSession: ClientToken and DryRun', () => {
  it('a repeated ClientToken with the same request returns the first result and creates nothing new', async () => {
    const { vpc } = await startTestCloud();
    const first = await createSession(vpc, { clientToken: 'ct-1' });
    const again = await createSession(vpc, { clientToken: 'ct-1' });
    expect(again).toBe(first);
    expect((await listSessions(vpc)).totalCount).toBe('1');
  });

  it('a replay still answers the first result after the first call made its own request invalid (priority now taken)', async () => {
    const { vpc } = await startTestCloud();
    const first = await createdSession(vpc, { clientToken: 'ct-2', priority: 9 });
    expect(await createSession(vpc, { clientToken: 'ct-2', priority: 9 })).toBe(first);
  });

  it('the same ClientToken with a different request is refused with IdempotentParameterMismatch', async () => {
    const { vpc } = await startTestCloud();
    await createSession(vpc, { clientToken: 'ct-3' });
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ clientToken: 'ct-3', priority: 2 })), 'IdempotentParameterMismatch', 400);
  });

  it('a ClientToken is ASCII of at most 64 characters: a longer one is refused with InvalidParameter', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ clientToken: 'x'.repeat(65) })), 'InvalidParameter', 400);
  });

  it('without a ClientToken, a repeated request creates again (and then conflicts on priority)', async () => {
    const { vpc } = await startTestCloud();
    await createSession(vpc);
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest()), 'InvalidPriority.Conflict', 400);
  });

  it('DryRun=true answers DryRunOperation and creates nothing', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ dryRun: true })), 'DryRunOperation', 400);
    expect((await listSessions(vpc)).totalCount).toBe('0');
  });

  it('DryRun=true still answers the real error when validation fails', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ dryRun: true, trafficMirrorFilterId: 'tmf-nope' })), 'ResourceNotFound.TrafficMirrorFilter', 404);
  });

  it('a DryRun does not use up its ClientToken: the real call with the same token creates the session', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ dryRun: true, clientToken: 'ct-4' })), 'DryRunOperation');
    expect(await createSession(vpc, { clientToken: 'ct-4' })).toMatch(/^tms-/);
  });
});

describe('CreateTrafficMirrorSession: the service must be opened before first use', () => {
  it('refused with OperationDenied.TrafficMirrorServiceNotOpened until OpenTrafficMirrorService', async () => {
    const { vpc } = await startTestCloud(testWorld({ trafficMirrorServiceOpened: false }));
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest()), 'OperationDenied.TrafficMirrorServiceNotOpened', 400);
    await vpc.openTrafficMirrorService(new $Vpc.OpenTrafficMirrorServiceRequest({ regionId: REGION }));
    expect(await createSession(vpc)).toMatch(/^tms-/);
  });
});
