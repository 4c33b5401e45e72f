import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalCloud, startLocalCloud } from '../localcloud/index.js';
import type { RateLimits } from '../localcloud/pop/throttle.js';
import { engineAdapters } from '../shared/engine/call-policy.js';
import { type ReconcileMode, type RegionResult, reconcileRegion } from '../shared/engine/reconcile-region.js';
import { parsePolicy } from '../shared/policy/load.js';
import { DEFAULT_SETTINGS } from '../shared/settings.js';
import { buildApp, regionRuns, removeScratch, scratch, startApp } from '../test/reconcile/app.js';
import { DEMO_KEY } from '../test/support/localcloud.js';
import { TEST_ACCOUNT, testKeys } from '../test/support/ownership.js';
import { type Drift, REGION, scalePolicy, scaleWorld } from '../worlds/scale.js';
import { type Bench, type Row, verdict } from './bench.js';

/**
 * The scheduled reconcile over a 20,000-ENI / 5,000-session region on localcloud under rate limits: API calls
 * (localcloud's call log: every request, throttled ones included) against the minimum, pages at the largest page
 * sizes plus one call per change; wall time against the bound the limits set, calls ÷ allowed rate (the three
 * scans run in parallel, so the scan's bound is its slowest list; the apply's is its slowest operation).
 *
 * Then the same enforce run through the deployed reconcile-region function on localcloud, its parts limited to
 * RECONCILE_BENCH_PART_SECONDS, so the run continues from checkpoints in follow-up invocations.
 *
 * RECONCILE_BENCH_ENIS, _SESSIONS and _MISSING (opted-in ENIs without their session) change the size; the
 * default drift keeps enforce to a few hundred writes (a 5,000-create run takes over 8 minutes at 600 a minute).
 */

const num = (name: string, dflt: number) => Number(process.env[`RECONCILE_BENCH_${name}`] ?? dflt);
const ENIS = num('ENIS', 20_000);
const SESSIONS = num('SESSIONS', 5_000);
const PART_SECONDS = num('PART_SECONDS', 8);
const DRIFT: Drift = { missing: num('MISSING', 120), unpooled: 40, disabled: 60, refiltered: 40, optedOut: 30, gone: 30 };

/**
 * CreateTrafficMirrorSession's published 600 a minute; the others are unpublished, so a plausible 20 a second.
 * Every operation the runs call is here (TagResources, each create's proof, included), so the bound counts it.
 */
const RATES: Record<string, number> = {
  CreateTrafficMirrorSession: 10,
  TagResources: 20,
  UpdateTrafficMirrorSessionAttribute: 20,
  AddSourcesToTrafficMirrorSession: 20,
  RemoveSourcesFromTrafficMirrorSession: 20,
  DeleteTrafficMirrorSession: 20,
  DescribeNetworkInterfaces: 20,
  DescribeInstances: 20,
  ListTrafficMirrorSessions: 20,
  DescribeLoadBalancers: 10,
};
const LIMITS: RateLimits = Object.fromEntries(Object.entries(RATES).map(([op, perSecond]) => [op, op === 'CreateTrafficMirrorSession' ? { perMinute: 600 } : { perSecond }]));
const READS = new Set(['DescribeNetworkInterfaces', 'DescribeInstances', 'ListTrafficMirrorSessions', 'DescribeLoadBalancers']);

type Call = ReturnType<LocalCloud['controls']['calls']['list']>[number];
const byAction = (cloud: LocalCloud, which: (c: Call) => boolean = () => true): Map<string, number> => {
  const m = new Map<string, number>();
  for (const c of cloud.controls.calls.list().filter(which)) m.set(c.action, (m.get(c.action) ?? 0) + 1);
  return m;
};
const throttled = (cloud: LocalCloud): number => cloud.controls.calls.list().filter((c) => /Throttling/.test(c.code)).length;

/**
 * Seconds the rate limits force at least: the slowest list of the scan, then the slowest operation of the apply,
 * counting the calls the limits let through (a throttled one takes no slot).
 */
function bound(cloud: LocalCloud): number {
  const calls = byAction(cloud, (c) => !/Throttling/.test(c.code));
  const seconds = ([op, n]: [string, number]) => {
    if (!(op in RATES)) throw new Error(`${op} has no rate in RATES: the bound would not count it`);
    return n / RATES[op];
  };
  const slowest = (reads: boolean) => Math.max(0, ...[...calls].filter(([op]) => READS.has(op) === reads).map(seconds));
  return slowest(true) + slowest(false);
}

/** What the enforce runs aim at (issue 13): within 5% of the bound, the apply as long as its slowest operation. */
const SLACK = 1.05;

const detail = (calls: Map<string, number>) => [...calls].map(([op, n]) => `${n} ${op.replace('TrafficMirror', 'TM')}`).join(', ');

const bench: Bench = {
  name: 'reconcile',
  async run() {
    const policyText = scalePolicy(ENIS);
    const policy = parsePolicy(policyText, 'scale-policy');
    const world = scaleWorld({ enis: ENIS, sessions: SESSIONS, keys: testKeys, drift: DRIFT, options: { rateLimits: LIMITS } });
    const r = world.regions[REGION];
    const lbs = new Set(policy.rules.flatMap((x) => x.spec.targets.map((t) => t.target.id))).size;
    const pages = Math.ceil(ENIS / 500) + Math.ceil((r.instances?.length ?? 0) / 100) + Math.ceil(SESSIONS / 100) + Math.ceil(lbs / 10);
    process.stderr.write(
      `  ${ENIS} ENIs on ${r.instances?.length} instances, ${SESSIONS} sessions, ${lbs} CLB targets; drift ${JSON.stringify(DRIFT)}\n` +
        `  localcloud rate limits per second: ${Object.entries(RATES)
          .map(([op, n]) => `${op} ${n}`)
          .join(', ')}\n`,
    );
    const cloud = await startLocalCloud({ world });
    const rows: Row[] = [];
    const c = `${ENIS.toLocaleString('en')} ENIs / ${SESSIONS.toLocaleString('en')} sessions`;
    try {
      const deps = { policy, ...engineAdapters({ regionId: REGION, credentials: DEMO_KEY, endpoint: cloud.endpoint, timeoutMs: 30_000, ownership: { keys: testKeys, accountId: TEST_ACCOUNT } }) };
      const measure = async (mode: ReconcileMode, label: string) => {
        cloud.controls.calls.clear();
        const t0 = Date.now();
        const result: RegionResult = await reconcileRegion(deps, { regionId: REGION, mode, runId: `bench-${label}` });
        const seconds = (Date.now() - t0) / 1000;
        const calls = byAction(cloud);
        const total = [...calls.values()].reduce((a, b) => a + b, 0);
        const changes = result.passes[0].plan.actions.length;
        const applied = result.passes.flatMap((p) => p.outcomes).filter((o) => o.status === 'done').length;
        // A create is two writes: the session, then its ownership proof (TagResources, once the id exists).
        const creates = result.passes[0].plan.actions.filter((a) => a.kind === 'create' || a.kind === 'replace').length;
        const minimum = pages + (mode === 'enforce' ? changes + creates : 0);
        const what = mode === 'enforce' ? `${changes} changes (${applied} done)` : `${changes} changes proposed`;
        rows.push({
          case: `${c}, ${label}`,
          measure: `API calls (${throttled(cloud)} throttled): ${detail(calls)}`,
          value: total,
          unit: 'calls',
          baseline: minimum,
          target: `${minimum} (${pages} pages${mode === 'enforce' ? ` + ${changes} changes + ${creates} proofs` : ''})`,
        });
        const least = bound(cloud);
        const target = mode === 'enforce' ? `≤ ${SLACK} × calls ÷ allowed rate: ${verdict(seconds <= SLACK * least)}` : 'calls ÷ allowed rate';
        rows.push({ case: `${c}, ${label}`, measure: `wall time under rate limits, ${what}`, value: seconds, unit: 's', baseline: least, target });
      };
      await measure('report', 'report');
      await measure('enforce', 'enforce');
      await measure('enforce', 'enforce again (converged)');
    } finally {
      await cloud.close();
    }
    rows.push(await throughFunction(world, policyText, c, rows[3].value));
    return rows;
  },
};

/** The enforce run as the schedule runs it: reconcile-region on localcloud, continued across parts. */
async function throughFunction(world: ReturnType<typeof scaleWorld>, policyText: string, c: string, engineSeconds: number): Promise<Row> {
  const dir = scratch();
  try {
    buildApp(dir);
    writeFileSync(join(dir, 'policy.yaml'), policyText);
    const app = await startApp(dir, { world, env: { 'reconcile-region': { AUTOMIRROR_RECONCILE_PART_SECONDS: String(PART_SECONDS) } } });
    try {
      const t0 = Date.now();
      await app.fc.invokeAsync(DEFAULT_SETTINGS.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode: 'enforce', runId: 'bench-fn' })));
      await app.platform.idle();
      const seconds = (Date.now() - t0) / 1000;
      const runs = regionRuns(app);
      const last = runs[runs.length - 1]?.report;
      const state = last ? `${last.run.complete ? 'complete' : 'INCOMPLETE'}, ${last.totals.coveragePercent}% coverage` : `failed: ${runs[runs.length - 1]?.record.errorMessage}`;
      return {
        case: `${c}, enforce via reconcile-region`,
        measure: `wall time, ${runs.length} invocations of ≤ ${PART_SECONDS} s work each, ${state}; vs the engine alone`,
        value: seconds,
        unit: 's',
        baseline: engineSeconds,
      };
    } finally {
      await app.close();
    }
  } finally {
    removeScratch(dir);
  }
}

export default bench;
