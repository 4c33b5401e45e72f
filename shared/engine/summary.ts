import type { EnsureResult } from './ensure.js';

/** What an invocation did, for its log line and return value: created, skipped (with why), failed. */
export interface EnsureSummary {
  readonly cause: string;
  readonly created: Array<{ eniId: string; sessionId: string; rule: string; priority?: number }>;
  readonly deleted: Array<{ sessionId: string; reason: string }>;
  readonly unchanged: Array<{ eniId: string; reason: string }>;
  readonly skipped: Array<{ eniId: string; reason: string }>;
  readonly failed: Array<{ reason: string; error: string; retryable: boolean }>;
}

export function summarize(r: EnsureResult): EnsureSummary {
  const s: EnsureSummary = { cause: r.subject.cause, created: [], deleted: [], unchanged: [], skipped: [], failed: [] };
  const acted = new Set(r.actions.flatMap((a) => (a.kind === 'create' ? [a.eniId] : [])));
  for (const d of r.decisions) {
    if ('excluded' in d) s.skipped.push({ eniId: d.eniId, reason: d.excluded });
    else if (!acted.has(d.eniId)) s.unchanged.push({ eniId: d.eniId, reason: `already mirrored by rule ${d.spec.rule}` });
  }
  for (const o of r.outcomes) {
    const a = o.action;
    if (o.status === 'failed') s.failed.push({ reason: a.reason, error: o.error, retryable: o.retryable });
    else if (o.status === 'converged') s.unchanged.push({ eniId: a.kind === 'create' ? a.eniId : a.sessionId, reason: o.detail });
    else if (a.kind === 'create') s.created.push({ eniId: a.eniId, sessionId: o.sessionId, rule: a.spec.rule, priority: o.priority });
    else s.deleted.push({ sessionId: a.sessionId, reason: a.reason });
  }
  return s;
}
