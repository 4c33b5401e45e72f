import type { CloudConfig } from './config.js';
import { CloudError, cloudCall } from './errors.js';
import { ESS, PopClient, RawResponse, RpcRequest } from './pop-client.js';

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
 * Auto Scaling (ESS 2014-08-28) as the functions use it: ending or extending a lifecycle action's wait. The hooks
 * themselves are `automirror setup`'s (cli/wiring/ess-hooks.ts, outside shared/ so no function bundles it), so the functions' role needs no hook management.
 */
export interface LifecycleActions {
  /** `ended` when the action had already ended (completed, or timed out) before this call: nothing left to do. */
  completeLifecycleAction(hookId: string, token: string, result: LifecycleResult): Promise<'completed' | 'ended'>;
  recordHeartbeat(hookId: string, token: string): Promise<'recorded' | 'ended'>;
}

/**
 * The answer to a lifecycle action that is no longer Pending (localcloud/README.md: the API reference lists no code
 * for it). Read as "nothing left to do", which makes a duplicate notification's second completion harmless.
 */
export const ACTION_ENDED = 'IncorrectLifecycleActionStatus';

export class EssApi implements LifecycleActions {
  private readonly pop: PopClient;

  constructor(private readonly cfg: CloudConfig) {
    this.pop = new PopClient(ESS, cfg);
  }

  /** One ESS RPC call in the adapter's region (the hook management of `automirror setup` calls through it too). */
  call<B>(action: string, params: Record<string, string | number>): Promise<RawResponse<B>> {
    return cloudCall(() => this.pop.call(action, new RpcRequest({ RegionId: this.cfg.regionId, ...params }), new RawResponse<B>({})));
  }

  /** A call that may find its lifecycle action already ended. */
  private async ended(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return false;
    } catch (err) {
      if (err instanceof CloudError && err.code === ACTION_ENDED) return true;
      throw err;
    }
  }

  async completeLifecycleAction(hookId: string, token: string, result: LifecycleResult): Promise<'completed' | 'ended'> {
    return (await this.ended(() => this.call('CompleteLifecycleAction', { LifecycleHookId: hookId, LifecycleActionToken: token, LifecycleActionResult: result }))) ? 'ended' : 'completed';
  }

  async recordHeartbeat(hookId: string, token: string): Promise<'recorded' | 'ended'> {
    // This operation's parameters are lower camel case in the API reference.
    return (await this.ended(() => this.call('RecordLifecycleActionHeartbeat', { lifecycleHookId: hookId, lifecycleActionToken: token }))) ? 'ended' : 'recorded';
  }
}
