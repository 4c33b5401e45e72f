import { ActionTrailApi } from '../cloud/actiontrail.js';
import type { CallWrapper, CloudConfig } from '../cloud/config.js';
import { EcsApi } from '../cloud/ecs.js';
import { isThrottling } from '../cloud/errors.js';
import { EssApi } from '../cloud/ess.js';
import { CmsMetrics } from '../cloud/metrics.js';
import { ResourceDirectoryApi } from '../cloud/resource-directory.js';
import { SlbApi } from '../cloud/slb.js';
import { VpcMirrorApi } from '../cloud/vpc.js';
import { type Clock, systemClock } from './clock.js';
import { RateLimiter } from './rate-limiter.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry.js';

export interface CallPolicyOptions {
  readonly clock?: Clock;
  readonly retry?: RetryPolicy;
  readonly limiter?: RateLimiter;
  readonly random?: () => number;
}

/**
 * How the engine calls the cloud: each POP request waits for its operation's rate-limit slot and is retried with
 * backoff on retryable failures; a throttling answer slows every caller of that operation, not just this one.
 */
export function callPolicy(opts: CallPolicyOptions = {}): CallWrapper {
  const clock = opts.clock ?? systemClock;
  const limiter = opts.limiter ?? new RateLimiter(clock);
  const retry = opts.retry ?? DEFAULT_RETRY;
  return (action, send) =>
    withRetry(
      async () => {
        await limiter.acquire(action);
        const result = await send();
        limiter.succeeded(action);
        return result;
      },
      retry,
      { clock, random: opts.random, onRetryable: (e, wait) => isThrottling(e) && limiter.throttled(action, wait) },
    );
}

/**
 * The ECS, VPC, SLB, ActionTrail and ESS adapters as the engine uses them: every request under `callPolicy`. A wrapper already in the
 * config (e.g. call counting) stays innermost, so it sees each attempt.
 */
export function engineAdapters(cfg: CloudConfig, opts: CallPolicyOptions = {}): { ecs: EcsApi; vpc: VpcMirrorApi; slb: SlbApi; trail: ActionTrailApi; ess: EssApi } {
  const c = underPolicy(cfg, opts);
  return { ecs: new EcsApi(c), vpc: new VpcMirrorApi(c), slb: new SlbApi(c), trail: new ActionTrailApi(c), ess: new EssApi(c) };
}

/** CloudMonitor custom metrics under the same call policy (its QPS limit is the region's: 50–200 a second). */
export function metricsAdapter(cfg: CloudConfig, groupId: string, opts: CallPolicyOptions = {}): CmsMetrics {
  return new CmsMetrics(underPolicy(cfg, opts), groupId);
}

/** The Resource Directory's listing under the same call policy: its pages are retried and throttled like any read. */
export function directoryAdapter(cfg: CloudConfig, opts: CallPolicyOptions = {}): ResourceDirectoryApi {
  return new ResourceDirectoryApi(underPolicy(cfg, opts));
}

function underPolicy(cfg: CloudConfig, opts: CallPolicyOptions): CloudConfig {
  const policy = callPolicy(opts);
  const inner = cfg.around;
  const around: CallWrapper = inner ? (action, send) => policy(action, () => inner(action, send)) : policy;
  return { ...cfg, around };
}
