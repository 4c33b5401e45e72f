import { DescribeInstancesRequest } from '@alicloud/ecs20140526/dist/models/DescribeInstancesRequest';
import { DescribeInstancesResponse } from '@alicloud/ecs20140526/dist/models/DescribeInstancesResponse';
import type { DescribeInstancesResponseBodyInstancesInstance } from '@alicloud/ecs20140526/dist/models/DescribeInstancesResponseBody';
import { DescribeNetworkInterfacesRequest } from '@alicloud/ecs20140526/dist/models/DescribeNetworkInterfacesRequest';
import { DescribeNetworkInterfacesResponse } from '@alicloud/ecs20140526/dist/models/DescribeNetworkInterfacesResponse';
import type { DescribeNetworkInterfacesResponseBodyNetworkInterfaceSetsNetworkInterfaceSet } from '@alicloud/ecs20140526/dist/models/DescribeNetworkInterfacesResponseBody';
import type { Eni, EniStatus, Instance, Tags } from '../domain.js';
import type { CloudConfig } from './config.js';
import { cloudCall } from './errors.js';
import { ECS, PopClient } from './pop-client.js';

/** Read access to ECS instances and ENIs. */
export interface EcsInventory {
  instances(ids: readonly string[]): Promise<Instance[]>;
  /** ENIs attached to an instance, or with the given ids (either or both). */
  enis(query: { instanceId?: string; eniIds?: readonly string[] }): Promise<Eni[]>;
}

/** A whole region read page by page at the APIs' largest page sizes, for a region-wide reconcile. */
export interface RegionInventory {
  /** Every instance of the region: DescribeInstances, 100 a page. */
  scanInstances(): Promise<Instance[]>;
  /** Every ENI of the region: DescribeNetworkInterfaces, 500 a page. */
  scanEnis(): Promise<Eni[]>;
}

const MAX_INSTANCE_IDS = 100;
const INSTANCE_PAGE = 100;
const MAX_ENI_IDS = 100;
const ENI_PAGE = 500;

const tagsOf = (t: { tag?: Array<{ tagKey?: string; tagValue?: string }> } | undefined): Tags => Object.fromEntries((t?.tag ?? []).map((x) => [x.tagKey ?? '', x.tagValue ?? '']));

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class EcsApi implements EcsInventory, RegionInventory {
  private readonly pop: PopClient;

  constructor(private readonly cfg: CloudConfig) {
    this.pop = new PopClient(ECS, cfg);
  }

  async instances(ids: readonly string[]): Promise<Instance[]> {
    const out: Instance[] = [];
    for (const batch of chunks(ids, MAX_INSTANCE_IDS)) out.push(...(await this.instancePages(JSON.stringify(batch))));
    return out;
  }

  scanInstances(): Promise<Instance[]> {
    return this.instancePages(undefined);
  }

  scanEnis(): Promise<Eni[]> {
    return this.enis({});
  }

  /** Every page of one DescribeInstances query (the given ids, or the whole region). */
  private async instancePages(instanceIds: string | undefined): Promise<Instance[]> {
    const out: Instance[] = [];
    let nextToken: string | undefined;
    do {
      const req = new DescribeInstancesRequest({ regionId: this.cfg.regionId, instanceIds, maxResults: INSTANCE_PAGE, nextToken });
      const res = await cloudCall(() => this.pop.call('DescribeInstances', req, new DescribeInstancesResponse({})));
      for (const i of res.body?.instances?.instance ?? []) out.push(this.toInstance(i));
      nextToken = res.body?.nextToken || undefined;
    } while (nextToken);
    return out;
  }

  async enis(query: { instanceId?: string; eniIds?: readonly string[] }): Promise<Eni[]> {
    const batches = query.eniIds && query.eniIds.length > 0 ? chunks(query.eniIds, MAX_ENI_IDS) : [undefined];
    const out: Eni[] = [];
    for (const batch of batches) {
      let nextToken: string | undefined;
      do {
        const req = new DescribeNetworkInterfacesRequest({
          regionId: this.cfg.regionId,
          instanceId: query.instanceId,
          networkInterfaceId: batch,
          maxResults: ENI_PAGE,
          nextToken,
        });
        const res = await cloudCall(() => this.pop.call('DescribeNetworkInterfaces', req, new DescribeNetworkInterfacesResponse({})));
        for (const e of res.body?.networkInterfaceSets?.networkInterfaceSet ?? []) out.push(this.toEni(e));
        nextToken = res.body?.nextToken || undefined;
      } while (nextToken);
    }
    return out;
  }

  private toInstance(i: DescribeInstancesResponseBodyInstancesInstance): Instance {
    return {
      id: i.instanceId ?? '',
      regionId: this.cfg.regionId,
      instanceType: i.instanceType ?? '',
      status: i.status ?? '',
      vpcId: i.vpcAttributes?.vpcId ?? '',
      vSwitchId: i.vpcAttributes?.vSwitchId ?? '',
      zoneId: i.zoneId ?? '',
      tags: tagsOf(i.tags),
    };
  }

  private toEni(e: DescribeNetworkInterfacesResponseBodyNetworkInterfaceSetsNetworkInterfaceSet): Eni {
    return {
      id: e.networkInterfaceId ?? '',
      regionId: this.cfg.regionId,
      instanceId: e.instanceId || undefined,
      primary: e.type === 'Primary',
      status: (e.status ?? 'Available') as EniStatus,
      vpcId: e.vpcId ?? '',
      vSwitchId: e.vSwitchId ?? '',
      zoneId: e.zoneId ?? '',
      serviceManaged: e.serviceManaged ?? false,
      tags: tagsOf(e.tags),
    };
  }
}
