import { assembleReport, type CoverageEntry } from './assemble.js';
import { mergeChanges } from './history.js';
import { type DriftReport, REPORT_SCHEMA, REPORT_VERSION, type ReportError } from './model.js';

const policyId = (r: DriftReport) => `${r.policy.source}${r.policy.revision ? `@${r.policy.revision}` : ''}`;
const time = (s: string) => new Date(s).getTime();

function tagged(r: DriftReport): CoverageEntry[] {
  const { mirrored, optedOut, excluded, unmirrored } = r.coverage;
  return [
    ...mirrored.map((e) => ({ state: 'mirrored' as const, ...e })),
    ...optedOut.map((e) => ({ state: 'opted-out' as const, ...e })),
    ...excluded.map((e) => ({ state: 'excluded' as const, ...e })),
    ...unmirrored.map((e) => ({ state: 'unmirrored' as const, ...e })),
  ];
}

/**
 * One report from the parts of a run: one per region (the reconciler fans out), and one per invocation of a scan
 * continued from checkpoints. Give the parts in the order they ran: where two name the same resource, the later
 * one wins. A hand-off answered by a part that continues from it is settled; the merged run is complete when every
 * part reached its end or handed off to a part that is here. A merged report can be merged again as a part. The
 * parts' changes since the previous run are combined (mergeChanges).
 *
 * Parts of different modes or accounts can't describe one run and are refused; parts under different policies
 * are merged with an error that says so, since coverage then mixes two sets of promises.
 */
export function mergeReports(parts: readonly DriftReport[], opts: { generatedAt?: Date | string } = {}): DriftReport {
  const [first] = parts;
  if (!first) throw new Error('mergeReports needs at least one part');
  for (const p of parts) {
    if (p.schema !== REPORT_SCHEMA || p.version !== REPORT_VERSION) throw new Error(`can't merge a ${p.schema} v${p.version} part into ${REPORT_SCHEMA} v${REPORT_VERSION}`);
    if (p.mode !== first.mode) throw new Error(`can't merge report parts of modes ${first.mode} and ${p.mode}`);
  }
  const accounts = [...new Set(parts.flatMap((p) => (p.accountId !== undefined ? [p.accountId] : [])))];
  if (accounts.length > 1) throw new Error(`can't merge report parts of accounts ${accounts.join(', ')}`);

  const policies = [...new Set(parts.map(policyId))];
  const policyErrors: ReportError[] = policies.length > 1 ? [{ context: 'merge', message: `parts were made under different policies: ${policies.join(', ')}; the report names the first` }] : [];

  const resumed = new Set(parts.flatMap((p) => p.run.continuedFrom));
  const handed = new Set(parts.flatMap((p) => p.run.handedOff));
  const apiCalls = parts.some((p) => p.run.apiCalls !== undefined) ? parts.reduce((n, p) => n + (p.run.apiCalls ?? 0), 0) : undefined;
  const starts = parts.map((p) => p.run.startedAt).sort((a, b) => time(a) - time(b));
  const ends = parts.map((p) => p.run.finishedAt).sort((a, b) => time(a) - time(b));

  const merged = assembleReport(
    {
      generatedAt: new Date(opts.generatedAt ?? Date.now()).toISOString(),
      ...(accounts.length ? { accountId: accounts[0] } : {}),
      regions: parts.flatMap((p) => p.regions),
      mode: first.mode,
      policy: first.policy,
      run: {
        startedAt: starts[0],
        finishedAt: ends[ends.length - 1],
        truncated: parts.some((p) => p.run.truncated),
        continuedFrom: [...resumed].filter((c) => !handed.has(c)).sort(),
        handedOff: [...handed].filter((c) => !resumed.has(c)).sort(),
        parts: parts.reduce((n, p) => n + p.run.parts, 0),
        ...(apiCalls !== undefined ? { apiCalls } : {}),
      },
    },
    {
      items: parts.flatMap((p) => p.items),
      coverage: parts.flatMap(tagged),
      failedEvents: parts.flatMap((p) => p.failedEvents),
      errors: [...parts.flatMap((p) => p.errors), ...policyErrors],
      unapproved: parts.flatMap((p) => p.foreignSessions.unapproved),
      approved: parts.flatMap((p) => Object.entries(p.foreignSessions.approved).map(([regionId, count]) => ({ regionId, count }))),
      forgedClaims: parts.flatMap((p) => p.forgedClaims ?? []),
      temporary: parts.flatMap((p) => p.temporary ?? []),
      ...(parts.some((p) => p.rules || p.collectors)
        ? {
            ruleSessions: parts.flatMap((p) => (p.cost?.rules ?? []).map(({ regionId, rule, sessions, sources }) => ({ regionId, rule, sessions, sources }))),
            regionUsage: parts.flatMap((p) => (p.cost?.regions ?? []).map(({ regionId, sessions, sources }) => ({ regionId, sessions, sources }))),
            collectors: parts.flatMap((p) => p.collectors ?? []),
          }
        : {}),
    },
  );
  const change = mergeChanges(parts.map((p) => p.change));
  return change ? { ...merged, change } : merged;
}
