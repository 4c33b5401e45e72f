import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { ensure } from '../../shared/engine/ensure.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { FILTER, onboardingPolicy, onboardingWorld } from '../../worlds/onboarding.js';
import { engineDeps, sessionsIn, subject } from '../engine/cloud.js';
import { runRegion, writes } from './support.js';

/**
 * Onboarding an account through the SDKs against localcloud (issue 13): pooled sessions are filled before new ones
 * open, and a filter near its 2,000-session quota (localcloud refuses the 2,001st with QuotaExceeded.SessionsPerFilter)
 * is planned for: the plan reports the ENIs past it, and no create fails.
 */

let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const count = (lines: string[]) => {
  const m: Record<string, number> = {};
  for (const l of lines) m[l] = (m[l] ?? 0) + 1;
  return m;
};

describe('a filter near its sessions quota', () => {
  it('gets the sessions it has room for; the rest are unmirrored with the quota, the count and the fix, and no create fails', async () => {
    cloud = await startLocalCloud({ world: onboardingWorld({ enis: 12, filterSessions: 1_995 }) });
    const policy = parsePolicy(onboardingPolicy(12, 'per-eni'), 'onboarding');
    const { result, report } = await runRegion(cloud, 'enforce', policy);
    expect(count(writes(cloud))).toEqual({ 'CreateTrafficMirrorSession OK': 5 });
    const first = result.passes[0].plan;
    expect(first.unmirrored).toHaveLength(7);
    expect(first.unmirrored.every((u) => u.quota === 'sessionsPerFilter')).toBe(true);
    expect(report.totals).toMatchObject({ mirrored: 5, unmirrored: 7 });
    expect(report.coverage.unmirrored[0].reason).toMatch(
      new RegExp(`^filter ${FILTER} serves 2,000 sessions \\(1,995 read \\+ 5 this plan creates\\), its quota of 2,000 sessions per filter \\(not adjustable\\): give rule onboard a second filter`),
    );
    expect(renderMarkdown(report)).toContain(`| onboard | filter ${FILTER} serves 2,000 sessions (1,995 read + 5 this plan creates)`);
    // The next run counts the sessions it made: nothing more is tried.
    cloud.controls.calls.clear();
    const again = await runRegion(cloud, 'enforce', policy, { runId: 'again' });
    expect(writes(cloud)).toEqual([]);
    expect(again.result.passes[0].plan.unmirrored[0].reason).toMatch(new RegExp(`^filter ${FILTER} serves 2,000 sessions, its quota`));
  });
});

describe('onboarding a pooled rule', () => {
  it('makes ⌈ENIs ÷ pool⌉ sessions per target, each full but the last, in one run', async () => {
    cloud = await startLocalCloud({ world: onboardingWorld({ enis: 95 }) });
    const policy = parsePolicy(onboardingPolicy(95, 10), 'onboarding');
    const { report } = await runRegion(cloud, 'enforce', policy);
    expect(report.totals).toMatchObject({ mirrored: 95, unmirrored: 0 });
    const byTarget = new Map<string, number[]>();
    for (const s of sessionsIn(cloud)) byTarget.set(s.trafficMirrorTargetId, [...(byTarget.get(s.trafficMirrorTargetId) ?? []), s.trafficMirrorSourceIds.length]);
    for (const sizes of byTarget.values()) {
      const sources = sizes.reduce((a, b) => a + b, 0);
      expect(sizes.length).toBe(Math.ceil(sources / 10));
    }
    expect([...byTarget.values()].flat().length).toBe(10);
  });
});

describe('the event path', () => {
  it('does not count the quotas (no read of every launch pays for them): a create past a full filter is one refusal, reported with its code and not retried', async () => {
    cloud = await startLocalCloud({ world: onboardingWorld({ enis: 2, filterSessions: 1_999 }) });
    const deps = engineDeps(cloud, parsePolicy(onboardingPolicy(2, 'per-eni'), 'onboarding'));
    const r = await ensure(subject(['i-00000', 'i-00001']), deps, { runId: 'evt' });
    const outcomes = r.outcomes.map((o) => `${o.action.eniIds} ${o.status}${o.status === 'failed' ? ` ${o.code} retryable=${o.retryable}` : ''}`).sort();
    expect(outcomes).toEqual(['eni-o00000 done', 'eni-o00001 failed QuotaExceeded.SessionsPerFilter retryable=false']);
    expect(r.result.kind).toBe('done');
    expect(count(writes(cloud))).toEqual({ 'CreateTrafficMirrorSession OK': 1, 'CreateTrafficMirrorSession QuotaExceeded.SessionsPerFilter': 1 });
    expect(cloud.controls.calls.list({ action: 'ListTrafficMirrorSessions' }).filter((c) => c.params.MaxResults === '1')).toEqual([]);
  });
});
