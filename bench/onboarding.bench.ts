import { type LocalCloud, startLocalCloud } from '../localcloud/index.js';
import { engineAdapters } from '../shared/engine/call-policy.js';
import { type ReconcileMode, reconcileRegion } from '../shared/engine/reconcile-region.js';
import { parsePolicy } from '../shared/policy/load.js';
import { DEMO_KEY } from '../test/support/localcloud.js';
import { TEST_ACCOUNT, testKeys } from '../test/support/ownership.js';
import { onboardingPolicy, onboardingWorld, REGION } from '../worlds/onboarding.js';
import { type Bench, type Row, verdict } from './bench.js';

/**
 * Onboarding an account (issue 13): opted-in ENIs and not one session, one scheduled enforce run on localcloud
 * under CreateTrafficMirrorSession's published 600 a minute. Creates per second (from the first Create to the
 * last) against 0.9 × 10/s, and sessions made against the minimum, ⌈ENIs ÷ pool⌉ on each target.
 *
 * ONBOARDING_BENCH_POOLED (ENIs, default 5,000: 500 creates, under a minute) and ONBOARDING_BENCH_PER_ENI (default
 * 1,000: 5,000 per-ENI creates take over 8 minutes, and a filter serves at most 2,000) set the sizes. A report-mode
 * run over 5,000 per-ENI ENIs on one filter shows the 2,000-sessions-per-filter quota planned for, not failed into.
 */

const num = (name: string, dflt: number) => Number(process.env[`ONBOARDING_BENCH_${name}`] ?? dflt);
const POOLED = num('POOLED', 5_000);
const PER_ENI = num('PER_ENI', 1_000);
const QUOTA_ENIS = 5_000;
const POOL = 10;
/** CreateTrafficMirrorSession's published limit, per second. */
const CREATE_LIMIT = 10;

const fmt = (n: number) => n.toLocaleString('en');

async function onboard(enis: number, layout: 'per-eni' | number, mode: ReconcileMode): Promise<Row[]> {
  const cloud: LocalCloud = await startLocalCloud({ world: onboardingWorld({ enis, options: { rateLimits: { CreateTrafficMirrorSession: { perMinute: 600 } } } }) });
  try {
    const policy = parsePolicy(onboardingPolicy(enis, layout), 'onboarding');
    const deps = { policy, ...engineAdapters({ regionId: REGION, credentials: DEMO_KEY, endpoint: cloud.endpoint, timeoutMs: 30_000, ownership: { keys: testKeys, accountId: TEST_ACCOUNT } }) };
    const result = await reconcileRegion(deps, { regionId: REGION, mode, runId: `bench-onboard-${layout}` });
    const pool = layout === 'per-eni' ? 1 : layout;
    const c = `${fmt(enis)} opted-in ENIs, no sessions, ${layout === 'per-eni' ? 'per-ENI' : `pooled ${layout}`}`;
    const plan = result.passes[0].plan;
    if (mode === 'report') {
      const past = plan.unmirrored.filter((u) => u.quota === 'sessionsPerFilter').length;
      const creates = plan.actions.filter((a) => a.kind === 'create').length;
      const expected = Math.max(0, enis - 2_000);
      return [
        {
          case: `${c}, one filter, report`,
          measure: `ENIs planned past the 2,000-sessions-per-filter quota (unmirrored with the fix; ${fmt(creates)} creates planned)`,
          value: past,
          unit: 'ENIs',
          baseline: expected,
          target: `ENIs − 2,000 = ${fmt(expected)}, no create past the quota: ${verdict(past === expected && creates === enis - expected)}`,
        },
      ];
    }
    const calls = cloud.controls.calls.list({ action: 'CreateTrafficMirrorSession' });
    const ok = calls.filter((x) => x.code === 'OK');
    const span = ok.length > 1 ? (Date.parse(ok[ok.length - 1].time) - Date.parse(ok[0].time)) / 1000 : 0;
    const rate = span > 0 ? (ok.length - 1) / span : 0;
    const failed = calls.length - ok.length;
    // Sessions on each target against ⌈its sources ÷ pool⌉, and in all against ⌈ENIs ÷ pool⌉.
    const byTarget = new Map<string, number[]>();
    for (const s of cloud.state.region(REGION).sessions.values()) byTarget.set(s.trafficMirrorTargetId, [...(byTarget.get(s.trafficMirrorTargetId) ?? []), s.trafficMirrorSourceIds.length]);
    const perTargetMinimal = [...byTarget.values()].every((sizes) => sizes.length === Math.ceil(sizes.reduce((a, b) => a + b, 0) / pool));
    const sessions = [...byTarget.values()].reduce((n, sizes) => n + sizes.length, 0);
    const minimum = Math.ceil(enis / pool);
    const mirrored = result.passes.flatMap((p) => p.outcomes).filter((o) => o.status === 'done').length;
    return [
      {
        case: c,
        measure: `creates per second, ${fmt(ok.length)} creates in ${span.toFixed(1)} s (${failed} refused, ${mirrored} actions done), vs Create's limit`,
        value: rate,
        unit: '/s',
        baseline: CREATE_LIMIT,
        target: `≥ 0.9 × ${CREATE_LIMIT}/s: ${verdict(rate >= 0.9 * CREATE_LIMIT)}`,
      },
      {
        case: c,
        measure: `sessions created on ${byTarget.size} targets, vs ⌈ENIs ÷ ${pool}⌉`,
        value: sessions,
        unit: 'sessions',
        baseline: minimum,
        target: `⌈ENIs ÷ pool⌉ = ${fmt(minimum)}, ⌈sources ÷ pool⌉ per target: ${verdict(sessions === minimum && perTargetMinimal)}`,
      },
    ];
  } finally {
    await cloud.close();
  }
}

const bench: Bench = {
  name: 'onboarding',
  async run() {
    process.stderr.write(`  pooled ${fmt(POOLED)} ENIs, per-ENI ${fmt(PER_ENI)} ENIs; CreateTrafficMirrorSession 600 a minute\n`);
    return [...(await onboard(POOLED, POOL, 'enforce')), ...(await onboard(PER_ENI, 'per-eni', 'enforce')), ...(await onboard(QUOTA_ENIS, 'per-eni', 'report'))];
  },
};

export default bench;
