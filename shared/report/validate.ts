import { Ajv } from 'ajv';
import type { DriftReport } from './model.js';
import { type RuleCounts, ruleCounts } from './rule-counts.js';
import { reportSchema } from './schema.js';
import { computeTotals } from './totals.js';

export class InvalidReportError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid drift report:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidReportError';
  }
}

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
const matchesSchema = ajv.compile(reportSchema as object);

/** What the schema can't say: totals or per-rule counts that disagree with the contents, an ENI in two coverage states. */
function consistencyProblems(r: DriftReport): string[] {
  const problems: string[] = [];
  const counted = computeTotals(r) as unknown as Record<string, unknown>;
  const stated = r.totals as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(counted)) {
    if (JSON.stringify(stated[key]) !== JSON.stringify(value)) {
      problems.push(`/totals/${key}: states ${JSON.stringify(stated[key])}, the contents count ${JSON.stringify(value)}`);
    }
  }
  const seen = new Set<string>();
  for (const e of [...r.coverage.mirrored, ...r.coverage.optedOut, ...r.coverage.excluded, ...r.coverage.unmirrored]) {
    const key = `${e.regionId}/${e.eniId}`;
    if (seen.has(key)) problems.push(`/coverage: ${key} is in more than one coverage list`);
    seen.add(key);
  }
  if (r.rules) {
    const row = (c: RuleCounts) => [c.regionId, c.rule, c.mirrored, c.unmirrored, c.optedOut];
    const stated = r.rules.map(row);
    const counted = ruleCounts(r.coverage, r.rules).map(row);
    if (JSON.stringify(stated) !== JSON.stringify(counted)) problems.push(`/rules: states ${JSON.stringify(stated)}, the coverage counts ${JSON.stringify(counted)}`);
  }
  for (const c of r.collectors ?? []) {
    if (c.ownedSessions > c.sessions) problems.push(`/collectors: ${c.regionId}/${c.target.id} states ${c.ownedSessions} of its ${c.sessions} sessions are automirror's`);
  }
  const complete = !r.run.truncated && r.run.handedOff.length === 0;
  if (r.run.complete !== complete) problems.push(`/run/complete: states ${r.run.complete}, truncated and handedOff say ${complete}`);
  return problems;
}

/** Problems with a document that claims to be a drift report, each with its JSON pointer; [] when it is one. */
export function reportProblems(doc: unknown): string[] {
  if (!matchesSchema(doc)) return (matchesSchema.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
  return consistencyProblems(doc as DriftReport);
}

/** The document as a drift report, or an InvalidReportError listing every problem. */
export function assertReport(doc: unknown): DriftReport {
  const problems = reportProblems(doc);
  if (problems.length) throw new InvalidReportError(problems);
  return doc as DriftReport;
}
