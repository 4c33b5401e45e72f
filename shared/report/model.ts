/**
 * The drift report: how a security team proves that every ENI the policy opts in is mirrored, and what automirror
 * found and did where it was not. A versioned document of its own, deliberately independent of the engine's types:
 * consumers read it long after the code that wrote it has changed. Additive, optional fields keep `version`; any
 * other change raises it.
 *
 * Every string in it may come from the cloud or from events (tags, names, error messages): renderers escape them.
 */

export const REPORT_SCHEMA = 'automirror.drift-report';
/**
 * 2: `foreignSessions` (unapproved mirroring, at the top of every rendering) is required.
 * 3: opted-out ENIs are a coverage state of their own (`coverage.optedOut`, with who opted out and when) and count
 * against coverage; an overridden opt-out is flagged on the ENI it concerns (`optOutOverridden`); totals gain
 * `optedOut` and `overriddenOptOuts`. `excluded` now holds only what no rule would mirror ("not in scope").
 * Added within 3 (optional, so the version stays): `cost`, the monthly source-hours and estimated cost per rule,
 * region and account, and `policy.cost`, the prices it was estimated with.
 */
export const REPORT_VERSION = 3;

/** `report` only proposes changes; `enforce` applies them. */
export type ReportMode = 'report' | 'enforce';

/**
 * A compared value. `null` means absent (no such session, tag or setting). Lists, such as a session's source ENIs,
 * are compared and shown as lists.
 */
export type FieldValue = string | number | boolean | null | readonly (string | number)[];

/** One field whose actual value differs from what the policy wants, e.g. `{ field: 'vni', wanted: 7, actual: 9 }`. */
export interface FieldDrift {
  /** The compared property: `session`, `vni`, `packetLength`, `enabled`, `filterId`, `target`, `sourceIds`, `tags.<key>`… */
  readonly field: string;
  readonly wanted: FieldValue;
  readonly actual: FieldValue;
}

/**
 * What is done about a drift item.
 * - `create`: a new session for the ENI; `add-source` / `remove-source`: the ENI joins or leaves a pooled session;
 * - `update`: the session is modified in place; `replace`: deleted and created anew (a field that can't be modified);
 * - `delete`: the session goes; `none`: nothing is to be done (e.g. drift on a session automirror does not own).
 */
export type ActionKind = 'create' | 'add-source' | 'remove-source' | 'update' | 'replace' | 'delete' | 'none';

/**
 * - `proposed`: would be done (report mode, or a plan not yet applied);
 * - `applied`: done, the cloud accepted it; `failed`: attempted and refused, see `error`;
 * - `deferred`: put off to a later invocation (resource busy, out of time), see `error` for why;
 * - `skipped`: not attempted because there is nothing automirror may do now (always kind `none`): an ENI it can't
 *   place or whose rule's targets are gone, a session it does not own. (Excluded ENIs are in `coverage`, not here.)
 */
export type ActionStatus = 'proposed' | 'applied' | 'failed' | 'deferred' | 'skipped';

export interface DriftAction {
  readonly kind: ActionKind;
  /** Why, in words a person reads: which rule wants what. */
  readonly reason: string;
  readonly status: ActionStatus;
  /** The error of a failed action, or why it was deferred: cloud error code and message. */
  readonly error?: string;
}

/** One ENI or session whose actual state differs from the desired one, and what is done about it. */
export interface DriftItem {
  /** An ENI that is not mirrored as wanted, or a session that is not as wanted (or should not exist). */
  readonly kind: 'eni' | 'session';
  /** The ENI id (`eni-…`) or session id (`tms-…`). */
  readonly id: string;
  readonly regionId: string;
  /** The policy rule that wants this state; absent when no rule does (e.g. a session whose ENIs were opted out). */
  readonly rule?: string;
  /** Other resources involved: for an ENI the session acted on or created, for a session its source ENIs. */
  readonly related?: readonly string[];
  /** The differing fields; empty when the whole resource is missing or unwanted and the action says so. */
  readonly fields: readonly FieldDrift[];
  readonly action: DriftAction;
}

/** An opt-out tag, who set it and when, and what became of it. */
export interface OptOutInfo {
  /** Where the tag is: on the ENI itself or on its instance. */
  readonly on: 'ENI' | 'instance';
  /** The ENI or instance id carrying the tag. */
  readonly resourceId: string;
  readonly tag: string;
  readonly value: string;
  /** Who set it, as RAM names them (`acs:ram::<account>:user/<name>`…); absent when no record of the write was found. */
  readonly principal?: string;
  /** When it was set (ISO 8601), with `principal`. */
  readonly at?: string;
  /** How it was done: the opt-out tag set, or the tag the rule selects on removed or changed (absent in older reports). */
  readonly via?: 'opt-out tag' | 'opt-in tag removed';
  /** The policy's reason, in full. */
  readonly reason: string;
}

/** An ENI mirrored as the policy wants at the end of the run. */
export interface MirroredEni {
  readonly eniId: string;
  readonly regionId: string;
  readonly instanceId?: string;
  /** The rule it is mirrored by. */
  readonly rule: string;
  /** The sessions that mirror it (at most 3 per source ENI). */
  readonly sessionIds: readonly string[];
  /** An opt-out the policy overrode (its writer is not allowed, unknown, or the resource is protected). */
  readonly optOutOverridden?: OptOutInfo;
}

/** An ENI a rule would mirror that an honoured opt-out takes out: outside coverage by someone's decision. */
export interface OptedOutEni extends OptOutInfo {
  readonly eniId: string;
  readonly regionId: string;
  readonly instanceId?: string;
  /** The rule that would mirror it without the opt-out. */
  readonly rule: string;
}

/** An ENI no rule would mirror: not in scope. */
export interface ExcludedEni {
  readonly eniId: string;
  readonly regionId: string;
  readonly instanceId?: string;
  /** Why, as the policy evaluation says: no rule matches, out of scope, secondary ENI, service-managed… */
  readonly reason: string;
}

/** An ENI the policy wants mirrored that is not mirrored at the end of the run: a coverage gap. */
export interface UnmirroredEni {
  readonly eniId: string;
  readonly regionId: string;
  readonly instanceId?: string;
  /** The rule that wants it mirrored. */
  readonly rule?: string;
  /** Why it is not: report mode, the create failed (with the error), deferred, quota exhausted… */
  readonly reason: string;
  /** An opt-out the policy overrode, as on MirroredEni. */
  readonly optOutOverridden?: OptOutInfo;
}

/**
 * Every ENI examined, in exactly one state. Coverage is mirrored / (mirrored + unmirrored + opted out): an opt-out
 * is a gap someone chose, never full coverage; excluded ENIs (not in scope) are outside what the policy promises.
 */
export interface Coverage {
  readonly mirrored: readonly MirroredEni[];
  readonly optedOut: readonly OptedOutEni[];
  readonly excluded: readonly ExcludedEni[];
  readonly unmirrored: readonly UnmirroredEni[];
}

/** The original event of a failed invocation, where the message body lets it be recovered. */
export interface FailedEventOrigin {
  /** The CloudEvent or CloudMonitor event id, or the MNS message id of deferred work. */
  readonly id?: string;
  /** e.g. `ecs:Instance:StateChange`, `mns:Queue:SendMessage`, `automirror:deferred`. */
  readonly type?: string;
  readonly source?: string;
  /** How many events the failed payload held, when it was a batch. */
  readonly count?: number;
}

/** A message drained from the failed-events MNS queue: an invocation that failed after all of FC's retries. */
export interface FailedEvent {
  /** The MNS message id. */
  readonly messageId: string;
  /** When the invocation failed (FC's destination timestamp) or else when MNS enqueued the message, ISO 8601. */
  readonly failedAt?: string;
  /** The function that failed (FC function ARN), when the body says. */
  readonly functionArn?: string;
  /** FC's async request id of the failed invocation. */
  readonly requestId?: string;
  /** How many times FC ran the invocation. */
  readonly attempts?: number;
  readonly origin?: FailedEventOrigin;
  /** The failure: FC's condition and the function's error, or why the body could not be read. */
  readonly error: string;
  /** The start of the message body (at most `EXCERPT_CHARS` characters), for a person to identify it. */
  readonly excerpt: string;
  /** The body's full length in characters; larger than the excerpt's when the excerpt was cut. */
  readonly bodyLength: number;
}

/** Longest `FailedEvent.excerpt`: enough to recognise an event, too little to bloat a report with payloads. */
export const EXCERPT_CHARS = 512;

/** A failure that is not one drift item's: a scan that could not list sessions, a publish that failed… */
export interface ReportError {
  readonly regionId?: string;
  /** What was being done, e.g. `DescribeNetworkInterfaces`, `drain failed-events queue`, `merge`. */
  readonly context: string;
  /** The cloud's error code, when there is one. */
  readonly code?: string;
  readonly message: string;
}

/**
 * What was done about an unapproved session: `reported` only (the policy says report, or it was already off),
 * `disabled` (automirror set Enabled=false: the one write it makes to a session it does not own, under
 * `unapproved: disable`), `would-disable` (the policy says disable, but this run writes nothing), `failed`.
 */
export type UnapprovedResponse = 'reported' | 'disabled' | 'would-disable' | 'failed';

/** A session automirror does not own mirroring toward a collector the policy does not approve. */
export interface UnapprovedSession {
  readonly sessionId: string;
  readonly regionId: string;
  readonly name?: string;
  /** The ENIs whose traffic it copies. */
  readonly sourceIds: readonly string[];
  readonly target: { readonly kind: 'SLB' | 'NetworkInterface'; readonly id: string };
  /** Whether it was mirroring when automirror found it. */
  readonly enabled: boolean;
  /** The cloud's CreationTime, as it wrote it. */
  readonly createdAt?: string;
  /** The API call whose ActionTrail event raised it, who made it and when (the event path only). */
  readonly call?: string;
  readonly by?: string;
  readonly at?: string;
  readonly response: UnapprovedResponse;
  /** automirror's own (proven) session, pointed by someone else at an unapproved collector: never disabled, repaired. */
  readonly tampered?: boolean;
  /** Why a disable failed, or a note on it (already off, deleted meanwhile). */
  readonly error?: string;
}

/** Sessions in the scanned regions that automirror does not own. */
export interface ForeignSessions {
  /** Sorted by region, session id. */
  readonly unapproved: readonly UnapprovedSession[];
  /** Sessions toward an approved collector (a rule's target or `approvedTargets`), counted by region. */
  readonly approved: Readonly<Record<string, number>>;
}

/**
 * A session that carries automirror's ownership tag without a valid proof of it: anyone allowed to tag can write
 * the claim, so automirror never modifies or deletes such a session, and reports it here.
 */
export interface ForgedClaim {
  readonly sessionId: string;
  readonly regionId: string;
  /** The rule its `automirror:rule` tag names: the claim's word, shown, never trusted. */
  readonly claimedRule?: string;
  /**
   * `forged`: the proof is missing or invalid; `pending`: no proof yet on a session created moments ago (normally an
   * automirror create between its two calls); `unverifiable`: the run had no key (or account) to check it with.
   */
  readonly verdict: 'forged' | 'pending' | 'unverifiable';
  readonly reason: string;
  readonly sourceIds: readonly string[];
  /** `SLB:lb-…` or `NetworkInterface:eni-…`. */
  readonly target: string;
}

/**
 * A session that claims nothing of automirror's, as automirror sees it: `adoptable` (`automirror adopt` would take
 * it over as it is, or after the updates `why` names), `conflicting` (it holds a slot of an ENI the policy opts in,
 * or a priority in a rule's band), or `unrelated`. Never modified by automirror either way.
 */
export interface UnownedSession {
  readonly sessionId: string;
  readonly regionId: string;
  readonly class: 'adoptable' | 'conflicting' | 'unrelated';
  readonly why: string;
  readonly sourceIds: readonly string[];
  /** `SLB:lb-…` or `NetworkInterface:eni-…`. */
  readonly target: string;
}

/**
 * A temporary-mirroring tag (`automirror:until` / `automirror:for`) found on an ENI or its instance, and what became
 * of it: mirrored until `until` by a temporary rule, expired (its session removed), or refused (a bad value, or no
 * temporary rule in the policy: never guessed), or superseded by a rule that mirrors the ENI full-time.
 */
export interface TemporaryMirror {
  readonly eniId: string;
  readonly regionId: string;
  readonly instanceId?: string;
  /** The tag as found, `key=value` (the value quoted when odd, clipped). */
  readonly tag: string;
  readonly status: 'active' | 'expired' | 'invalid' | 'unusable' | 'superseded';
  /** The temporary rule that judged it. */
  readonly rule?: string;
  /** When the temporary mirror ends (ended), RFC 3339 UTC. */
  readonly until?: string;
  /** automirror's sessions of that rule on the ENI as the run found them. */
  readonly sessionIds: readonly string[];
  readonly reason: string;
}

/** The run (or runs, for a merged report) that produced the report. */
export interface RunInfo {
  /** ISO 8601; for a merged report, the earliest part's start. */
  readonly startedAt: string;
  /** ISO 8601; for a merged report, the latest part's finish. */
  readonly finishedAt: string;
  /** Every ENI in scope was examined: nothing was cut short, and no hand-off is unanswered (`handedOff` is empty). */
  readonly complete: boolean;
  /** Some part stopped before the end of its scope without handing the rest off (e.g. a region scan failed). */
  readonly truncated: boolean;
  /** Checkpoints this scan resumed from whose earlier part is not in this report; empty for a fresh scan. */
  readonly continuedFrom: readonly string[];
  /** Checkpoints where a scan stopped and a follow-up invocation, not in this report, continues. */
  readonly handedOff: readonly string[];
  /** How many invocations' parts the report combines: 1 for a single invocation. */
  readonly parts: number;
  /** Cloud API calls made, when counted. */
  readonly apiCalls?: number;
}

export interface PolicyInfo {
  /** Where the policy was loaded from, e.g. a file path or `env:AUTOMIRROR_POLICY`. */
  readonly source: string;
  /** A content hash or version, to tell which policy a report was made under. */
  readonly revision?: string;
  /** The rule names, in evaluation order. */
  readonly rules: readonly string[];
  /** The policy's prices (its `cost` section), from which `cost` estimates; absent when it sets none. */
  readonly cost?: { readonly currency: string; readonly pricePerSourceHour: Readonly<Record<string, number>> };
}

/** Counts derived from the rest of the document (the builder and merge compute them; the validator checks them). */
export interface Totals {
  /** ENIs examined: mirrored + optedOut + excluded + unmirrored. */
  readonly enis: number;
  readonly mirrored: number;
  readonly optedOut: number;
  readonly excluded: number;
  readonly unmirrored: number;
  /** ENIs whose opt-out the policy overrode (mirrored or unmirrored). */
  readonly overriddenOptOuts: number;
  /** 100 × mirrored / (mirrored + unmirrored + optedOut), to one decimal; `null` when no rule wants any ENI. */
  readonly coveragePercent: number | null;
  /** Drift items, and the differing fields across them. */
  readonly items: number;
  readonly fields: number;
  /** Drift items by action kind and by status; every key is present. */
  readonly actions: Readonly<Record<ActionKind, number>>;
  readonly statuses: Readonly<Record<ActionStatus, number>>;
  readonly failedEvents: number;
  readonly errors: number;
}

/** An ENI named in a change since the previous run. */
export interface ChangedEni {
  readonly eniId: string;
  readonly regionId: string;
  /** The rule that wants it mirrored (or would, for an opt-out). */
  readonly rule?: string;
}

/** Longest list of ENIs a `ChangeSinceLast` names; its `counts` are the full ones. */
export const CHANGE_LIST_CAP = 100;

/**
 * What changed since the previous run of the same account and region(s), as the history store remembers it: ENIs
 * unmirrored now that were not then, ENIs unmirrored then and mirrored now, and opt-outs that are new. Absent from
 * a report when no earlier run is on record (the first run, or no history store).
 */
export interface ChangeSinceLast {
  /** When the previous run finished (ISO 8601); for a merged report, the earliest of its parts' previous runs. */
  readonly previousRunAt: string;
  /** The previous run's `totals.coveragePercent`; for a merged report, recomputed over the parts' previous runs. */
  readonly previousCoveragePercent: number | null;
  /** The previous run's coverage counts, from which a merged report recomputes `previousCoveragePercent`. */
  readonly previousCounts?: { readonly mirrored: number; readonly unmirrored: number; readonly optedOut: number };
  /** Sorted by region, ENI id; at most CHANGE_LIST_CAP each. */
  readonly newUnmirrored: readonly ChangedEni[];
  readonly fixed: readonly ChangedEni[];
  readonly newOptOuts: readonly ChangedEni[];
  /** The full counts, also when a list was capped. */
  readonly counts: { readonly newUnmirrored: number; readonly fixed: number; readonly newOptOuts: number };
}

/**
 * One rule in one region at the end of the run: the ENIs it selects, by coverage state (counted from `coverage`,
 * so they always agree), and automirror's sessions of the rule.
 */
export interface RuleBreakdown {
  readonly rule: string;
  readonly regionId: string;
  readonly mirrored: number;
  readonly unmirrored: number;
  readonly optedOut: number;
  /** Sessions automirror owns under this rule when the run ended (the scan, plus what the run applied). */
  readonly sessions: number;
}

/** A collector (mirror target) a rule's pool names, in one region, and how full it is at the end of the run. */
export interface CollectorBreakdown {
  readonly regionId: string;
  readonly target: { readonly kind: 'SLB' | 'NetworkInterface'; readonly id: string };
  /**
   * Its zone as the scan read it (`zoneFrom: 'scan'`: an ENI target's own, a CLB's MasterZoneId), else the zone the
   * policy's pool assigns it (`'policy'`); absent when neither says.
   */
  readonly zone?: string;
  readonly zoneFrom?: 'scan' | 'policy';
  /** The rules whose pools name it, sorted. */
  readonly rules: readonly string[];
  /** Sessions toward it, anyone's, and how many of them are automirror's. */
  readonly sessions: number;
  readonly ownedSessions: number;
  /** Source ENIs across those sessions: what counts against its capacity. */
  readonly sources: number;
  /** Sources it takes across all sessions, as the policy says (by default the cloud's limit: 500 for an internal CLB, 20 for an ENI). */
  readonly capacity: number;
}

/**
 * A month of automirror's mirroring: its sessions, the distinct source ENIs they mirror (traffic mirroring is billed
 * per source per hour, once however many sessions it is in), those sources × `hoursPerMonth`, and with a price the
 * estimated cost in the policy's currency.
 */
export interface CostLine {
  readonly sessions: number;
  /** sessions × `hoursPerMonth`: the session-hours automirror maintains (not what is billed: sources are). */
  readonly sessionHoursPerMonth: number;
  readonly sources: number;
  readonly sourceHoursPerMonth: number;
  /** sourceHoursPerMonth × the region's price per source-hour; absent when the policy sets no price for it. */
  readonly monthlyCost?: number;
}

export interface RuleCost extends CostLine {
  readonly rule: string;
  readonly regionId: string;
}

export interface RegionCost extends CostLine {
  readonly regionId: string;
  /** The policy's price for the region, when it sets one. */
  readonly pricePerSourceHour?: number;
}

/** The estimate, as the run left automirror's sessions. No price is shipped: without the policy's, hours only. */
export interface CostSection {
  /** 730: 8,760 hours a year over 12. */
  readonly hoursPerMonth: number;
  /** The policy's currency; absent when it sets no prices. */
  readonly currency?: string;
  /** Per rule and region, sorted by region, rule. */
  readonly rules: readonly RuleCost[];
  /** Per region (sources distinct across its rules), sorted. */
  readonly regions: readonly RegionCost[];
  /** The account: the regions summed; `monthlyCost` over the priced regions, `unpricedRegions` the others. */
  readonly account: CostLine & { readonly unpricedRegions: readonly string[] };
}

export interface DriftReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly version: typeof REPORT_VERSION;
  /** ISO 8601: when this document was assembled. */
  readonly generatedAt: string;
  /** The Alibaba Cloud account scanned, when known. */
  readonly accountId?: string;
  /** Region ids covered, sorted. */
  readonly regions: readonly string[];
  readonly mode: ReportMode;
  readonly policy: PolicyInfo;
  readonly run: RunInfo;
  readonly totals: Totals;
  /** Unapproved mirroring first: what a security team must see before anything else. */
  readonly foreignSessions: ForeignSessions;
  /** Sorted by region, kind, id. */
  readonly items: readonly DriftItem[];
  /** Each list sorted by region, ENI id; an ENI appears once across the four. */
  readonly coverage: Coverage;
  readonly failedEvents: readonly FailedEvent[];
  readonly errors: readonly ReportError[];
  /** Sessions claiming automirror's ownership without a valid proof, sorted by region, id; present when there are any. */
  readonly forgedClaims?: readonly ForgedClaim[];
  /** Sessions claiming nothing of automirror's, classified, sorted by region, id; present when there are any. */
  readonly unownedSessions?: readonly UnownedSession[];
  /** Temporary-mirroring tags found, with their expiry or why refused, sorted by region, ENI id; present when there are any. */
  readonly temporary?: readonly TemporaryMirror[];
  /** The change since the previous run on record; absent when there is none. */
  readonly change?: ChangeSinceLast;
  /** Per rule and region, sorted by region, rule; present when the report was made from a region reconcile. */
  readonly rules?: readonly RuleBreakdown[];
  /** Per collector, sorted by region, target id; present with `rules`. */
  readonly collectors?: readonly CollectorBreakdown[];
  /** What automirror's mirroring costs a month; present with `rules`. */
  readonly cost?: CostSection;
}

export const ACTION_KINDS: readonly ActionKind[] = ['create', 'add-source', 'remove-source', 'update', 'replace', 'delete', 'none'];
export const ACTION_STATUSES: readonly ActionStatus[] = ['proposed', 'applied', 'failed', 'deferred', 'skipped'];
export const REPORT_MODES: readonly ReportMode[] = ['report', 'enforce'];
export const UNAPPROVED_RESPONSES: readonly UnapprovedResponse[] = ['reported', 'disabled', 'would-disable', 'failed'];
