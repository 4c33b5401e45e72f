import type { PriorityBand, SessionChanges, SessionDraft, Tags } from '../domain.js';
import type { SessionQuota } from './quotas.js';

/** A session attribute the engine compares with the rule's spec (`rule` is the ownership tag naming the rule). */
export type Field = 'filterId' | 'target' | 'vni' | 'enabled' | 'packetLength' | 'priority' | 'name' | 'rule' | 'proof';

/** One attribute that differs: what the rule wants and what the cloud has, as a report shows them. */
export interface FieldChange {
  readonly field: Field;
  readonly wanted: string | number | boolean;
  readonly actual: string | number | boolean;
}

/** Why one ENI leaves a session (removals and deletes carry one per ENI, for the drift report). */
export interface EniReason {
  readonly eniId: string;
  readonly reason: string;
}

interface ActionBase {
  /** Unique within a plan and stable across runs over the same state: keys dependencies and ClientTokens. */
  readonly id: string;
  /** The rule the action serves (the new rule for a replace); absent when the session's rule is unknown. */
  readonly rule?: string;
  /** The ENIs the action concerns: the sources placed, removed, or of the session changed. */
  readonly eniIds: readonly string[];
  /** Why, for a person reading a log, a dry-run or a drift report. */
  readonly reason: string;
  /** Actions that must have settled (session Created or gone) before this one starts. */
  readonly after?: readonly string[];
}

/** A new session; `draft.priority` is the planned start, probed further inside `band` if the cloud refuses it. */
export interface CreateAction extends ActionBase {
  readonly kind: 'create';
  readonly rule: string;
  readonly draft: SessionDraft;
  readonly band: PriorityBand;
}

export interface AddSourcesAction extends ActionBase {
  readonly kind: 'add-sources';
  readonly rule: string;
  readonly sessionId: string;
}

/** At most 10 sources (the documented per-call limit); bigger removals are split into chained actions. */
export interface RemoveSourcesAction extends ActionBase {
  readonly kind: 'remove-sources';
  readonly sessionId: string;
  readonly perEni: readonly EniReason[];
}

/** Attributes UpdateTrafficMirrorSessionAttribute changes in place: `changes` for people, `set` for the API. */
export interface UpdateAction extends ActionBase {
  readonly kind: 'update';
  readonly rule: string;
  readonly sessionId: string;
  readonly changes: readonly FieldChange[];
  readonly set: SessionChanges;
  readonly band: PriorityBand;
}

/**
 * A session that must be recreated because what differs can't be updated in place: its rule (the ownership tag,
 * which UpdateTrafficMirrorSessionAttribute does not take). The new session is created first unless the ENI has
 * no free session slot, in which case the old one is deleted first (`breakFirst`) and mirroring pauses briefly.
 */
export interface ReplaceAction extends ActionBase {
  readonly kind: 'replace';
  readonly rule: string;
  readonly sessionId: string;
  readonly changes: readonly FieldChange[];
  readonly draft: SessionDraft;
  readonly band: PriorityBand;
  readonly breakFirst: boolean;
}

export interface DeleteAction extends ActionBase {
  readonly kind: 'delete';
  readonly sessionId: string;
  readonly perEni: readonly EniReason[];
}

/** An owned session proven under an older key gets a proof under the signing key (one TagResources). */
export interface ResignAction extends ActionBase {
  readonly kind: 're-sign';
  readonly rule: string;
  readonly sessionId: string;
  /** The rule and instance tags the proof binds. */
  readonly tags: Tags;
  /** The key its proof was made with. */
  readonly kid: string;
}

/** One change the engine wants made, with the reason a person reads in logs, plans and reports. */
export type Action = CreateAction | AddSourcesAction | RemoveSourcesAction | UpdateAction | ReplaceAction | DeleteAction | ResignAction;
export type ActionKind = Action['kind'];

/** An ENI that should be mirrored but will not be, and why (capacity, slots taken by sessions we don't own, …). */
export interface Unmirrored {
  readonly eniId: string;
  readonly rule: string;
  readonly reason: string;
  /** Sessions in the way (e.g. the unowned sessions filling the ENI's 3 slots). */
  readonly blockers?: readonly string[];
  /** Set when the ENI is withheld because its rule names no live target: the labels of the gone ones. */
  readonly goneTargets?: readonly string[];
  /** Set when a new session for it would exceed a sessions quota (the reason says which count and the fix). */
  readonly quota?: SessionQuota;
}

/** Work not done now, to be retried later: an ENI not ready yet, or an action not started before the deadline. */
export interface Deferred {
  readonly eniIds: readonly string[];
  /** Instances whose ENIs were not read yet (the deadline came during the reads). */
  readonly instanceIds?: readonly string[];
  readonly reason: string;
  readonly action?: Action;
}

/** A session touching a decided ENI that automirror does not own: reported, never modified or deleted. */
export interface UnownedSession {
  readonly sessionId: string;
  readonly priority: number;
  readonly sourceIds: readonly string[];
  readonly target: string;
}

export interface Plan {
  readonly actions: readonly Action[];
  readonly unmirrored: readonly Unmirrored[];
  readonly deferred: readonly Deferred[];
  readonly unowned: readonly UnownedSession[];
}

interface OutcomeBase {
  readonly action: Action;
}

/**
 * What applying one action came to. `converged`: the state wanted was already there (another invocation made it,
 * or it was already gone). `blocked`: the cloud refused and the re-read truth says why (e.g. the ENI's slots or
 * the target filled up meanwhile). `deferred`: not started (deadline, or a prerequisite did not complete).
 */
export type Outcome =
  | (OutcomeBase & { readonly status: 'done'; readonly sessionId: string; readonly priority?: number })
  | (OutcomeBase & { readonly status: 'converged'; readonly sessionId: string; readonly detail: string })
  | (OutcomeBase & { readonly status: 'blocked'; readonly reason: string })
  | (OutcomeBase & { readonly status: 'failed'; readonly code: string; readonly error: string; readonly retryable: boolean })
  | (OutcomeBase & { readonly status: 'deferred'; readonly reason: string });
