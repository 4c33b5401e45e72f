import { DEFAULT_MEMBER_ROLE } from './cloud/accounts.js';
import { isAccountId } from './domain.js';
import { BadInput } from './events/bad-input.js';

/**
 * Which accounts the scheduled reconcile covers: the deployment's own (the default), a fixed list, or the members
 * of the Resource Directory (or of one of its folders), listed at the start of every run.
 */
export type AccountScope = { readonly kind: 'own' } | { readonly kind: 'list'; readonly accountIds: readonly string[] } | { readonly kind: 'resource-directory'; readonly folderId?: string };

/**
 * Names and knobs shared by the functions (read from their environment, set in s.yaml) and by the CLI's setup
 * step (which creates what s.yaml cannot). One place, so the two can't disagree.
 */
export interface Settings {
  readonly onEventFunction: string;
  readonly ecsTrigger: string;
  /** The VPC ActionTrail trigger: traffic mirror session writes, checked for unapproved mirroring. */
  readonly vpcTrigger: string;
  /**
   * The events route: default-bus rules (named by ecsTrigger and vpcTrigger) whose target is this MNS queue, and
   * the queue trigger on on-event that takes it in batches (FC batches custom event sources only, not service events).
   */
  readonly eventsQueue: string;
  readonly eventsTrigger: string;
  /** The queue trigger's batch window: events per invocation (CountBasedWindow) and seconds (TimeBasedWindow, 0–15). */
  readonly eventsBatch: number;
  readonly eventsWindowSeconds: number;
  /** Work that can't be done yet waits here (with a delay) and comes back through on-event's queue trigger. */
  readonly deferQueue: string;
  /** Where our Auto Scaling lifecycle hooks notify (queue trigger on on-event): scale-outs held until mirrored. */
  readonly lifecycleQueue: string;
  /** The MNS queue trigger `automirror setup` puts on on-event for the lifecycle queue. */
  readonly lifecycleTrigger: string;
  /** FC's onFailure destination for events that failed all async retries; the reconcile drains it into its report. */
  readonly failedQueue: string;
  readonly reportTopic: string;
  /** Seconds a deferred piece of work waits before it is tried again. */
  readonly deferDelaySeconds: number;
  /** Deferrals before work is given up on (and left to the scheduled reconcile, which reports it). */
  readonly maxDeferrals: number;
  /** The scheduled fan-out (timer trigger) and the function it starts once per region, asynchronously. */
  readonly reconcileFunction: string;
  readonly reconcileRegionFunction: string;
  /** Regions the scheduled reconcile covers; empty means the region the function runs in. */
  readonly regions: readonly string[];
  /** What a reconcile does when its trigger does not say: `report` (changes nothing) or `enforce`. */
  readonly reconcileMode: 'report' | 'enforce';
  /** How the fan-out starts reconcile-region: FC 3.0 (what s.yaml deploys) or FC 2.0, for an FC 2.0 service. */
  readonly invoker: 'fc3' | 'fc2';
  /** The FC 2.0 service reconcile-region runs in, when `invoker` is fc2. */
  readonly fc2Service: string;
  /** Invocations a region's run may chain: a part out of time continues in the next, up to this many. */
  readonly maxParts: number;
  /** Seconds a part may spend before it hands off (0: until the function's own deadline). */
  readonly partSeconds: number;
  /** Most failed-events messages one report drains. */
  readonly maxFailedEvents: number;
  /**
   * The OSS bucket (in the deployment's region) where each region's report keeps its history, for "the change since
   * the previous run"; empty: no history, no change section.
   */
  readonly historyBucket: string;
  /**
   * Publish CloudMonitor custom metrics (README, "Metrics and alarms"): each reconcile's counts, the event path's
   * time to mirror. Off unless AUTOMIRROR_METRICS=on: PutCustomMetric's raw data is billed.
   */
  readonly metrics: boolean;
  /** The CloudMonitor application group the metrics belong to; 0: none (PutCustomMetric's documented value). */
  readonly metricsGroupId: string;
  /** AUTOMIRROR_ACCOUNTS: `id1,id2`, `resource-directory` or `resource-directory:<folderId>`; unset: the own account. */
  readonly accounts: AccountScope;
  /** AUTOMIRROR_EXCLUDE_ACCOUNTS: accounts never reconciled, whatever the scope lists. */
  readonly excludeAccounts: readonly string[];
  /** AUTOMIRROR_MEMBER_ROLE: the RAM role assumed in every member account (shared/cloud/accounts.ts). */
  readonly memberRole: string;
}

export const DEFAULT_SETTINGS: Settings = {
  onEventFunction: 'automirror-on-event',
  ecsTrigger: 'automirror-ecs-events',
  vpcTrigger: 'automirror-vpc-events',
  eventsQueue: 'automirror-events',
  eventsTrigger: 'automirror-events',
  // A launch's events (StateChange Pending/Starting/Running, the RunInstances record, repeats) come within seconds.
  eventsBatch: 10,
  eventsWindowSeconds: 2,
  deferQueue: 'automirror-deferred',
  lifecycleQueue: 'automirror-lifecycle',
  lifecycleTrigger: 'automirror-lifecycle-hooks',
  failedQueue: 'automirror-failed',
  reportTopic: 'automirror-reports',
  deferDelaySeconds: 30,
  maxDeferrals: 10,
  reconcileFunction: 'automirror-reconcile',
  reconcileRegionFunction: 'automirror-reconcile-region',
  regions: [],
  reconcileMode: 'report',
  invoker: 'fc3',
  fc2Service: 'automirror',
  maxParts: 8,
  partSeconds: 0,
  maxFailedEvents: 500,
  historyBucket: '',
  metrics: false,
  metricsGroupId: '0',
  accounts: { kind: 'own' },
  excludeAccounts: [],
  memberRole: DEFAULT_MEMBER_ROLE,
};

const int = (v: string | undefined, dflt: number) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : dflt);
const oneOf = <T extends string>(v: string | undefined, allowed: readonly T[], dflt: T): T => (allowed.includes(v as T) ? (v as T) : dflt);
const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** A Resource Directory folder id: the root `r-…` or a folder `fd-…` (ListAccountsForParent's ParentFolderId). */
const FOLDER_ID = /^(r|fd)-[A-Za-z0-9]{1,64}$/;
/** A RAM role name: letters, digits, `.` and `-`, 1–64 characters (as `automirror role-policy --member-role` takes it). */
const ROLE_NAME = /^[A-Za-z0-9.-]{1,64}$/;
const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

/** A comma-separated list of account ids, every entry one: a typo must not silently narrow or widen the scope. */
function accountList(name: string, v: string): string[] {
  const ids = v.split(',').map((x) => x.trim());
  const bad = ids.filter((id) => !isAccountId(id));
  if (bad.length > 0) throw new BadInput(`${name} must be account ids separated by commas, but ${shown(bad[0])} is not an account id (digits)`);
  return [...new Set(ids)];
}

function accountScope(v: string | undefined): AccountScope {
  if (v === undefined || v.trim() === '') return { kind: 'own' };
  const m = /^resource-directory(?::(.*))?$/.exec(v.trim());
  if (!m) return { kind: 'list', accountIds: accountList('AUTOMIRROR_ACCOUNTS', v) };
  if (m[1] === undefined) return { kind: 'resource-directory' };
  if (!FOLDER_ID.test(m[1])) throw new BadInput(`AUTOMIRROR_ACCOUNTS: ${shown(m[1])} is not a Resource Directory folder id (r-… or fd-…)`);
  return { kind: 'resource-directory', folderId: m[1] };
}

function memberRole(v: string | undefined): string {
  if (v === undefined || v === '') return DEFAULT_MEMBER_ROLE;
  if (!ROLE_NAME.test(v)) throw new BadInput(`AUTOMIRROR_MEMBER_ROLE must be a RAM role name (1–64 letters, digits, '.' or '-'), got ${shown(v)}`);
  return v;
}

/**
 * The settings of the environment. The account settings are parsed strictly (one BadInput naming the variable): the
 * others fall back to their defaults, but a mistyped account would reconcile the wrong accounts.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    onEventFunction: env.AUTOMIRROR_ON_EVENT_FUNCTION || DEFAULT_SETTINGS.onEventFunction,
    ecsTrigger: env.AUTOMIRROR_ECS_TRIGGER || DEFAULT_SETTINGS.ecsTrigger,
    vpcTrigger: env.AUTOMIRROR_VPC_TRIGGER || DEFAULT_SETTINGS.vpcTrigger,
    eventsQueue: env.AUTOMIRROR_EVENTS_QUEUE || DEFAULT_SETTINGS.eventsQueue,
    eventsTrigger: env.AUTOMIRROR_EVENTS_TRIGGER || DEFAULT_SETTINGS.eventsTrigger,
    eventsBatch: Math.min(10_000, Math.max(1, int(env.AUTOMIRROR_EVENTS_BATCH, DEFAULT_SETTINGS.eventsBatch))),
    eventsWindowSeconds: Math.min(15, int(env.AUTOMIRROR_EVENTS_WINDOW_SECONDS, DEFAULT_SETTINGS.eventsWindowSeconds)),
    deferQueue: env.AUTOMIRROR_DEFER_QUEUE || DEFAULT_SETTINGS.deferQueue,
    lifecycleQueue: env.AUTOMIRROR_LIFECYCLE_QUEUE || DEFAULT_SETTINGS.lifecycleQueue,
    lifecycleTrigger: env.AUTOMIRROR_LIFECYCLE_TRIGGER || DEFAULT_SETTINGS.lifecycleTrigger,
    failedQueue: env.AUTOMIRROR_FAILED_QUEUE || DEFAULT_SETTINGS.failedQueue,
    reportTopic: env.AUTOMIRROR_REPORT_TOPIC || DEFAULT_SETTINGS.reportTopic,
    deferDelaySeconds: Math.min(604_800, int(env.AUTOMIRROR_DEFER_DELAY_SECONDS, DEFAULT_SETTINGS.deferDelaySeconds)),
    maxDeferrals: int(env.AUTOMIRROR_MAX_DEFERRALS, DEFAULT_SETTINGS.maxDeferrals),
    reconcileFunction: env.AUTOMIRROR_RECONCILE_FUNCTION || DEFAULT_SETTINGS.reconcileFunction,
    reconcileRegionFunction: env.AUTOMIRROR_RECONCILE_REGION_FUNCTION || DEFAULT_SETTINGS.reconcileRegionFunction,
    regions: list(env.AUTOMIRROR_REGIONS),
    reconcileMode: oneOf(env.AUTOMIRROR_RECONCILE_MODE, ['report', 'enforce'], DEFAULT_SETTINGS.reconcileMode),
    invoker: oneOf(env.AUTOMIRROR_INVOKER, ['fc3', 'fc2'], DEFAULT_SETTINGS.invoker),
    fc2Service: env.AUTOMIRROR_FC2_SERVICE || DEFAULT_SETTINGS.fc2Service,
    maxParts: Math.max(1, int(env.AUTOMIRROR_RECONCILE_MAX_PARTS, DEFAULT_SETTINGS.maxParts)),
    partSeconds: int(env.AUTOMIRROR_RECONCILE_PART_SECONDS, DEFAULT_SETTINGS.partSeconds),
    maxFailedEvents: int(env.AUTOMIRROR_MAX_FAILED_EVENTS, DEFAULT_SETTINGS.maxFailedEvents),
    historyBucket: env.AUTOMIRROR_HISTORY_BUCKET || DEFAULT_SETTINGS.historyBucket,
    metrics: env.AUTOMIRROR_METRICS === 'on',
    metricsGroupId: /^\d{1,20}$/.test(env.AUTOMIRROR_METRICS_GROUP_ID ?? '') ? (env.AUTOMIRROR_METRICS_GROUP_ID as string) : DEFAULT_SETTINGS.metricsGroupId,
    accounts: accountScope(env.AUTOMIRROR_ACCOUNTS),
    excludeAccounts: env.AUTOMIRROR_EXCLUDE_ACCOUNTS?.trim() ? accountList('AUTOMIRROR_EXCLUDE_ACCOUNTS', env.AUTOMIRROR_EXCLUDE_ACCOUNTS) : [],
    memberRole: memberRole(env.AUTOMIRROR_MEMBER_ROLE),
  };
}
