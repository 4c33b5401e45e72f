import { randomUUID } from 'node:crypto';
import { ApiError, invalidParameter } from '../core/api-error.js';
import { newId, newRequestId } from '../core/ids.js';
import { pageByNumber } from '../core/paging.js';
import { matchesTags } from '../core/tags.js';
import { deleteInstance, runInstances } from '../ecs/instances.js';
import type { MnsService } from '../mns/service.js';
import { Params } from '../pop/params.js';
import type { PopContext, PopProduct } from '../pop/protocol.js';
import type { CloudState, LifecycleActionRec, LifecycleHookRec, LifecycleResult, RegionState, ScalingGroupRec } from '../state.js';

/**
 * Auto Scaling (ESS) 2014-08-28, the part a lifecycle hook needs: scaling groups, SCALE_OUT lifecycle hooks, a
 * manual scale-out (ScaleWithAdjustment) that launches through ECS's own RunInstances (so ECS's events flow), the
 * wait state, the notification to the hook's MNS queue or topic, heartbeats, CompleteLifecycleAction and the
 * heartbeat timeout with the hook's default result. Codes the docs do not give are in localcloud/README.md.
 */
export interface EssOptions {
  readonly mns: MnsService;
  /** A documented second (HeartbeatTimeout counts in them), in ms. */
  readonly secondMs: number;
}

/** CreateLifecycleHook: 30–21600 s, default 600; at most 6 hooks a group (API reference, 2014-08-28). */
const HEARTBEAT = { min: 30, max: 21600, default: 600 };
const HOOKS_PER_GROUP = 6;
const RESULTS: readonly LifecycleResult[] = ['CONTINUE', 'ABANDON', 'ROLLBACK'];
/** `acs:ess:{region}:{account-id}:queue/{name}` or `…:topic/{name}` (OOS templates are not served). */
const ARN = /^acs:ess:([a-z0-9-]+):(\d+):(queue|topic)\/([A-Za-z0-9-]{1,256})$/;

const groupNotFound = (id: string) => new ApiError('InvalidScalingGroupId.NotFound', `The specified scaling group "${id}" does not exist.`, 404);
const hookNotFound = () => new ApiError('InvalidLifecycleHookId.NotExist', 'The specified lifecycle hook does not exist.', 404);

function requireGroup(r: RegionState, id: string | undefined): ScalingGroupRec {
  if (!id) throw new ApiError('MissingParameter', 'The input parameter "ScalingGroupId" that is mandatory for processing this request is not supplied.');
  const g = r.scalingGroups.get(id);
  if (!g) throw groupNotFound(id);
  return g;
}

/** A hook by LifecycleHookId alone, or by ScalingGroupId and LifecycleHookName (ModifyLifecycleHook's two ways). */
function findHook(r: RegionState, p: Params, idParam = 'LifecycleHookId'): { group: ScalingGroupRec; hook: LifecycleHookRec } {
  const id = p.str(idParam);
  if (id) {
    for (const group of r.scalingGroups.values()) {
      const hook = group.hooks.get(id);
      if (hook) return { group, hook };
    }
    throw hookNotFound();
  }
  const group = requireGroup(r, p.str('ScalingGroupId'));
  const hook = [...group.hooks.values()].find((h) => h.lifecycleHookName === p.str('LifecycleHookName'));
  if (!hook) throw hookNotFound();
  return { group, hook };
}

function checkArn(arn: string | undefined, r: RegionState, state: CloudState): string {
  if (!arn) return '';
  const m = ARN.exec(arn);
  if (!m || m[1] !== r.regionId || m[2] !== state.accountId) throw invalidParameter('NotificationArn', `"${arn}" is not acs:ess:${r.regionId}:${state.accountId}:queue/<name> or topic/<name>`);
  return arn;
}

function hookFields(p: Params, r: RegionState, state: CloudState, base?: LifecycleHookRec): Omit<LifecycleHookRec, 'lifecycleHookId'> {
  const name = p.str('LifecycleHookName');
  if (name !== undefined && !/^[A-Za-z0-9\u4e00-\u9fa5][A-Za-z0-9\u4e00-\u9fa5_.-]{1,63}$/.test(name))
    throw invalidParameter('LifecycleHookName', '2–64 characters, starting with a letter, digit or Chinese character');
  const transition = p.oneOf('LifecycleTransition', ['SCALE_OUT', 'SCALE_IN'] as const);
  const result = p.oneOf('DefaultResult', RESULTS);
  const metadata = p.str('NotificationMetadata');
  if (metadata !== undefined && metadata.length > 128) throw invalidParameter('NotificationMetadata', 'at most 128 characters');
  return {
    lifecycleHookName: name ?? base?.lifecycleHookName ?? '',
    lifecycleTransition: transition ?? base?.lifecycleTransition ?? 'SCALE_OUT',
    defaultResult: result ?? base?.defaultResult ?? 'CONTINUE',
    heartbeatTimeout: p.int('HeartbeatTimeout', HEARTBEAT) ?? base?.heartbeatTimeout ?? HEARTBEAT.default,
    notificationArn: p.has('NotificationArn') ? checkArn(p.str('NotificationArn'), r, state) : (base?.notificationArn ?? ''),
    notificationMetadata: metadata ?? base?.notificationMetadata ?? '',
  };
}

const hookView = (g: ScalingGroupRec, h: LifecycleHookRec) => ({
  ScalingGroupId: g.scalingGroupId,
  LifecycleHookId: h.lifecycleHookId,
  LifecycleHookName: h.lifecycleHookName,
  LifecycleTransition: h.lifecycleTransition,
  DefaultResult: h.defaultResult,
  HeartbeatTimeout: h.heartbeatTimeout,
  NotificationArn: h.notificationArn,
  NotificationMetadata: h.notificationMetadata,
  LifecycleHookStatus: 'Active',
});

/** `Name.N` values, or the same as a JSON array in `Names` (the newer form). */
function idsOf(p: Params, name: string): Set<string> | undefined {
  const many = p.str(`${name}s`);
  let list = p.list(name);
  if (many) {
    try {
      list = JSON.parse(many);
    } catch {
      throw invalidParameter(`${name}s`, 'not a JSON array');
    }
    if (!Array.isArray(list)) throw invalidParameter(`${name}s`, 'not a JSON array');
  }
  if (list.length > 20) throw invalidParameter(name, 'at most 20 values');
  return list.length > 0 ? new Set(list.map(String)) : undefined;
}

export function essProduct(state: CloudState, o: EssOptions): PopProduct {
  const launch = runInstances(state);
  const release = deleteInstance(state);
  /** ESS calls ECS as itself: an internal request with no caller key (ActionTrail names the account). */
  const ecsCall = (op: (ctx: PopContext) => Record<string, unknown>, action: string, params: Record<string, string>) =>
    op({ product: 'Ecs', version: '2014-05-26', action, params: Params.from(Object.entries(params)), accessKeyId: '', accountId: state.accountId, requestId: newRequestId(), signature: 'ACS3' });

  const notify = (r: RegionState, g: ScalingGroupRec, hook: LifecycleHookRec, a: LifecycleActionRec): void => {
    const m = ARN.exec(hook.notificationArn);
    if (!m) return;
    const body = JSON.stringify({
      content: {
        lifecycleHookId: hook.lifecycleHookId,
        lifecycleHookName: hook.lifecycleHookName,
        lifecycleActionToken: a.token,
        lifecycleTransition: hook.lifecycleTransition,
        defaultResult: hook.defaultResult,
        notificationMetadata: hook.notificationMetadata,
        scalingGroupId: g.scalingGroupId,
        scalingGroupName: g.scalingGroupName,
        scalingActivityId: a.scalingActivityId,
        instanceIds: a.instanceIds,
      },
      product: 'ESS',
      resourceArn: `acs:ess:${r.regionId}:${state.accountId}:scalinggroup/${g.scalingGroupId}`,
      regionId: r.regionId,
      time: new Date(state.now()).toISOString(),
      userId: state.accountId,
      requestId: newRequestId(),
    });
    // A queue or topic that does not exist (any more) loses the notification; the timeout still ends the wait.
    if (m[3] === 'queue') o.mns.queues.get(m[4])?.send(body);
    else o.mns.topics.get(m[4])?.publish(body);
  };

  /** The wait ends for the activity once every hook's action has: ABANDON or ROLLBACK from any releases the instances. */
  const settleActivity = (r: RegionState, g: ScalingGroupRec, activityId: string): void => {
    const actions = [...g.actions.values()].filter((a) => a.scalingActivityId === activityId);
    if (actions.some((a) => a.status === 'Pending')) return;
    const abandon = actions.some((a) => a.result !== 'CONTINUE');
    for (const id of actions[0]?.instanceIds ?? []) {
      if (!abandon) {
        g.instances.set(id, 'InService');
        continue;
      }
      g.instances.delete(id);
      if (r.instances.has(id)) ecsCall(release, 'DeleteInstance', { RegionId: r.regionId, InstanceId: id, Force: 'true' });
    }
  };

  const end = (r: RegionState, g: ScalingGroupRec, a: LifecycleActionRec, status: 'Completed' | 'Timeout', result: LifecycleResult): void => {
    a.status = status;
    a.result = result;
    settleActivity(r, g, a.scalingActivityId);
  };

  const armTimeout = (r: RegionState, g: ScalingGroupRec, a: LifecycleActionRec, seconds: number): void => {
    const generation = ++a.generation;
    state.after(seconds * o.secondMs, () => {
      const hook = g.hooks.get(a.lifecycleHookId);
      if (a.status === 'Pending' && a.generation === generation) end(r, g, a, 'Timeout', hook?.defaultResult ?? 'CONTINUE');
    });
  };

  /** Once every instance of the activity runs, each SCALE_OUT hook holds them (Pending:Wait) and notifies. */
  const hold = (r: RegionState, g: ScalingGroupRec, activityId: string, instanceIds: string[]): void => {
    const running = instanceIds.every((id) => r.instances.get(id)?.status === 'Running' || !r.instances.has(id));
    if (!running) {
      state.later(() => hold(r, g, activityId, instanceIds));
      return;
    }
    const hooks = [...g.hooks.values()].filter((h) => h.lifecycleTransition === 'SCALE_OUT');
    for (const id of instanceIds) g.instances.set(id, hooks.length > 0 ? 'Pending:Wait' : 'InService');
    for (const hook of hooks) {
      const a: LifecycleActionRec = { token: randomUUID().toUpperCase(), lifecycleHookId: hook.lifecycleHookId, scalingActivityId: activityId, instanceIds, status: 'Pending', generation: 0 };
      g.actions.set(a.token, a);
      armTimeout(r, g, a, hook.heartbeatTimeout);
      notify(r, g, hook, a);
    }
  };

  /** The Pending action a token names, under the hook the call names. */
  const pendingAction = (r: RegionState, hookId: string, token: string): { group: ScalingGroupRec; action: LifecycleActionRec } => {
    const { group } = findHook(r, Params.from([['LifecycleHookId', hookId]]));
    const action = group.actions.get(token);
    if (!action || action.lifecycleHookId !== hookId) throw new ApiError('InvalidLifecycleActionToken.NotFound', 'The specified lifecycle action token does not exist.', 404);
    if (action.status !== 'Pending') throw new ApiError('IncorrectLifecycleActionStatus', `The lifecycle action is ${action.status}, not Pending.`, 400);
    return { group, action };
  };

  const region = (ctx: PopContext) => state.region(ctx.params.str('RegionId'));
  return {
    product: 'Ess',
    version: '2014-08-28',
    hostId: 'ess.aliyuncs.com',
    operations: {
      DescribeScalingGroups: (ctx) => {
        const r = region(ctx);
        const p = ctx.params;
        const ids = idsOf(p, 'ScalingGroupId');
        const tags = p.objects('Tag', 20);
        const pageNumber = p.int('PageNumber', { min: 1 }) ?? 1;
        const pageSize = p.int('PageSize', { min: 1, max: 50 }) ?? 10;
        const matching = r.scalingGroups.sorted().filter((g) => (!ids || ids.has(g.scalingGroupId)) && (tags.length === 0 || matchesTags(g.tags, tags)));
        const pg = pageByNumber(matching, undefined, pageNumber, pageSize);
        return {
          TotalCount: pg.total,
          PageNumber: pageNumber,
          PageSize: pageSize,
          ScalingGroups: {
            ScalingGroup: pg.items.map((g) => ({
              ScalingGroupId: g.scalingGroupId,
              ScalingGroupName: g.scalingGroupName,
              RegionId: r.regionId,
              LifecycleState: 'Active',
              VSwitchId: g.vSwitchId,
              VSwitchIds: { VSwitchId: [g.vSwitchId] },
              TotalCapacity: g.instances.size,
              ActiveCapacity: [...g.instances.values()].filter((s) => s === 'InService').length,
              PendingWaitCapacity: [...g.instances.values()].filter((s) => s === 'Pending:Wait').length,
              CreationTime: g.creationTime,
              Tags: { Tag: [...g.tags].map(([Key, Value]) => ({ Key, Value })) },
            })),
          },
        };
      },
      DescribeScalingInstances: (ctx) => {
        const r = region(ctx);
        const g = requireGroup(r, ctx.params.str('ScalingGroupId'));
        const only = new Set(ctx.params.list('InstanceId'));
        const rows = [...g.instances].filter(([id]) => only.size === 0 || only.has(id));
        return {
          TotalCount: rows.length,
          ScalingInstances: { ScalingInstance: rows.map(([id, s]) => ({ InstanceId: id, ScalingGroupId: g.scalingGroupId, LifecycleState: s, HealthStatus: 'Healthy', CreationType: 'AutoCreated' })) },
        };
      },
      CreateLifecycleHook: (ctx) => {
        const r = region(ctx);
        const g = requireGroup(r, ctx.params.str('ScalingGroupId'));
        ctx.params.required('LifecycleTransition');
        const fields = hookFields(ctx.params, r, state);
        if (g.hooks.size >= HOOKS_PER_GROUP) throw new ApiError('QuotaExceed.LifecycleHook', `A scaling group has at most ${HOOKS_PER_GROUP} lifecycle hooks.`);
        const id = newId('ash');
        const name = fields.lifecycleHookName || id;
        if ([...g.hooks.values()].some((h) => h.lifecycleHookName === name))
          throw new ApiError('LifecycleHookNameDuplicate', `The lifecycle hook name "${name}" is already used in this scaling group.`);
        g.hooks.set(id, { ...fields, lifecycleHookId: id, lifecycleHookName: name });
        return { LifecycleHookId: id };
      },
      ModifyLifecycleHook: (ctx) => {
        const r = region(ctx);
        const { group, hook } = findHook(r, ctx.params);
        const p = ctx.params;
        // LifecycleHookName names the hook when it is addressed by group and name; NewLifecycleHookName renames it.
        const renamed = Params.from([...p.keys()].filter((k) => k !== 'LifecycleHookName').map((k) => [k, p.str(k) ?? ''] as [string, string]));
        const fields = hookFields(renamed, r, state, hook);
        const newName = p.str('NewLifecycleHookName');
        if (newName && [...group.hooks.values()].some((h) => h !== hook && h.lifecycleHookName === newName))
          throw new ApiError('LifecycleHookNameDuplicate', `The lifecycle hook name "${newName}" is already used in this scaling group.`);
        Object.assign(hook, fields, newName ? { lifecycleHookName: newName } : {});
        return {};
      },
      DeleteLifecycleHook: (ctx) => {
        const r = region(ctx);
        const { group, hook } = findHook(r, ctx.params);
        group.hooks.delete(hook.lifecycleHookId);
        // Its pending actions end as its default result would have ended them.
        for (const a of group.actions.values()) if (a.lifecycleHookId === hook.lifecycleHookId && a.status === 'Pending') end(r, group, a, 'Completed', hook.defaultResult);
        return {};
      },
      DescribeLifecycleHooks: (ctx) => {
        const r = region(ctx);
        const p = ctx.params;
        const ids = idsOf(p, 'LifecycleHookId');
        const groups = p.str('ScalingGroupId') ? [requireGroup(r, p.str('ScalingGroupId'))] : r.scalingGroups.sorted();
        const name = p.str('LifecycleHookName');
        const rows = groups.flatMap((g) => [...g.hooks.values()].filter((h) => (!ids || ids.has(h.lifecycleHookId)) && (!name || h.lifecycleHookName === name)).map((h) => hookView(g, h)));
        const pageNumber = p.int('PageNumber', { min: 1 }) ?? 1;
        const pageSize = p.int('PageSize', { min: 1, max: 50 }) ?? 10;
        const pg = pageByNumber(rows, undefined, pageNumber, pageSize);
        return { TotalCount: pg.total, PageNumber: pageNumber, PageSize: pageSize, LifecycleHooks: { LifecycleHook: pg.items } };
      },
      DescribeLifecycleActions: (ctx) => {
        const r = region(ctx);
        const activityId = ctx.params.required('ScalingActivityId');
        const status = ctx.params.oneOf('LifecycleActionStatus', ['Pending', 'Timeout', 'Completed'] as const);
        const rows = [...r.scalingGroups.values()].flatMap((g) => [...g.actions.values()]).filter((a) => a.scalingActivityId === activityId && (!status || a.status === status));
        return {
          TotalCount: rows.length,
          LifecycleActions: {
            LifecycleAction: rows.map((a) => ({
              LifecycleHookId: a.lifecycleHookId,
              LifecycleActionToken: a.token,
              LifecycleActionStatus: a.status,
              LifecycleActionResult: a.result ?? '',
              InstanceIds: { InstanceId: a.instanceIds },
            })),
          },
        };
      },
      ScaleWithAdjustment: (ctx) => {
        const r = region(ctx);
        const p = ctx.params;
        const g = requireGroup(r, p.str('ScalingGroupId'));
        const type = p.required('AdjustmentType');
        if (type !== 'QuantityChangeInCapacity') throw invalidParameter('AdjustmentType', 'only QuantityChangeInCapacity is served');
        // Scale-in is not served: a negative adjustment would need instance selection and SCALE_IN hooks.
        const n = p.int('AdjustmentValue', { min: 1, max: 100, required: true }) as number;
        const params: Record<string, string> = {
          RegionId: r.regionId,
          ImageId: g.imageId,
          InstanceType: g.instanceType,
          VSwitchId: g.vSwitchId,
          Amount: String(n),
          SecurityGroupId: g.securityGroupIds[0] ?? '',
        };
        [...g.instanceTags].forEach(([k, v], i) => Object.assign(params, { [`Tag.${i + 1}.Key`]: k, [`Tag.${i + 1}.Value`]: v }));
        const launched = ecsCall(launch, 'RunInstances', params) as { InstanceIdSets: { InstanceIdSet: string[] } };
        const instanceIds = launched.InstanceIdSets.InstanceIdSet;
        const activityId = newId('asa');
        for (const id of instanceIds) g.instances.set(id, 'Pending');
        hold(r, g, activityId, instanceIds);
        return { ScalingActivityId: activityId };
      },
      CompleteLifecycleAction: (ctx) => {
        const r = region(ctx);
        const p = ctx.params;
        const result = p.oneOf('LifecycleActionResult', RESULTS) ?? 'CONTINUE';
        const { group, action } = pendingAction(r, p.required('LifecycleHookId'), p.required('LifecycleActionToken'));
        end(r, group, action, 'Completed', result);
        return {};
      },
      // This operation's parameters are lower camel case in the API reference (lifecycleHookId, lifecycleActionToken, heartbeatTimeout).
      RecordLifecycleActionHeartbeat: (ctx) => {
        const r = region(ctx);
        const p = ctx.params;
        const seconds = p.int('heartbeatTimeout', HEARTBEAT);
        const { group, action } = pendingAction(r, p.required('lifecycleHookId'), p.required('lifecycleActionToken'));
        const hook = group.hooks.get(action.lifecycleHookId) as LifecycleHookRec;
        armTimeout(r, group, action, seconds ?? hook.heartbeatTimeout);
        return {};
      },
    },
  };
}
