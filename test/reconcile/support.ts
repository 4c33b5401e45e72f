import type { LocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { type ReconcileMode, type RegionOptions, type RegionResult, reconcileRegion } from '../../shared/engine/reconcile-region.js';
import type { Policy } from '../../shared/policy/types.js';
import { policyInfo, regionReport } from '../../shared/report/from-plan.js';
import type { DriftReport } from '../../shared/report/model.js';
import { assertReport } from '../../shared/report/validate.js';
import { cloudConfig, engineWorld, FAST_RETRY, REGION, sessionsIn, type WorldSpec, webPolicy } from '../engine/cloud.js';

/** The engine tests' world (n instances tagged mirror=on, CLBs lb-a and lb-b) with a second filter to drift to. */
export function regionWorld(w: WorldSpec): WorldFile {
  const world = engineWorld(w);
  const region = world.regions[REGION];
  region.trafficMirrorFilters = [...(region.trafficMirrorFilters ?? []), { trafficMirrorFilterId: 'tmf-other', trafficMirrorFilterName: 'other' }];
  return world;
}

export interface RegionRun {
  readonly result: RegionResult;
  /** Built as the function builds it, and checked against the schema and its own totals. */
  readonly report: DriftReport;
}

/** One region reconcile through the official SDKs against localcloud, and its drift report. */
export async function runRegion(cloud: LocalCloud, mode: ReconcileMode, policy: Policy = webPolicy(), opts: Partial<RegionOptions> = {}): Promise<RegionRun> {
  const deps = { policy, ...engineAdapters(cloudConfig(cloud), { retry: FAST_RETRY }) };
  const result = await reconcileRegion(deps, { regionId: REGION, mode, runId: 'test-run', ...opts });
  return { result, report: assertReport(regionReport(result, { policy: policyInfo(policy, 'test-policy') }).finish()) };
}

/** Waits until no session is Creating, Modifying or Deleting. */
export async function quiet(cloud: LocalCloud): Promise<void> {
  while (sessionsIn(cloud).some((s) => s.status !== 'Created')) await new Promise((r) => setTimeout(r, 20));
}

const WRITE = /^(Create|Update|AddSources|RemoveSources|Delete)TrafficMirror/;

/** The mirroring writes localcloud answered, as `Action code` lines. */
export const writes = (cloud: LocalCloud): string[] =>
  cloud.controls.calls
    .list()
    .filter((c) => WRITE.test(c.action))
    .map((c) => `${c.action} ${c.code}`);

/** Sessions as `id: sources → target (rule)`, sorted, for comparing cloud states. */
export const layout = (cloud: LocalCloud): string[] =>
  sessionsIn(cloud)
    .map((s) => `${s.trafficMirrorSourceIds.join(',')} → ${s.trafficMirrorTargetId} (${s.tags.get('automirror:rule') ?? 'not ours'})`)
    .sort();
