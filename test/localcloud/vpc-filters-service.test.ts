import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestClouds, createSession, expectCode, REGION, sessionRequest, startTestCloud, testWorld, waitFor } from '../support/conformance.js';

afterEach(closeTestClouds);

type Rule = ConstructorParameters<typeof $Vpc.CreateTrafficMirrorFilterRequestIngressRules>[0];
const ingress = (r: Rule) => new $Vpc.CreateTrafficMirrorFilterRequestIngressRules(r);
const egress = (r: Rule) => new $Vpc.CreateTrafficMirrorFilterRequestEgressRules(r);
const filterRequest = (fields: ConstructorParameters<typeof $Vpc.CreateTrafficMirrorFilterRequest>[0] = {}) => new $Vpc.CreateTrafficMirrorFilterRequest({ regionId: REGION, ...fields });
const listFilters = async (vpc: Awaited<ReturnType<typeof startTestCloud>>['vpc'], fields: ConstructorParameters<typeof $Vpc.ListTrafficMirrorFiltersRequest>[0] = {}) =>
  (await vpc.listTrafficMirrorFilters(new $Vpc.ListTrafficMirrorFiltersRequest({ regionId: REGION, ...fields }))).body as $Vpc.ListTrafficMirrorFiltersResponseBody;

describe('CreateTrafficMirrorFilter', () => {
  it('creates a filter with its rules, Creating → Created, listed with flat IngressRules/EgressRules', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 100 }));
    const r = await vpc.createTrafficMirrorFilter(
      filterRequest({
        trafficMirrorFilterName: 'web',
        ingressRules: [
          ingress({ action: 'accept', priority: 1, protocol: 'TCP', sourceCidrBlock: '10.0.0.0/8', destinationCidrBlock: '10.1.0.0/16', sourcePortRange: '-1/-1', destinationPortRange: '80/443' }),
        ],
        egressRules: [egress({ action: 'drop', priority: 1, protocol: 'ALL' })],
      }),
    );
    const id = r.body?.trafficMirrorFilterId as string;
    expect(id).toMatch(/^tmf-/);
    let f = (await listFilters(vpc, { trafficMirrorFilterIds: [id] })).trafficMirrorFilters?.[0];
    expect(f?.trafficMirrorFilterStatus).toBe('Creating');
    expect(f?.ingressRules?.[0]).toMatchObject({ action: 'accept', protocol: 'TCP', destinationPortRange: '80/443', trafficDirection: 'ingress', trafficMirrorFilterId: id });
    expect(f?.egressRules?.[0]).toMatchObject({ action: 'drop', protocol: 'ALL', sourceCidrBlock: '0.0.0.0/0', sourcePortRange: '-1/-1' });
    f = await waitFor(async () => (await listFilters(vpc, { trafficMirrorFilterIds: [id] })).trafficMirrorFilters?.find((x) => x.trafficMirrorFilterStatus === 'Created'));
    expect(f.trafficMirrorFilterName).toBe('web');
  });

  it('IngressRules.N and EgressRules.N are at most 10 each: 11 are refused with InvalidParameter', async () => {
    const { vpc } = await startTestCloud();
    const rules = Array.from({ length: 11 }, (_, i) => ingress({ action: 'accept', priority: i + 1, protocol: 'ALL' }));
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest({ ingressRules: rules })), 'InvalidParameter', 400);
  });

  it('a filter holds at most 20 rules (quota rulesPerFilter): lowering it to 2 refuses 3 rules with QuotaExceeded.TrafficMirrorRule', async () => {
    const { vpc } = await startTestCloud(testWorld({ quotas: { rulesPerFilter: 2 } }));
    const rule = (priority: number) => ({ action: 'accept', priority, protocol: 'ALL' });
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest({ ingressRules: [ingress(rule(1)), ingress(rule(2))], egressRules: [egress(rule(1))] })), 'QuotaExceeded.TrafficMirrorRule', 400);
  });

  it.each([
    ['Action must be accept or drop', { action: 'allow', priority: 1, protocol: 'ALL' }, 'InvalidParameter'],
    ['Protocol must be ALL, ICMP, TCP or UDP', { action: 'accept', priority: 1, protocol: 'SCTP' }, 'InvalidParameter'],
    ['Priority is required', { action: 'accept', protocol: 'ALL' }, 'MissingParameter'],
    ['port ranges are a/b within 1–65535', { action: 'accept', priority: 1, protocol: 'TCP', destinationPortRange: '0/70000' }, 'InvalidParameter'],
    ['CIDR blocks must be CIDR', { action: 'accept', priority: 1, protocol: 'ALL', sourceCidrBlock: '10.0.0.1' }, 'InvalidParameter'],
  ])('rule validation: %s', async (_rule, rule, code) => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest({ ingressRules: [ingress(rule)] })), code, 400);
  });

  it('rule priorities are unique per direction: a repeat is refused with InvalidParameter.RulePriorityConflict', async () => {
    const { vpc } = await startTestCloud();
    const rule = { action: 'accept', priority: 3, protocol: 'ALL' };
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest({ ingressRules: [ingress(rule), ingress(rule)] })), 'InvalidParameter.RulePriorityConflict', 400);
    await vpc.createTrafficMirrorFilter(filterRequest({ ingressRules: [ingress(rule)], egressRules: [egress(rule)] }));
  });

  it('name 1–128 and description 1–256 characters, not starting with http(s)://', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest({ trafficMirrorFilterName: 'x'.repeat(129) })), 'IllegalParam.TrafficMirrorFilterName', 400);
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest({ trafficMirrorFilterDescription: 'https://x' })), 'IllegalParam.TrafficMirrorFilterDescription', 400);
  });

  it('a region holds at most 100 filters: the 101st is refused with QuotaExceeded.TrafficMirrorFilter', async () => {
    const world = testWorld();
    world.regions[REGION].trafficMirrorFilters = Array.from({ length: 100 }, (_, i) => ({ trafficMirrorFilterId: `tmf-${i}` }));
    const { vpc } = await startTestCloud(world);
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest()), 'QuotaExceeded.TrafficMirrorFilter', 400);
  });

  it('ClientToken: a repeat returns the first filter id; DryRun answers DryRunOperation and creates nothing', async () => {
    const { vpc } = await startTestCloud();
    const a = await vpc.createTrafficMirrorFilter(filterRequest({ clientToken: 'f-1' }));
    const b = await vpc.createTrafficMirrorFilter(filterRequest({ clientToken: 'f-1' }));
    expect(b.body?.trafficMirrorFilterId).toBe(a.body?.trafficMirrorFilterId);
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest({ dryRun: true })), 'DryRunOperation', 400);
    expect((await listFilters(vpc)).totalCount).toBe('2');
  });

  it('a session cannot use a filter that is still Creating: IncorrectStatus.TrafficMirrorFilter', async () => {
    const { vpc } = await startTestCloud(testWorld({ asyncDelayMs: 300 }));
    const id = (await vpc.createTrafficMirrorFilter(filterRequest())).body?.trafficMirrorFilterId;
    await expectCode(vpc.createTrafficMirrorSession(sessionRequest({ trafficMirrorFilterId: id })), 'IncorrectStatus.TrafficMirrorFilter', 400);
  });
});

describe('ListTrafficMirrorFilters', () => {
  it('filters by ids, name, resource group and Tags.N; pages with MaxResults (1–100, default 10) and NextToken', async () => {
    const world = testWorld();
    world.regions[REGION].trafficMirrorFilters = Array.from({ length: 15 }, (_, i) => ({
      trafficMirrorFilterId: `tmf-${String(i).padStart(2, '0')}`,
      trafficMirrorFilterName: i === 4 ? 'four' : 'f',
      resourceGroupId: i === 5 ? 'rg-5' : '',
      tags: i === 6 ? { team: 'net' } : ({} as Record<string, string>),
    }));
    const { vpc } = await startTestCloud(world);
    const first = await listFilters(vpc);
    expect(first.trafficMirrorFilters).toHaveLength(10);
    expect(first.totalCount).toBe('15');
    const second = await listFilters(vpc, { nextToken: first.nextToken });
    expect(second.trafficMirrorFilters).toHaveLength(5);
    expect(second.nextToken).toBe('');
    expect((await listFilters(vpc, { trafficMirrorFilterIds: ['tmf-03', 'tmf-09'] })).trafficMirrorFilters?.map((f) => f.trafficMirrorFilterId)).toEqual(['tmf-03', 'tmf-09']);
    expect((await listFilters(vpc, { trafficMirrorFilterName: 'four' })).trafficMirrorFilters?.[0].trafficMirrorFilterId).toBe('tmf-04');
    expect((await listFilters(vpc, { resourceGroupId: 'rg-5' })).trafficMirrorFilters?.[0].trafficMirrorFilterId).toBe('tmf-05');
    const tagged = await listFilters(vpc, { tags: [new $Vpc.ListTrafficMirrorFiltersRequestTags({ key: 'team', value: 'net' })] });
    expect(tagged.trafficMirrorFilters?.map((f) => f.trafficMirrorFilterId)).toEqual(['tmf-06']);
    await expectCode(vpc.listTrafficMirrorFilters(new $Vpc.ListTrafficMirrorFiltersRequest({ regionId: REGION, maxResults: 101 })), 'InvalidParameter', 400);
  });
});

describe('OpenTrafficMirrorService / GetTrafficMirrorServiceStatus', () => {
  it('a region starts closed when the world says so; Open enables it, and GetTrafficMirrorServiceStatus answers Enabled', async () => {
    const { vpc } = await startTestCloud(testWorld({ trafficMirrorServiceOpened: false }));
    const status = async () => (await vpc.getTrafficMirrorServiceStatus(new $Vpc.GetTrafficMirrorServiceStatusRequest({ regionId: REGION }))).body?.enabled;
    expect(await status()).toBe(false);
    await vpc.openTrafficMirrorService(new $Vpc.OpenTrafficMirrorServiceRequest({ regionId: REGION }));
    expect(await status()).toBe(true);
  });

  it('opening an opened service answers ORDER.OPEND', async () => {
    const { vpc } = await startTestCloud();
    await expectCode(vpc.openTrafficMirrorService(new $Vpc.OpenTrafficMirrorServiceRequest({ regionId: REGION })), 'ORDER.OPEND', 400);
  });

  it('activation is per region: opening one region leaves another closed', async () => {
    const world = testWorld({ trafficMirrorServiceOpened: false });
    world.regions['cn-shanghai'] = { vpcs: [] };
    const { vpc } = await startTestCloud(world);
    await vpc.openTrafficMirrorService(new $Vpc.OpenTrafficMirrorServiceRequest({ regionId: REGION }));
    const sh = await vpc.getTrafficMirrorServiceStatus(new $Vpc.GetTrafficMirrorServiceStatusRequest({ regionId: 'cn-shanghai' }));
    expect(sh.body?.enabled).toBe(false);
  });

  it('the service must be opened before first use: filters too are refused until then', async () => {
    const { vpc } = await startTestCloud(testWorld({ trafficMirrorServiceOpened: false }));
    await expectCode(vpc.createTrafficMirrorFilter(filterRequest()), 'OperationDenied.TrafficMirrorServiceNotOpened', 400);
    await expectCode(createSession(vpc), 'OperationDenied.TrafficMirrorServiceNotOpened', 400);
  });
});
