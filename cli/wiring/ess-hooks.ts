import type { EssApi, LifecycleHook, LifecycleHookSpec, LifecycleResult, ScalingGroup } from '../../shared/cloud/ess.js';

/**
 * The scaling groups a policy names and their lifecycle hooks, as `automirror setup` and `teardown` manage them
 * (ESS 2014-08-28: DescribeScalingGroups, DescribeLifecycleHooks, Create/Modify/DeleteLifecycleHook), through the
 * functions' ESS adapter and its call policy. The functions never call these: their role does not grant them.
 */
export interface HookManagement {
  scalingGroups(q: { ids?: readonly string[]; tag?: { key: string; value?: string } }): Promise<ScalingGroup[]>;
  lifecycleHooks(scalingGroupId: string): Promise<LifecycleHook[]>;
  createLifecycleHook(scalingGroupId: string, spec: LifecycleHookSpec): Promise<string>;
  modifyLifecycleHook(hookId: string, spec: LifecycleHookSpec): Promise<void>;
  deleteLifecycleHook(hookId: string): Promise<void>;
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

export class EssHooks implements HookManagement {
  constructor(private readonly ess: EssApi) {}

  private call<B>(action: string, params: Record<string, string | number>) {
    return this.ess.call<B>(action, params);
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
}
