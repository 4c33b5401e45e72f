import * as $dara from '@darabonba/typescript';
import type { CloudConfig } from './config.js';
import { cloudCall } from './errors.js';
import { PopClient, RawResponse, SLB } from './pop-client.js';

/**
 * Which mirror-target load balancers (internal CLBs) exist (a policy may still name one that was released), each
 * with its zone: DescribeLoadBalancers' MasterZoneId, undefined when the answer has none.
 */
export interface LoadBalancers {
  /**
   * `maxAgeMs`: a CLB this process found at most that long ago (same endpoint, account and region) is taken as still
   * there without asking again; one not found is always asked about.
   */
  existing(ids: readonly string[], opts?: { readonly maxAgeMs?: number }): Promise<Map<string, string | undefined>>;
  /** Forgets what was found of these CLBs (a write toward one was refused): the next look asks. */
  forget(ids: readonly string[]): void;
}

/** CLBs found, per endpoint, account, region and id: when, and the zone. Module-wide, so a warm FC instance keeps it. */
const seen = new Map<string, { at: number; zoneId: string | undefined }>();
const SEEN_MAX = 10_000;

/** DescribeLoadBalancers takes at most 10 comma-separated ids (DescribeLoadBalancers, SLB API reference: LoadBalancerId). */
const IDS_PER_CALL = 10;

/** SLB has no client package on npm (@alicloud/slb20140515 is not published): the request as an openapi-core model. */
class DescribeLoadBalancersRequest extends $dara.Model {
  // `declare`: a field initialiser would reset what the Model constructor assigned from its map.
  declare regionId?: string;
  declare loadBalancerId?: string;
  declare pageSize?: number;
  static names(): Record<string, string> {
    return { regionId: 'RegionId', loadBalancerId: 'LoadBalancerId', pageSize: 'PageSize' };
  }
  static types(): Record<string, string> {
    return { regionId: 'string', loadBalancerId: 'string', pageSize: 'number' };
  }
}

interface LoadBalancersBody {
  LoadBalancers?: { LoadBalancer?: Array<{ LoadBalancerId?: string; MasterZoneId?: string }> };
}

export class SlbApi implements LoadBalancers {
  private readonly pop: PopClient;

  constructor(private readonly cfg: CloudConfig) {
    this.pop = new PopClient(SLB, cfg);
  }

  private key(id: string): string {
    return `${this.cfg.endpoint ?? ''}\u0000${this.cfg.ownership?.accountId ?? ''}\u0000${this.cfg.regionId}\u0000${id}`;
  }

  forget(ids: readonly string[]): void {
    for (const id of ids) seen.delete(this.key(id));
  }

  async existing(ids: readonly string[], opts: { readonly maxAgeMs?: number } = {}): Promise<Map<string, string | undefined>> {
    const found = new Map<string, string | undefined>();
    const now = Date.now();
    const ask: string[] = [];
    for (const id of ids) {
      const hit = seen.get(this.key(id));
      if (hit && opts.maxAgeMs !== undefined && now - hit.at <= opts.maxAgeMs) found.set(id, hit.zoneId);
      else ask.push(id);
    }
    for (const [id, zoneId] of await this.describe(ask)) {
      found.set(id, zoneId);
      if (seen.size >= SEEN_MAX) seen.clear();
      seen.set(this.key(id), { at: now, zoneId });
    }
    return found;
  }

  private async describe(ids: readonly string[]): Promise<Map<string, string | undefined>> {
    const found = new Map<string, string | undefined>();
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
      const batch = ids.slice(i, i + IDS_PER_CALL);
      const req = new DescribeLoadBalancersRequest({ regionId: this.cfg.regionId, loadBalancerId: batch.join(','), pageSize: IDS_PER_CALL });
      const res = await cloudCall(() => this.pop.call('DescribeLoadBalancers', req, new RawResponse<LoadBalancersBody>({})));
      for (const lb of res.body?.LoadBalancers?.LoadBalancer ?? []) if (lb.LoadBalancerId) found.set(lb.LoadBalancerId, lb.MasterZoneId || undefined);
    }
    return found;
  }
}
