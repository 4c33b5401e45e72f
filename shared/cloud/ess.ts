import * as $dara from '@darabonba/typescript';
import type { CloudConfig } from './config.js';
import { CloudError, cloudCall } from './errors.js';
import { ESS, PopClient, RawResponse } from './pop-client.js';

/** What a lifecycle action ends with: the instance joins the group, or is released (ROLLBACK acts as ABANDON on a scale-out). */
export type LifecycleResult = 'CONTINUE' | 'ABANDON';

export interface ScalingGroup {
  readonly id: string;
  readonly name: string;
}

/** A lifecycle hook as automirror writes and compares it. */
export interface LifecycleHookSpec {
  readonly name: string;
  readonly transition: 'SCALE_OUT';
  readonly defaultResult: LifecycleResult;
  /** Seconds (30–21600). */
  readonly heartbeatTimeout: number;
  readonly notificationArn: string;
  readonly metadata: string;
}

export interface LifecycleHook extends LifecycleHookSpec {
  readonly id: string;
  readonly scalingGroupId: string;
}

/**
 * Auto Scaling (ESS 2014-08-28): the groups a policy names, their lifecycle hooks, and ending or extending a
 * lifecycle action's wait.
 */
export interface AutoScaling {
  scalingGroups(q: { ids?: readonly string[]; tag?: { key: string; value?: string } }): Promise<ScalingGroup[]>;
  lifecycleHooks(scalingGroupId: string): Promise<LifecycleHook[]>;
  createLifecycleHook(scalingGroupId: string, spec: LifecycleHookSpec): Promise<string>;
  modifyLifecycleHook(hookId: string, spec: LifecycleHookSpec): Promise<void>;
  deleteLifecycleHook(hookId: string): Promise<void>;
  /** `ended` when the action had already ended (completed, or timed out) before this call: nothing left to do. */
  completeLifecycleAction(hookId: string, token: string, result: LifecycleResult): Promise<'completed' | 'ended'>;
  recordHeartbeat(hookId: string, token: string): Promise<'recorded' | 'ended'>;
}

/**
 * The answer to a lifecycle action that is no longer Pending (localcloud/README.md: the API reference lists no code
 * for it). Read as "nothing left to do", which makes a duplicate notification's second completion harmless.
 */
export const ACTION_ENDED = 'IncorrectLifecycleActionStatus';

/** ESS has no client package on npm: a request is its RPC parameters, as the API reference names them. */
class EssRequest extends $dara.Model {
  constructor(private readonly params: Record<string, string | number>) {
    super({});
  }
  override toMap(): Record<string, string | number> {
    return this.params;
  }
}

interface HooksBody {
  TotalCount?: number;
  LifecycleHooks?: {
    LifecycleHook?: Array<{
      LifecycleHookId?: string;
      LifecycleHookName?: string;
      ScalingGroupId?: string;
      LifecycleTransition?: string;
      DefaultResult?: string;
      HeartbeatTimeout?: number;
      NotificationArn?: string;
      NotificationMetadata?: string;
    }>;
  };
}

interface GroupsBody {
  TotalCount?: number;
  ScalingGroups?: { ScalingGroup?: Array<{ ScalingGroupId?: string; ScalingGroupName?: string }> };
}

/** DescribeScalingGroups and DescribeLifecycleHooks page by 50 at most. */
const PAGE = 50;
/** Pages read at most: 2,500 groups or hooks, far past a region's. */
const MAX_PAGES = 50;

const hookParams = (spec: LifecycleHookSpec) => ({
  LifecycleTransition: spec.transition,
  DefaultResult: spec.defaultResult,
  HeartbeatTimeout: spec.heartbeatTimeout,
  NotificationArn: spec.notificationArn,
  NotificationMetadata: spec.metadata,
});

export class EssApi implements AutoScaling {
  private readonly pop: PopClient;

  constructor(private readonly cfg: CloudConfig) {
    this.pop = new PopClient(ESS, cfg);
  }

  private call<B>(action: string, params: Record<string, string | number>): Promise<RawResponse<B>> {
    return cloudCall(() => this.pop.call(action, new EssRequest({ RegionId: this.cfg.regionId, ...params }), new RawResponse<B>({})));
  }

  /** A call that may find its lifecycle action already ended. */
  private async onAction(action: string, params: Record<string, string>): Promise<boolean> {
    try {
      await this.call(action, params);
      return true;
    } catch (err) {
      if (err instanceof CloudError && err.code === ACTION_ENDED) return false;
      throw err;
    }
  }

  async scalingGroups(q: { ids?: readonly string[]; tag?: { key: string; value?: string } }): Promise<ScalingGroup[]> {
    const filter: Record<string, string> = {};
    q.ids?.forEach((id, i) => {
      filter[`ScalingGroupId.${i + 1}`] = id;
    });
    if (q.tag) Object.assign(filter, { 'Tag.1.Key': q.tag.key, ...(q.tag.value !== undefined ? { 'Tag.1.Value': q.tag.value } : {}) });
    const out: ScalingGroup[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = (await this.call<GroupsBody>('DescribeScalingGroups', { ...filter, PageNumber: page, PageSize: PAGE })).body;
      const rows = body?.ScalingGroups?.ScalingGroup ?? [];
      for (const g of rows) if (g.ScalingGroupId) out.push({ id: g.ScalingGroupId, name: g.ScalingGroupName ?? '' });
      if (rows.length < PAGE || out.length >= (body?.TotalCount ?? 0)) break;
    }
    return out;
  }

  async lifecycleHooks(scalingGroupId: string): Promise<LifecycleHook[]> {
    const out: LifecycleHook[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = (await this.call<HooksBody>('DescribeLifecycleHooks', { ScalingGroupId: scalingGroupId, PageNumber: page, PageSize: PAGE })).body;
      const rows = body?.LifecycleHooks?.LifecycleHook ?? [];
      for (const h of rows) {
        if (!h.LifecycleHookId) continue;
        out.push({
          id: h.LifecycleHookId,
          scalingGroupId: h.ScalingGroupId ?? scalingGroupId,
          name: h.LifecycleHookName ?? '',
          transition: h.LifecycleTransition as 'SCALE_OUT',
          defaultResult: h.DefaultResult as LifecycleResult,
          heartbeatTimeout: Number(h.HeartbeatTimeout ?? 0),
          notificationArn: h.NotificationArn ?? '',
          metadata: h.NotificationMetadata ?? '',
        });
      }
      if (rows.length < PAGE || out.length >= (body?.TotalCount ?? 0)) break;
    }
    return out;
  }

  async createLifecycleHook(scalingGroupId: string, spec: LifecycleHookSpec): Promise<string> {
    const res = await this.call<{ LifecycleHookId?: string }>('CreateLifecycleHook', { ScalingGroupId: scalingGroupId, LifecycleHookName: spec.name, ...hookParams(spec) });
    return res.body?.LifecycleHookId ?? '';
  }

  async modifyLifecycleHook(hookId: string, spec: LifecycleHookSpec): Promise<void> {
    await this.call('ModifyLifecycleHook', { LifecycleHookId: hookId, ...hookParams(spec) });
  }

  async deleteLifecycleHook(hookId: string): Promise<void> {
    await this.call('DeleteLifecycleHook', { LifecycleHookId: hookId });
  }

  async completeLifecycleAction(hookId: string, token: string, result: LifecycleResult): Promise<'completed' | 'ended'> {
    return (await this.onAction('CompleteLifecycleAction', { LifecycleHookId: hookId, LifecycleActionToken: token, LifecycleActionResult: result })) ? 'completed' : 'ended';
  }

  async recordHeartbeat(hookId: string, token: string): Promise<'recorded' | 'ended'> {
    // This operation's parameters are lower camel case in the API reference.
    return (await this.onAction('RecordLifecycleActionHeartbeat', { lifecycleHookId: hookId, lifecycleActionToken: token })) ? 'recorded' : 'ended';
  }
}
