import type { FieldValue, ActionKind as ReportKind, ActionStatus as ReportStatus } from '../report/model.js';
import type { Action, ActionKind, Outcome } from './actions.js';
import { targetLabel } from './placement.js';
import type { EnsureSummary } from './summary.js';

/**
 * The action kinds, one entry each: where a kind runs in a plan, how it counts in coverage, how an invocation's
 * summary lists it, and how the drift report names and itemises it. A kind added to `Action` without an entry
 * here is a compile error (`satisfies` below); apply.ts's exhaustive switch is the other place a kind is taught.
 */

type Of<K extends ActionKind> = Extract<Action, { kind: K }>;
type Done = Extract<Outcome, { status: 'done' }>;
type Lists = Pick<EnsureSummary, 'created' | 'added' | 'updated' | 'removed' | 'deleted'>;

/** A compared field as the report shows it (report FieldDrift's shape). */
export interface ReportField {
  readonly field: string;
  readonly wanted: FieldValue;
  readonly actual: FieldValue;
}

export interface KindSpec<K extends ActionKind> {
  /** Order within a plan: changes in place, then recreations, creations, removals, additions, deletions, re-signings. */
  readonly phase: number;
  /** Brings its ENIs under their rule: while not done, coverage counts them unmirrored with why. */
  readonly places: boolean;
  /** Once done, its ENIs are no longer in the session it names (coverage stops counting that session for them). */
  readonly frees: boolean;
  /** A done action into an invocation's summary. */
  readonly summarise: (a: Of<K>, o: Done, s: Lists) => void;
  /** The report's published name (unchanged), and whether the report has an item per ENI or per session. */
  readonly report: {
    readonly kind: ReportKind;
    readonly per: 'eni' | 'session';
    /** The differing fields of its item(s). */
    readonly fields: (a: Of<K>) => readonly ReportField[];
    /** The reason for one ENI's item, when the action knows one per ENI. */
    readonly reasonFor?: (a: Of<K>, eniId: string) => string | undefined;
  };
  /** What a dry run prints between the kind and the reason, e.g. ` (SLB:lb-a, priority 1000 …)`. */
  readonly detail: (a: Of<K>) => string;
  /** Which of a plan's four counts it is in, as Terraform's: a session made, changed in place, recreated, or deleted. */
  readonly change: PlanChange;
  /** The API operation it starts with: its lane in apply, which drains at that operation's own rate. */
  readonly lane: (a: Of<K>) => Operation;
}

/** The write operations of the VPC API an action starts with (the rate limiter's and localcloud's names for them). */
export type Operation =
  | 'CreateTrafficMirrorSession'
  | 'UpdateTrafficMirrorSessionAttribute'
  | 'AddSourcesToTrafficMirrorSession'
  | 'RemoveSourcesFromTrafficMirrorSession'
  | 'DeleteTrafficMirrorSession'
  | 'TagResources';

export type PlanChange = 'create' | 'update' | 'replace' | 'delete';
export const PLAN_CHANGES: readonly PlanChange[] = ['create', 'update', 'replace', 'delete'];

const created = (a: Of<'create'> | Of<'replace'>, o: Done, s: Lists) => {
  for (const eniId of a.eniIds) s.created.push({ eniId, sessionId: o.sessionId, rule: a.rule, priority: o.priority });
};
const placing = (a: Of<'create'> | Of<'replace'>) =>
  ` (${targetLabel(a.draft.target)}, priority ${a.draft.priority} or the next free one in ${a.band.min}–${a.band.max}${a.kind === 'replace' && a.breakFirst ? ', old one deleted first: no free slot' : ''})`;
const resigned = (a: Of<'re-sign'>) => ({ field: 'proof' as const, wanted: 'signed with the signing key', actual: `signed with ${a.kid}` });
const sources = (a: Action) => ` (${a.eniIds.join(', ')})`;

export const KINDS = {
  update: {
    phase: 0,
    places: true,
    frees: false,
    summarise: (a, _o, s) => void s.updated.push({ sessionId: a.sessionId, rule: a.rule, changes: a.changes }),
    report: { kind: 'update', per: 'session', fields: (a) => a.changes },
    detail: () => '',
    change: 'update',
    lane: () => 'UpdateTrafficMirrorSessionAttribute',
  },
  replace: {
    phase: 1,
    places: true,
    frees: true,
    summarise: created,
    report: { kind: 'replace', per: 'session', fields: (a) => a.changes },
    detail: placing,
    change: 'replace',
    lane: (a) => (a.breakFirst ? 'DeleteTrafficMirrorSession' : 'CreateTrafficMirrorSession'),
  },
  create: {
    phase: 2,
    places: true,
    frees: false,
    summarise: created,
    report: { kind: 'create', per: 'eni', fields: (a) => [{ field: 'session', wanted: `rule ${a.rule} → ${targetLabel(a.draft.target)}`, actual: null }] },
    detail: placing,
    change: 'create',
    lane: () => 'CreateTrafficMirrorSession',
  },
  'remove-sources': {
    phase: 3,
    places: false,
    frees: true,
    summarise: (a, _o, s) => void a.perEni.forEach((p) => s.removed.push({ eniId: p.eniId, sessionId: a.sessionId, reason: p.reason })),
    report: { kind: 'remove-source', per: 'eni', fields: (a) => [{ field: 'session', wanted: null, actual: a.sessionId }], reasonFor: (a, eniId) => a.perEni.find((p) => p.eniId === eniId)?.reason },
    detail: sources,
    change: 'update',
    lane: () => 'RemoveSourcesFromTrafficMirrorSession',
  },
  'add-sources': {
    phase: 4,
    places: true,
    frees: false,
    summarise: (a, _o, s) => void a.eniIds.forEach((eniId) => s.added.push({ eniId, sessionId: a.sessionId, rule: a.rule })),
    report: { kind: 'add-source', per: 'eni', fields: (a) => [{ field: 'session', wanted: a.sessionId, actual: null }] },
    detail: sources,
    change: 'update',
    lane: () => 'AddSourcesToTrafficMirrorSession',
  },
  delete: {
    phase: 5,
    places: false,
    frees: true,
    summarise: (a, _o, s) => void s.deleted.push({ sessionId: a.sessionId, reason: a.reason }),
    report: { kind: 'delete', per: 'session', fields: (a) => [{ field: 'sourceIds', wanted: [], actual: [...a.eniIds] }] },
    detail: () => '',
    change: 'delete',
    lane: () => 'DeleteTrafficMirrorSession',
  },
  're-sign': {
    phase: 6,
    places: false,
    frees: false,
    summarise: (a, _o, s) => void s.updated.push({ sessionId: a.sessionId, rule: a.rule, changes: [resigned(a)] }),
    // In the report a re-signing is what it is in the cloud: one tag of the session updated in place.
    report: { kind: 'update', per: 'session', fields: (a) => [resigned(a)] },
    detail: (a) => ` (proof under ${a.kid} → the signing key)`,
    change: 'update',
    lane: () => 'TagResources',
  },
} as const satisfies { readonly [K in ActionKind]: KindSpec<K> };

/** The entry for an action's kind, typed for that action. */
export const kindOf = <A extends Action>(a: A): KindSpec<A['kind']> => KINDS[a.kind] as unknown as KindSpec<A['kind']>;

/**
 * Outcome statuses as the report publishes them. `converged` (the cloud already was as wanted) counts as applied;
 * `blocked` (refused, and the re-read truth says why) as failed. Not attempted yet is `proposed`; `skipped` is
 * the report's own: nothing automirror may do (an ENI it can't place, a session it does not own).
 */
export const REPORT_STATUS = {
  done: 'applied',
  converged: 'applied',
  blocked: 'failed',
  failed: 'failed',
  deferred: 'deferred',
} as const satisfies { readonly [S in Outcome['status']]: ReportStatus };
