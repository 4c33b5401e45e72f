import { ApiError } from '../core/api-error.js';
import { lookupOperation } from './operation-key.js';
import type { PopContext, PopInterceptor } from './protocol.js';

export interface RateLimit {
  perMinute?: number;
  perSecond?: number;
  /** Calls allowed at once after a quiet period (default: one second's or one minute's worth, as given). */
  burst?: number;
}

/** By `Action`, `Product.Action` or `*` (every operation not named); `false` turns flow control off. */
export type RateLimits = Record<string, RateLimit | false>;

const PER_SECOND = (perSecond: number): RateLimit => ({ perSecond });
const READ = PER_SECOND(200);
const WRITE = PER_SECOND(10);
const EVENTBRIDGE = PER_SECOND(10);

/**
 * Flow control of every POP operation localcloud serves, per account and operation. Only CreateTrafficMirrorSession's
 * limit is published (600 in 60 s, its flow-control note in the VPC API reference); the others are assumptions,
 * listed with their reasons in localcloud/README.md: other writes 10 a second (Create's sustained rate, in a
 * one-second window), reads 200 a second, EventBridge rule calls 10 a second. A world's own limits come first; these
 * apply to the operations it leaves out.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  // VPC 2016-04-28
  CreateTrafficMirrorSession: { perMinute: 600 },
  UpdateTrafficMirrorSessionAttribute: WRITE,
  AddSourcesToTrafficMirrorSession: WRITE,
  RemoveSourcesFromTrafficMirrorSession: WRITE,
  DeleteTrafficMirrorSession: WRITE,
  CreateTrafficMirrorFilter: WRITE,
  OpenTrafficMirrorService: WRITE,
  'Vpc.TagResources': WRITE,
  UnTagResources: WRITE,
  ListTrafficMirrorSessions: READ,
  ListTrafficMirrorFilters: READ,
  GetTrafficMirrorServiceStatus: READ,
  'Vpc.DescribeRegions': READ,
  'Vpc.ListTagResources': READ,
  // ECS 2014-05-26
  RunInstances: WRITE,
  DeleteInstance: WRITE,
  CreateNetworkInterface: WRITE,
  AttachNetworkInterface: WRITE,
  DetachNetworkInterface: WRITE,
  DeleteNetworkInterface: WRITE,
  'Ecs.TagResources': WRITE,
  UntagResources: WRITE,
  DescribeInstances: READ,
  DescribeNetworkInterfaces: READ,
  'Ecs.ListTagResources': READ,
  // SLB 2014-05-15
  DescribeLoadBalancers: READ,
  DescribeLoadBalancerAttribute: READ,
  // ActionTrail 2020-07-06: "at most twice per second" (LookupEvents)
  LookupEvents: { perSecond: 2 },
  // ESS 2014-08-28: the same split of reads and writes
  DescribeScalingGroups: READ,
  DescribeScalingInstances: READ,
  DescribeLifecycleHooks: READ,
  DescribeLifecycleActions: READ,
  CreateLifecycleHook: WRITE,
  ModifyLifecycleHook: WRITE,
  DeleteLifecycleHook: WRITE,
  ScaleWithAdjustment: WRITE,
  CompleteLifecycleAction: WRITE,
  RecordLifecycleActionHeartbeat: WRITE,
  // CloudMonitor 2019-01-01: assumed, as the other reads and writes
  PutCustomMetric: READ,
  DescribeCustomMetricList: READ,
  PutResourceMetricRule: WRITE,
  DescribeMetricRuleList: READ,
  DeleteMetricRules: WRITE,
  // STS 2015-04-01 and Resource Manager 2020-03-31 (localcloud/org): assumed, as the other reads
  AssumeRole: READ,
  ListAccounts: READ,
  ListAccountsForParent: READ,
  // EventBridge 2020-04-01
  CreateRule: EVENTBRIDGE,
  UpdateRule: EVENTBRIDGE,
  DeleteRule: EVENTBRIDGE,
  EnableRule: EVENTBRIDGE,
  DisableRule: EVENTBRIDGE,
  PutTargets: EVENTBRIDGE,
  DeleteTargets: EVENTBRIDGE,
  GetRule: EVENTBRIDGE,
  ListRules: EVENTBRIDGE,
  ListTargets: EVENTBRIDGE,
  TestEventPattern: EVENTBRIDGE,
};

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Per-operation flow control with token buckets, answered as the gateway does: HTTP 400 `Throttling.User` with
 * `x-acs-retry-after` (ms), which the SDK raises as ThrottlingError with `retryAfter`.
 */
export class Throttle implements PopInterceptor {
  private given: RateLimits = {};
  /** A member account's own limits (limits are per account), in place of `given` for its keys. */
  private readonly byAccount = new Map<string, RateLimits>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /** Replaces the world's limits (the defaults still apply to operations they leave out); buckets start full. */
  set(limits: RateLimits): void {
    this.given = { ...limits };
    this.buckets.clear();
  }

  /** The limits of a member account's keys (the defaults still apply to operations they leave out). */
  setAccount(accountId: string, limits: RateLimits): void {
    this.byAccount.set(accountId, { ...limits });
    for (const k of this.buckets.keys()) if (k.startsWith(`${accountId}/`)) this.buckets.delete(k);
  }

  /** The limits in force: the world's, over the defaults unless the world set `*` (which leaves no default). */
  get(): RateLimits {
    return '*' in this.given ? { ...this.given } : { ...DEFAULT_RATE_LIMITS, ...this.given };
  }

  /** The world's own entry (`Product.Action`, `Action`, then `*`), else the default; undefined = not limited. */
  private limitOf(ctx: PopContext): RateLimit | undefined {
    const given = this.byAccount.get(ctx.accountId) ?? this.given;
    const limit = lookupOperation(given, ctx) ?? given['*'] ?? lookupOperation(DEFAULT_RATE_LIMITS, ctx);
    return limit === false ? undefined : limit;
  }

  before(ctx: PopContext): void {
    const limit = this.limitOf(ctx);
    if (!limit) return;
    const perMs = limit.perSecond !== undefined ? limit.perSecond / 1000 : (limit.perMinute ?? Infinity) / 60_000;
    const capacity = limit.burst ?? limit.perSecond ?? limit.perMinute ?? Infinity;
    // Buckets are per account and operation: one account's traffic never spends another's.
    const key = `${ctx.accountId}/${ctx.product}.${ctx.action}`;
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: capacity, updated: t };
    b.tokens = Math.min(capacity, b.tokens + (t - b.updated) * perMs);
    b.updated = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / perMs));
      throw new ApiError('Throttling.User', 'Request was denied due to user flow control.', 400, { 'x-acs-retry-after': String(retryAfter) });
    }
    b.tokens -= 1;
  }
}
