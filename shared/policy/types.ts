import type { MirrorSpec } from '../domain.js';
import type { TagCondition } from './operators.js';

/** A validated tag policy: which ENIs are mirrored, and how. Rules are evaluated in order; the first match wins. */
export interface Policy {
  readonly version: 1;
  /** A tag that, on the ENI or its instance, excludes it; without `value`, any value opts out. */
  readonly optOut?: OptOut;
  readonly quotas: { readonly sourcesPerSession: number };
  readonly rules: readonly Rule[];
  /**
   * Collectors (SLB or ENI ids) that sessions automirror does not own may mirror to, besides every target a rule
   * names: a session toward anything else is unapproved mirroring.
   */
  readonly approvedTargets?: readonly string[];
  /** What is done about an unapproved session: `report` (the default) or `disable` (Enabled=false on it). */
  readonly unapproved?: UnapprovedPolicy;
  /** Scaling groups whose scale-outs wait to be mirrored (ESS lifecycle hooks). */
  readonly lifecycleHooks?: LifecycleHooksPolicy;
  /** What traffic mirroring costs the user, for the estimate the report and plan show (none is shipped). */
  readonly cost?: CostPolicy;
}

/** The user's prices: traffic mirroring is billed per source ENI per hour (shared/policy/schema-cost.ts). */
export interface CostPolicy {
  /** ISO 4217, e.g. `USD`. */
  readonly currency: string;
  /** By region id; a region without a price is estimated in hours only. */
  readonly pricePerSourceHour: Readonly<Record<string, number>>;
}

/** Which scaling groups hold their scale-outs until mirrored, and what a wait that can't be met ends with. */
export interface LifecycleHooksPolicy {
  readonly scalingGroups?: readonly string[];
  readonly scalingGroupTag?: { readonly key: string; readonly value?: string };
  readonly defaultResult: 'CONTINUE' | 'ABANDON';
  /** Seconds. */
  readonly heartbeatTimeout: number;
}

export type UnapprovedPolicy = 'report' | 'disable';

export interface Rule {
  readonly name: string;
  readonly match: Match;
  /** What every ENI this rule matches is mirrored with (defaults filled in, VNI derived). */
  readonly spec: MirrorSpec;
  /** When the rule stops selecting (epoch ms; written as RFC 3339): its sessions are removed by the reconcile after it. */
  readonly expires?: number;
}

export interface Match {
  /** Over the ENI's tags merged onto its instance's; absent when the rule selects by scope alone. */
  readonly tags?: TagExpr;
  readonly scope: Scope;
  readonly enis: 'primary' | 'all';
  /**
   * A temporary rule: it selects only ENIs (or their instances) tagged `automirror:until` / `automirror:for`, until
   * then, at most `maxDurationMs` after the mirror starts (shared/policy/temporary.ts).
   */
  readonly temporary?: { readonly maxDurationMs: number };
}

/** Each present dimension must contain the ENI's value; absent dimensions do not restrict. */
export interface Scope {
  readonly regions?: readonly string[];
  readonly vpcs?: readonly string[];
  readonly vSwitches?: readonly string[];
  readonly zones?: readonly string[];
  /** Instance type families such as `ecs.g7`. */
  readonly instanceTypeFamilies?: readonly string[];
}

export type TagExpr = { readonly all: readonly TagExpr[] } | { readonly any: readonly TagExpr[] } | { readonly not: TagExpr } | TagCondition;

/** The opt-out tag and who may use it. With neither `allowedPrincipals` nor `protected`, every opt-out is honoured. */
export interface OptOut {
  readonly tag: string;
  readonly value?: string;
  /** Only these principals' opt-outs are honoured; others (and opt-outs whose writer is unknown) are overridden. */
  readonly allowedPrincipals?: readonly PrincipalPattern[];
  /** Resources that never opt out, whoever tags them. */
  readonly protected?: Protected;
}

/** An allow-list entry, as written: `acs:ram::<account>:root`, `…:user/<name>`, `…:role/<name>` (any session of it). */
export interface PrincipalPattern {
  readonly kind: 'root' | 'user' | 'role';
  readonly accountId: string;
  /** The user or role name; empty for `root`. */
  readonly name: string;
  readonly text: string;
}

export interface Protected {
  readonly instances?: readonly string[];
  readonly enis?: readonly string[];
  /** Over the same merged tags as a rule's expression. */
  readonly match?: TagExpr;
}
