import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { mergeReports } from '../../shared/report/merge.js';
import type { DriftReport } from '../../shared/report/model.js';
import { ruleCounts } from '../../shared/report/rule-counts.js';
import { reportProblems } from '../../shared/report/validate.js';
import { eniId, worldSession } from '../engine/cloud.js';
import { regionWorld, runRegion } from '../reconcile/support.js';

/**
 * The per-rule and per-collector breakdown of a region run, through the SDKs against localcloud: five instances
 * tagged mirror=on (one opted out), pooled over a zoned CLB and an ENI collector, with another team's session on lb-a.
 */
const POLICY = `
version: 1
optOut: { tag: automirror, value: "off" }
rules:
  - name: web
    match: { tag: mirror, equals: "on" }
    mirror:
      pool:
        - { slb: lb-a, zone: cn-hangzhou-h, capacity: 4 }
        - { eni: eni-collector1 }
      filter: tmf-allipv4
      priority: { min: 1000, max: 1999 }
  - name: idle
    match: { tag: never, exists: true }
    mirror:
      target: { slb: lb-b }
      filter: tmf-allipv4
      priority: { min: 3000, max: 3999 }
`;

let cloud: LocalCloud;
let before: DriftReport;
let after: DriftReport;

beforeAll(async () => {
  cloud = await startLocalCloud({
    world: regionWorld({
      instances: 5,
      instance: (i) => (i === 4 ? { tags: { mirror: 'on', automirror: 'off' } } : {}),
      freeEnis: ['eni-collector1', 'eni-other1', 'eni-other2'].map((id) => ({ networkInterfaceId: id, vSwitchId: 'vsw-prod-i', tags: {} })),
      sessions: [worldSession('tms-netops1', ['eni-other1', 'eni-other2'], 1, null)],
    }),
  });
  const policy = parsePolicy(POLICY, 'breakdown-policy');
  before = (await runRegion(cloud, 'report', policy)).report;
  after = (await runRegion(cloud, 'enforce', policy)).report;
});
afterAll(() => cloud?.close());

describe('the breakdown per rule and per collector', () => {
  it('counts each rule of the policy, its ENIs by state and its sessions, as the scan found them in report mode', () => {
    expect(before.rules).toEqual([
      { rule: 'idle', regionId: 'cn-hangzhou', mirrored: 0, unmirrored: 0, optedOut: 0, sessions: 0 },
      { rule: 'web', regionId: 'cn-hangzhou', mirrored: 0, unmirrored: 4, optedOut: 1, sessions: 0 },
    ]);
  });

  it("shows each collector of a rule that selects ENIs, with anyone's sessions toward it and its capacity", () => {
    expect(before.collectors).toEqual([
      {
        regionId: 'cn-hangzhou',
        target: { kind: 'NetworkInterface', id: 'eni-collector1' },
        zone: 'cn-hangzhou-i',
        zoneFrom: 'scan',
        rules: ['web'],
        sessions: 0,
        ownedSessions: 0,
        sources: 0,
        capacity: 20,
      },
      { regionId: 'cn-hangzhou', target: { kind: 'SLB', id: 'lb-a' }, zone: 'cn-hangzhou-h', zoneFrom: 'policy', rules: ['web'], sessions: 1, ownedSessions: 0, sources: 2, capacity: 4 },
    ]);
  });

  it('counts what an enforce run left: the sessions it created, each collector filled as placed', () => {
    expect(after.rules?.find((r) => r.rule === 'web')).toEqual({ rule: 'web', regionId: 'cn-hangzhou', mirrored: 4, unmirrored: 0, optedOut: 1, sessions: 4 });
    const used = Object.fromEntries((after.collectors ?? []).map((c) => [c.target.id, [c.sessions, c.ownedSessions, c.sources]]));
    // lb-a had 2 of its 4 sources taken by netops: 2 more fit, the other 2 ENIs go to the ENI collector.
    expect(used).toEqual({ 'lb-a': [3, 2, 4], 'eni-collector1': [2, 2, 2] });
    expect(after.coverage.mirrored.map((m) => m.eniId)).toEqual([0, 1, 2, 3].map((i) => eniId(i)));
  });

  it('is checked against the coverage by the validator, and survives a merge', () => {
    expect(reportProblems(after)).toEqual([]);
    const bent = { ...after, rules: after.rules?.map((r) => ({ ...r, mirrored: r.mirrored + 1 })) };
    expect(reportProblems(bent)).toEqual([expect.stringMatching(/^\/rules: states .*, the coverage counts /)]);
    // Two parts of one region (a continued run): the later one's sessions and collectors stand.
    const merged = mergeReports([{ ...after, collectors: before.collectors, rules: before.rules?.map((r) => ({ ...r, ...ruleCounts(after.coverage).find((c) => c.rule === r.rule) })) }, after]);
    expect(merged.rules).toEqual(after.rules);
    expect(merged.collectors).toEqual(after.collectors);
    expect(reportProblems(merged)).toEqual([]);
  });
});
