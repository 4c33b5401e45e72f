import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudConfig } from '../shared/cloud/config.js';
import { FileHistoryStore } from '../shared/cloud/history-store.js';
import { engineAdapters } from '../shared/engine/call-policy.js';
import { type ReconcileMode, type RegionResult, reconcileRegion } from '../shared/engine/reconcile-region.js';
import type { Policy } from '../shared/policy/types.js';
import { regionReport } from '../shared/report/from-plan.js';
import { renderHtml } from '../shared/report/html.js';
import { renderJson } from '../shared/report/json.js';
import { keepHistory } from '../shared/report/keep-history.js';
import { renderMarkdown } from '../shared/report/markdown.js';
import { mergeReports } from '../shared/report/merge.js';
import type { DriftReport, PolicyInfo } from '../shared/report/model.js';
import { approvalGate } from './approval-gate.js';
import { progressBar } from './progress.js';

/** One region's run and its drift report. */
export interface RegionRun {
  readonly result: RegionResult;
  readonly report: DriftReport;
}

export interface RegionsRunOptions {
  readonly mode: ReconcileMode;
  readonly regions: readonly string[];
  /** The cloud as the flags name it; each region's run gets its own region id. */
  readonly cloud: Omit<CloudConfig, 'regionId'>;
  readonly policy: Policy;
  readonly policyInfo: PolicyInfo;
  /**
   * Enforce mode: asked once with every region's plan (as a report-mode run would end on it) before anything is
   * written anywhere; false applies nothing. Each region then applies that plan in one pass.
   */
  readonly approve?: (planned: readonly RegionRun[]) => Promise<boolean>;
  /** Where the report history is kept (beside the report written there), so that the next run into it says what changed. */
  readonly historyDir?: string;
  /** The run id behind ClientTokens (default: `cli-<start time>`): a saved plan's, so its apply sends the requests it verified. */
  readonly runId?: string;
}

/** history.json, or one file per region when a run covers several (the history is per region, as the functions keep it). */
export const historyFile = (regionId: string, regions: number): string => (regions === 1 ? 'history.json' : `history-${regionId}.json`);

export interface RegionsRun {
  /** Each region's run and report, in the order of `regions`. */
  readonly regions: readonly RegionRun[];
  /** The regions' reports merged (shared/report/merge.ts) when there are several. */
  readonly report: DriftReport;
  readonly runId: string;
}

/**
 * Runs the region reconcile the reconcile-region function runs, from a laptop, in each region at once: the same
 * engine, the same report (with the change since the last run kept in `historyDir`). A progress line goes to stderr
 * when it is a terminal. A region that fails fails the run, after the others have ended (with an approval, before
 * any of them writes).
 */
export async function runRegions(opts: RegionsRunOptions): Promise<RegionsRun> {
  const { regions, mode, policy } = opts;
  const progress = progressBar(process.stderr, regions.length === 1 ? regions[0] : `${regions.length} regions`);
  const startedAt = new Date();
  const start = { policy: opts.policyInfo, accountId: opts.cloud.ownership?.accountId, startedAt };
  const approve = opts.approve;
  const gate =
    approve && mode === 'enforce'
      ? approvalGate(regions.length, (planned) => {
          progress.clear();
          return approve(planned.map((result) => ({ result, report: regionReport(result, start).finish() })));
        })
      : undefined;
  const runId = opts.runId ?? `cli-${startedAt.toISOString().replace(/[-:.]/g, '')}`;
  const one = async (regionId: string, i: number): Promise<RegionRun> => {
    let apiCalls = 0;
    const around = async <T>(_action: string, send: () => Promise<T>): Promise<T> => {
      apiCalls++;
      const r = await send();
      progress.call(regionId);
      return r;
    };
    try {
      const result = await reconcileRegion(
        { policy, ...engineAdapters({ ...opts.cloud, regionId, around }) },
        {
          regionId,
          mode,
          runId,
          onPhase: (p) => progress.phase(regionId, p),
          onOutcome: () => progress.changed(),
          ...(gate ? { approve: gate.approve(i), maxPasses: 1 } : {}),
        },
      );
      const b = regionReport(result, start, apiCalls);
      const end = opts.historyDir ? await keepHistory(new FileHistoryStore(join(opts.historyDir, historyFile(regionId, regions.length))), b, {}, runId, regionId) : {};
      return { result, report: b.finish(end) };
    } catch (err) {
      gate?.fail(i);
      // Which region, when there are several; the cloud's code stays (--json prints it).
      if (regions.length === 1) throw err;
      throw Object.assign(new Error(`${regionId}: ${(err as Error).message}`, { cause: err }), { code: (err as { code?: unknown }).code });
    }
  };
  const settled = await Promise.allSettled(regions.map(one));
  progress.done();
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const runs = settled.map((s) => (s as PromiseFulfilledResult<RegionRun>).value);
  return { regions: runs, report: runs.length === 1 ? runs[0].report : mergeReports(runs.map((r) => r.report)), runId };
}

/** The report's three renderings into `dir`: the document, the summary (uncapped: no message limit here), the page. */
export function writeReport(dir: string, report: DriftReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), renderJson(report));
  writeFileSync(join(dir, 'report.md'), renderMarkdown(report, { top: 1000, maxBytes: Infinity }));
  writeFileSync(join(dir, 'report.html'), renderHtml(report));
}
