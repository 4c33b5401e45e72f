import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { REGION, scalePolicy, scaleWorld } from '../../worlds/scale.js';
import { testKeys } from '../support/ownership.js';
import { runRegion } from './support.js';

/**
 * A moderately sized region (2,000 ENIs, 500 sessions, every kind of drift) from the bench's generator: the scan
 * reads each list once at the largest page size, enforce makes exactly one call per planned change, and the
 * region is converged afterwards. The full 20,000 / 5,000 region is the bench's (bench/reconcile.bench.ts).
 */

const ENIS = 2_000;
const SESSIONS = 500;
const policy = parsePolicy(scalePolicy(ENIS), 'scale-policy');
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ world: scaleWorld({ enis: ENIS, sessions: SESSIONS, keys: testKeys, drift: { missing: 10, unpooled: 12, disabled: 6, refiltered: 4, optedOut: 3, gone: 3 } }) });
});
afterAll(() => cloud?.close());

const calls = () => {
  const m: Record<string, number> = {};
  for (const c of cloud.controls.calls.list()) m[`${c.action} ${c.code}`] = (m[`${c.action} ${c.code}`] ?? 0) + 1;
  return m;
};

describe(`a region of ${ENIS} ENIs and ${SESSIONS} sessions`, () => {
  it('is read in pages of 500 ENIs, 100 instances and 100 sessions, plus the ENIs sessions name that are gone', async () => {
    cloud.controls.calls.clear();
    const { report } = await runRegion(cloud, 'report', policy);
    expect(calls()).toEqual({
      'DescribeNetworkInterfaces OK': ENIS / 500 + 1,
      'DescribeInstances OK': ENIS / 2 / 100,
      'ListTrafficMirrorSessions OK': SESSIONS / 100,
      'DescribeLoadBalancers OK': 1,
    });
    expect(report.totals).toMatchObject({ enis: ENIS, excluded: 600, mirrored: 1400 - 10 - 12 - 6 - 4, unmirrored: 10 + 12 + 6 + 4 });
  });

  it('is converged by one enforce run with one write per planned change, and a second run changes nothing', async () => {
    cloud.controls.calls.clear();
    const { result, report } = await runRegion(cloud, 'enforce', policy, { runId: 'scale-1' });
    const changes = result.passes[0].plan.actions.length;
    // One call per change, plus each new session's proof; a write refused only for the rate is retried.
    const creates = result.passes[0].plan.actions.filter((a) => a.kind === 'create').length;
    const writes = Object.entries(calls()).filter(([k]) => !/^(Describe|List)/.test(k));
    expect(writes.filter(([k]) => !k.endsWith(' OK') && !k.endsWith(' Throttling.User'))).toEqual([]);
    expect(writes.filter(([k]) => k.endsWith(' OK')).reduce((n, [, v]) => n + v, 0)).toBe(changes + creates);
    expect(report.totals).toMatchObject({ coveragePercent: 100, statuses: { applied: report.totals.items } });
    const again = await runRegion(cloud, 'enforce', policy, { runId: 'scale-2' });
    expect(again.result.passes[0].plan.actions).toEqual([]);
    expect(again.report.totals).toMatchObject({ enis: ENIS, mirrored: 1400, unmirrored: 0 });
  });
});

it('keeps the generated world inside the cloud’s limits: sessions per filter, sources per load balancer', () => {
  const w = scaleWorld({ enis: 20_000, sessions: 5_000, keys: testKeys }).regions[REGION];
  const perFilter = new Map<string, number>();
  const perTarget = new Map<string, number>();
  for (const s of w.trafficMirrorSessions ?? []) {
    perFilter.set(s.trafficMirrorFilterId, (perFilter.get(s.trafficMirrorFilterId) ?? 0) + 1);
    perTarget.set(s.trafficMirrorTargetId, (perTarget.get(s.trafficMirrorTargetId) ?? 0) + s.trafficMirrorSourceIds.length);
  }
  expect(w.trafficMirrorSessions).toHaveLength(5_000);
  expect(Math.max(...perFilter.values())).toBeLessThan(2_000);
  expect(Math.max(...perTarget.values())).toBeLessThanOrEqual(500);
});
