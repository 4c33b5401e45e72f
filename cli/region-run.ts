import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileHistoryStore } from '../shared/cloud/history-store.js';
import { engineAdapters } from '../shared/engine/call-policy.js';
import { type ReconcileMode, type RegionResult, reconcileRegion } from '../shared/engine/reconcile-region.js';
import { loadPolicyFile } from '../shared/policy/load.js';
import { policyFromEnv } from '../shared/policy/source.js';
import { policyInfo, policySource, regionReport } from '../shared/report/from-plan.js';
import { renderHtml } from '../shared/report/html.js';
import { renderJson } from '../shared/report/json.js';
import { keepHistory } from '../shared/report/keep-history.js';
import { renderMarkdown } from '../shared/report/markdown.js';
import type { DriftReport } from '../shared/report/model.js';
import { COMMON_FLAGS, parseFlags, UsageError } from './args.js';
import { CLOUD_FLAGS, popCloudFromFlags, provingCloud } from './cloud-flags.js';
import type { FlagSpecs } from './command.js';
import { progressBar } from './progress.js';

/** `automirror plan|apply|report`: the flags they share. */
export const usageOf = (command: string): string => `automirror ${command} --region R [--profile NAME] [--policy FILE] [--endpoint HOST:PORT] [--account-id ID] [--json] [--out DIR]`;

/** The flags of `automirror plan|apply|report`, for their specs and the parse here. */
export const REGION_FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  policy: { type: 'string', value: 'FILE', help: 'the policy file (default: AUTOMIRROR_POLICY, else AUTOMIRROR_POLICY_FILE, else ./policy.yaml)' },
  out: { type: 'string', value: 'DIR', help: 'write report.json, report.md and report.html into DIR' },
} as const satisfies FlagSpecs;

export interface RegionCommandRun {
  readonly result: RegionResult;
  readonly report: DriftReport;
  readonly json: boolean;
  /** Where report.json, report.md and report.html were written, if anywhere. */
  readonly out?: string;
}

/**
 * Runs the region reconcile the reconcile-region function runs, from a laptop: the same engine, the same report.
 * `--out DIR` (or `defaultOut`) receives the JSON, Markdown and HTML renderings, and keeps the report history in
 * DIR/history.json, so that the next run into DIR says what changed. A progress line goes to stderr when it is a
 * terminal.
 */
export async function runRegionCommand(argv: string[], mode: ReconcileMode, defaultOut?: string): Promise<RegionCommandRun> {
  const { values, positionals } = parseFlags(argv, REGION_FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const read = popCloudFromFlags(values);
  // Enforcing writes sessions, so it needs what proves them; a read-only run reports unverifiable claims instead.
  const cloud = mode === 'enforce' ? provingCloud(read) : read;
  const policy = values.policy ? loadPolicyFile(values.policy) : policyFromEnv();
  const progress = progressBar(process.stderr, cloud.regionId);
  let apiCalls = 0;
  const around = async <T>(action: string, send: () => Promise<T>): Promise<T> => {
    apiCalls++;
    const r = await send();
    progress.call(action);
    return r;
  };
  const startedAt = new Date();
  const runId = `cli-${startedAt.toISOString().replace(/[-:.]/g, '')}`;
  const result = await reconcileRegion({ policy, ...engineAdapters({ ...cloud, around }) }, { regionId: cloud.regionId, mode, runId, onPhase: (p) => progress.phase(p) });
  progress.done();
  const b = regionReport(result, { policy: policyInfo(policy, values.policy ?? policySource()), accountId: cloud.ownership?.accountId, startedAt }, apiCalls);
  const out = values.out ?? defaultOut;
  const report = b.finish(out ? await keepHistory(new FileHistoryStore(join(out, 'history.json')), b, {}, runId, cloud.regionId) : {});
  if (out) writeReport(out, report);
  return { result, report, json: values.json === true, out: out && resolve(out) };
}

/** The report's three renderings into `dir`: the document, the summary (uncapped: no message limit here), the page. */
export function writeReport(dir: string, report: DriftReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), renderJson(report));
  writeFileSync(join(dir, 'report.md'), renderMarkdown(report, { top: 1000, maxBytes: Infinity }));
  writeFileSync(join(dir, 'report.html'), renderHtml(report));
}
