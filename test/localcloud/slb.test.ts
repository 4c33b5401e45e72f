import { afterEach, describe, expect, it } from 'vitest';
import { closeTestClouds, expectCode, REGION, startTestCloud, testWorld } from '../support/conformance.js';
import { slbCall } from '../support/localcloud.js';

afterEach(closeTestClouds);

function world() {
  const w = testWorld();
  w.regions[REGION].loadBalancers?.push(
    { loadBalancerId: 'lb-public', loadBalancerName: 'web', addressType: 'internet', networkType: 'vpc', vpcId: 'vpc-prod01', tcpListenerPorts: [443, 80] },
    { loadBalancerId: 'lb-old', addressType: 'intranet', networkType: 'classic', loadBalancerStatus: 'inactive', tags: { team: 'net' } },
  );
  return w;
}

const ids = (body: { LoadBalancers: { LoadBalancer: Array<{ LoadBalancerId: string }> } }) => body.LoadBalancers.LoadBalancer.map((l) => l.LoadBalancerId);

describe('SLB DescribeLoadBalancers (generic openapi-core client)', () => {
  it('answers LoadBalancers.LoadBalancer[] with the collector fields: address type, network type, VPC, status', async () => {
    const { cloud } = await startTestCloud(world());
    const r = await slbCall(cloud, 'DescribeLoadBalancers', { RegionId: REGION, LoadBalancerId: 'lb-collector01' });
    expect(r.body).toMatchObject({ TotalCount: 1, PageNumber: 1 });
    expect(r.body.LoadBalancers.LoadBalancer[0]).toMatchObject({
      LoadBalancerId: 'lb-collector01',
      LoadBalancerName: 'zeek-collectors',
      AddressType: 'intranet',
      NetworkType: 'vpc',
      VpcId: 'vpc-prod01',
      VSwitchId: 'vsw-prod-h',
      LoadBalancerStatus: 'active',
      RegionId: REGION,
      AddressIPVersion: 'ipv4',
      Tags: { Tag: [] },
    });
  });

  it.each([
    ['AddressType', { AddressType: 'intranet' }, ['lb-collector01', 'lb-old']],
    ['NetworkType (case-insensitive)', { NetworkType: 'Classic' }, ['lb-old']],
    ['LoadBalancerStatus', { LoadBalancerStatus: 'inactive' }, ['lb-old']],
    ['VpcId', { VpcId: 'vpc-prod01' }, ['lb-collector01', 'lb-public']],
    ['LoadBalancerId (comma-separated)', { LoadBalancerId: 'lb-public,lb-old' }, ['lb-old', 'lb-public']],
    ['LoadBalancerName', { LoadBalancerName: 'web' }, ['lb-public']],
    ['Tag.N', { Tag: [{ Key: 'team', Value: 'net' }] }, ['lb-old']],
    ['Tags (JSON string)', { Tags: JSON.stringify([{ tagKey: 'team', tagValue: 'net' }]) }, ['lb-old']],
  ])('filters by %s', async (_name, filter, expected) => {
    const { cloud } = await startTestCloud(world());
    expect(ids((await slbCall(cloud, 'DescribeLoadBalancers', { RegionId: REGION, ...filter })).body)).toEqual(expected);
  });

  it('pages with PageNumber and PageSize (1–100)', async () => {
    const { cloud } = await startTestCloud(world());
    const r = await slbCall(cloud, 'DescribeLoadBalancers', { RegionId: REGION, PageNumber: 2, PageSize: 2 });
    expect(r.body).toMatchObject({ TotalCount: 3, PageNumber: 2, PageSize: 2 });
    expect(ids(r.body)).toEqual(['lb-public']);
    await expectCode(slbCall(cloud, 'DescribeLoadBalancers', { RegionId: REGION, PageSize: 101 }), 'InvalidParameter', 400);
  });

  it('LoadBalancerId takes at most 10 ids', async () => {
    const { cloud } = await startTestCloud(world());
    await expectCode(slbCall(cloud, 'DescribeLoadBalancers', { RegionId: REGION, LoadBalancerId: Array.from({ length: 11 }, (_, i) => `lb-${i}`).join(',') }), 'InvalidParameter', 400);
  });
});

describe('SLB DescribeLoadBalancerAttribute', () => {
  it('lists listener ports and protocols (udp 4789 on a mirror collector), with the legacy …Protocal twin', async () => {
    const { cloud } = await startTestCloud(world());
    const r = await slbCall(cloud, 'DescribeLoadBalancerAttribute', { RegionId: REGION, LoadBalancerId: 'lb-collector01' });
    expect(r.body).toMatchObject({ LoadBalancerId: 'lb-collector01', AddressType: 'intranet', NetworkType: 'vpc', LoadBalancerStatus: 'active' });
    expect(r.body.ListenerPortsAndProtocol.ListenerPortAndProtocol).toEqual([expect.objectContaining({ ListenerPort: 4789, ListenerProtocol: 'udp' })]);
    expect(r.body.ListenerPortsAndProtocal.ListenerPortAndProtocal).toEqual([{ ListenerPort: 4789, ListenerProtocal: 'udp' }]);
    expect(r.body.ListenerPorts.ListenerPort).toEqual([4789]);
  });

  it('sorts TCP and UDP listeners by port', async () => {
    const { cloud } = await startTestCloud(world());
    const r = await slbCall(cloud, 'DescribeLoadBalancerAttribute', { RegionId: REGION, LoadBalancerId: 'lb-public' });
    expect(r.body.ListenerPortsAndProtocol.ListenerPortAndProtocol.map((l: { ListenerPort: number; ListenerProtocol: string }) => [l.ListenerPort, l.ListenerProtocol])).toEqual([
      [80, 'tcp'],
      [443, 'tcp'],
    ]);
  });

  it('an unknown load balancer is InvalidLoadBalancerId.NotFound (404); LoadBalancerId is required', async () => {
    const { cloud } = await startTestCloud(world());
    await expectCode(slbCall(cloud, 'DescribeLoadBalancerAttribute', { RegionId: REGION, LoadBalancerId: 'lb-nope' }), 'InvalidLoadBalancerId.NotFound', 404);
    await expectCode(slbCall(cloud, 'DescribeLoadBalancerAttribute', { RegionId: REGION }), 'MissingParameter', 400);
  });
});
