import { principalArn } from '../domain.js';
import type { OptOutRecord } from '../policy/opt-out.js';
import type { FieldChange } from './actions.js';
import type { EnsureResult } from './ensure.js';
import { kindOf } from './kinds.js';

/** What an invocation did, for its log line and return value, ENI by ENI, with why. */
export interface EnsureSummary {
  readonly cause: string;
  readonly created: Array<{ eniId: string; sessionId: string; rule: string; priority?: number }>;
  readonly added: Array<{ eniId: string; sessionId: string; rule: string }>;
  readonly updated: Array<{ sessionId: string; rule: string; changes: readonly FieldChange[] }>;
  readonly removed: Array<{ eniId: string; sessionId: string; reason: string }>;
  readonly deleted: Array<{ sessionId: string; reason: string }>;
  readonly unchanged: Array<{ eniId: string; reason: string }>;
  /** ENIs no rule would mirror (no rule matches, service-managed…), with why: `excluded`, as in the report's coverage. */
  readonly excluded: Array<{ eniId: string; reason: string }>;
  /** ENIs a rule would mirror that an honoured opt-out takes out: who set the tag (RAM's name) and when, if known. */
  readonly optedOut: Array<{ eniId: string; rule: string; by?: string; at?: string; via: OptOutRecord['via']; reason: string }>;
  /** Opt-outs the policy overrode (an opt-out tag set, or the opt-in tag removed): the ENI stays mirrored by its rule. */
  readonly overriddenOptOuts: Array<{ eniId: string; rule: string; by?: string; at?: string; via: OptOutRecord['via']; reason: string }>;
  readonly unmirrored: Array<{ eniId: string; rule: string; reason: string }>;
  readonly deferred: Array<{ eniIds: readonly string[]; instanceIds?: readonly string[]; reason: string }>;
  readonly failed: Array<{ reason: string; error: string; retryable: boolean }>;
}

export function summarize(r: EnsureResult): EnsureSummary {
  const s: EnsureSummary = {
    cause: r.subject.cause,
    created: [],
    added: [],
    updated: [],
    removed: [],
    deleted: [],
    unchanged: [],
    excluded: [],
    optedOut: [],
    overriddenOptOuts: [],
    unmirrored: [...r.unmirrored],
    deferred: [],
    failed: [],
  };
  const touched = new Set([...r.actions.flatMap((a) => a.eniIds), ...r.unmirrored.map((u) => u.eniId), ...r.deferred.flatMap((d) => d.eniIds)]);
  for (const d of r.decisions) {
    const o = d.optOut;
    const who = o?.by && { by: principalArn(o.by), at: o.at };
    if (o?.rule !== undefined) (o.status === 'honoured' ? s.optedOut : s.overriddenOptOuts).push({ eniId: d.eniId, rule: o.rule, ...who, via: o.via, reason: o.why });
    if ('excluded' in d) {
      if (o?.status !== 'honoured' || o.rule === undefined) s.excluded.push({ eniId: d.eniId, reason: d.excluded });
    } else if (!touched.has(d.eniId)) s.unchanged.push({ eniId: d.eniId, reason: `already mirrored by rule ${d.spec.rule}` });
  }
  for (const d of r.deferred) s.deferred.push({ eniIds: d.eniIds, ...(d.instanceIds ? { instanceIds: d.instanceIds } : {}), reason: d.reason });
  for (const o of r.outcomes) {
    const a = o.action;
    if (o.status === 'failed') s.failed.push({ reason: a.reason, error: `${o.code}: ${o.error}`, retryable: o.retryable });
    else if (o.status === 'converged') for (const eniId of a.eniIds) s.unchanged.push({ eniId, reason: o.detail });
    else if (o.status === 'done') kindOf(a).summarise(a as never, o, s);
  }
  return s;
}
