/** The domain automirror reasons about; adapters in shared/cloud convert SDK shapes to and from these. */

/**
 * The cloud's fixed limits on traffic mirroring (VPC documentation, "Limits" of traffic mirroring, and the
 * per-call limits of AddSourcesToTrafficMirrorSession / RemoveSourcesFromTrafficMirrorSession). The
 * sources-per-session quota is adjustable: this is its default, and the policy's `quotas.sourcesPerSession` says
 * when an account's was raised.
 */
export const LIMITS = {
  /** Sessions one ENI may be a source of, owned by anyone. */
  sessionsPerEni: 3,
  /** Sessions a region holds (per account; not adjustable). */
  sessionsPerRegion: 20_000,
  /** Sessions one traffic mirror filter serves (not adjustable). */
  sessionsPerFilter: 2_000,
  /** Sources one AddSources / RemoveSources call takes. */
  sourcesPerCall: 10,
  /** Sources one session holds by default (an adjustable quota). */
  sourcesPerSession: 10,
} as const;

/**
 * A region id as Alibaba Cloud spells them (cn-hangzhou, ap-southeast-1, cn-north-2-gov-1): the one format events,
 * trigger payloads and policies are checked against.
 */
export const REGION_ID = /^[a-z]{2}(-[a-z0-9]+)+$/;
/** Longest region id accepted (real ones are far shorter). */
export const REGION_ID_MAX = 64;
export const isRegionId = (v: unknown): v is string => typeof v === 'string' && v.length <= REGION_ID_MAX && REGION_ID.test(v);

/**
 * The account the caller's credentials belong to, when its id is not known (a CLI run without --account-id): the
 * deployment's own, as opposed to a member account reached by assuming a role.
 */
export const OWN_ACCOUNT = 'own';

/** An Alibaba Cloud account id (the UID: digits). */
export const isAccountId = (v: unknown): v is string => typeof v === 'string' && /^\d{1,32}$/.test(v);

export type Tags = Readonly<Record<string, string>>;

export type EniStatus = 'Available' | 'Attaching' | 'InUse' | 'Detaching' | 'Deleting' | 'Creating' | 'CreateFailed';

export interface Eni {
  readonly id: string;
  readonly regionId: string;
  readonly instanceId?: string;
  readonly primary: boolean;
  readonly status: EniStatus;
  readonly vpcId: string;
  readonly vSwitchId: string;
  readonly zoneId: string;
  readonly serviceManaged: boolean;
  readonly tags: Tags;
}

export interface Instance {
  readonly id: string;
  readonly regionId: string;
  readonly instanceType: string;
  readonly status: string;
  readonly vpcId: string;
  readonly vSwitchId: string;
  readonly zoneId: string;
  readonly tags: Tags;
}

export type TargetKind = 'SLB' | 'NetworkInterface';

export interface MirrorTarget {
  readonly kind: TargetKind;
  readonly id: string;
}

export interface PriorityBand {
  readonly min: number;
  readonly max: number;
}

/** One collector in a rule's target pool, with how many sources it may take. */
export interface PoolTarget {
  readonly target: MirrorTarget;
  /** Sources this target accepts across all sessions (500 for an internal CLB, the documented hard limit). */
  readonly capacity: number;
  /** Prefer this target for ENIs in this zone (zone affinity); undefined serves any zone. */
  readonly zoneId?: string;
}

/** One session per ENI, or pooled sessions of up to `maxSources` ENIs each (≤ the sources-per-session quota). */
export type SessionLayout = { readonly kind: 'per-eni' } | { readonly kind: 'pooled'; readonly maxSources: number };

/** What one ENI should be mirrored with, as a policy rule says. */
export interface MirrorSpec {
  readonly rule: string;
  /** One target, or a pool the planner places ENIs into by zone affinity and remaining capacity. */
  readonly targets: readonly PoolTarget[];
  readonly filterId: string;
  /** Fixed or derived per rule (stable); undefined lets the cloud pick a random one, which is then never drift. */
  readonly vni?: number;
  readonly packetLength: number;
  readonly enabled: boolean;
  readonly priorityBand: PriorityBand;
  /** A name template, e.g. `am-{rule}-{eni}`; rendered by the planner. */
  readonly sessionName?: string;
  readonly layout: SessionLayout;
}

export type SessionStatus = 'Creating' | 'Created' | 'Modifying' | 'Deleting';

/**
 * Whether a session is automirror's, as the adapter that read it verified its proof tag (shared/cloud/ownership-proof.ts):
 * - `proven`: the proof is a valid MAC of this session under key `kid` (`current`: the signing key, else re-signed);
 * - `forged`: it claims automirror's ownership tag without a valid proof (none, another session's, a rule tag edited…);
 * - `pending`: it claims ownership, has no proof yet and was created moments ago: another automirror write may be
 *   between its Create and its proof (the plan waits for it rather than make a second session);
 * - `unverifiable`: it claims ownership but there is no key (or no account) to check with;
 * - `none`: it does not claim to be automirror's.
 * Only `proven` is owned; a claim that is not proven is never modified or deleted, and is reported.
 */
export type Ownership =
  | { readonly verdict: 'proven'; readonly kid: string; readonly current: boolean }
  | { readonly verdict: 'forged'; readonly why: string }
  | { readonly verdict: 'pending'; readonly why: string }
  | { readonly verdict: 'unverifiable'; readonly why: string }
  | { readonly verdict: 'none' };

export interface Session {
  readonly id: string;
  readonly name: string;
  readonly status: SessionStatus;
  readonly enabled: boolean;
  readonly priority: number;
  readonly vni: number;
  readonly packetLength: number;
  readonly filterId: string;
  readonly target: MirrorTarget;
  readonly sourceIds: readonly string[];
  readonly tags: Tags;
  /** TrafficMirrorSessionDescription, when the cloud lists one. */
  readonly description?: string;
  /** The resource group the session is in, when the cloud lists one. */
  readonly resourceGroupId?: string;
  /** When the cloud says it was created (ListTrafficMirrorSessions' CreationTime), as the cloud wrote it. */
  readonly createdAt?: string;
  readonly ownership: Ownership;
}

/** A session to create: everything CreateTrafficMirrorSession takes, in domain terms. */
export interface SessionDraft {
  readonly name?: string;
  readonly description?: string;
  readonly sourceIds: readonly string[];
  readonly target: MirrorTarget;
  readonly filterId: string;
  readonly priority: number;
  readonly vni?: number;
  readonly packetLength: number;
  readonly enabled: boolean;
  readonly tags: Tags;
}

/** The attributes UpdateTrafficMirrorSessionAttribute can change in place. */
export type SessionChanges = Partial<Pick<Session, 'name' | 'enabled' | 'priority' | 'vni' | 'packetLength' | 'filterId' | 'target'>>;

/** `report` reads and proposes; `enforce` also applies. */
export type ReconcileMode = 'report' | 'enforce';

/**
 * Which instances and ENIs an invocation is about, in which account and region, and why (for logs and reports).
 * With the account and region it is the unit of work: the account is carried into run ids (and so ClientTokens),
 * deferrals and reports, so a member account's work has the same path as the deployment's own.
 */
export interface Subject {
  /** The account whose resources these are: the deployment's own unless an event says otherwise. */
  readonly accountId: string;
  readonly regionId: string;
  readonly instanceIds: readonly string[];
  readonly eniIds: readonly string[];
  readonly cause: string;
  /** Times this work was deferred before; absent for first-hand events. */
  readonly attempt?: number;
  /** Tag writes the events themselves recorded (ActionTrail's TagResources…): who opted a resource out, and when. */
  readonly tagWrites?: readonly TagWrite[];
}

/**
 * Who made a call, as ActionTrail's `userIdentity` names them (type, accountId, userName): bounded and stripped of
 * control characters where it is read, and trusted for one thing only, judging an opt-out against the policy.
 */
export interface Principal {
  /** ActionTrail's `type`: `root-account`, `ram-user`, `assumed-role`; anything else is kept as `other`. */
  readonly type: 'root-account' | 'ram-user' | 'assumed-role' | 'other';
  readonly accountId: string;
  /** The RAM user's name, the role's name (for `assumed-role`), empty for the root account. */
  readonly name: string;
  /** The role session (`assumed-role` only): who assumed it. */
  readonly session?: string;
}

/** One recorded write of tags on one resource: which keys it set, by whom, when. */
export interface TagWrite {
  readonly resourceId: string;
  /** TagResources, UntagResources, RunInstances (tags at launch), CreateNetworkInterface… */
  readonly eventName: string;
  /** ISO 8601, as ActionTrail's eventTime. */
  readonly time: string;
  readonly by: Principal;
  /** The tag keys the call set or removed. */
  readonly keys: readonly string[];
  /** UntagResources with All=true: every key was removed. */
  readonly allKeys?: boolean;
}

/** The latest of some writes (the first of equal times), or undefined for none. */
export const latestWrite = (ws: ReadonlyArray<TagWrite | undefined>): TagWrite | undefined =>
  ws.reduce<TagWrite | undefined>((a, b) => (b !== undefined && (a === undefined || a.time < b.time) ? b : a), undefined);

/** Whether the write set or removed `key`. */
export const writesKey = (w: TagWrite, key: string): boolean => w.allKeys === true || w.keys.includes(key);

/**
 * A principal as RAM names it: `acs:ram::<account>:root`, `acs:ram::<account>:user/<name>`,
 * `acs:ram::<account>:assumed-role/<role>/<session>`; the form the policy's `optOut.allowedPrincipals` uses.
 */
export function principalArn(p: Principal): string {
  const base = `acs:ram::${p.accountId}:`;
  if (p.type === 'root-account') return `${base}root`;
  if (p.type === 'ram-user') return `${base}user/${p.name}`;
  if (p.type === 'assumed-role') return `${base}assumed-role/${p.name}/${p.session ?? ''}`;
  return `${base}other/${p.name}`;
}
