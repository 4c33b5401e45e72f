import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { MirrorTarget, Session } from '../../shared/domain.js';
import type { Action, Outcome } from '../../shared/engine/actions.js';
import { RULE_TAG } from '../../shared/engine/ownership.js';
import type { RegionPass } from '../../shared/engine/reconcile-region.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { sessionsAtEnd } from '../../shared/report/breakdown.js';
import { usageOf } from '../../shared/report/cost.js';
import { mergeReports } from '../../shared/report/merge.js';
import type { DriftReport } from '../../shared/report/model.js';
import { ruleCounts } from '../../shared/report/rule-counts.js';
import { reportProblems } from '../../shared/report/validate.js';
import { eniId, worldSession } from '../engine/cloud.js';
import { regionWorld, runRegion } from '../reconcile/support.js';

/**
 * The per-rule and per-collector breakdown of a region run, through the SDKs against localcloud: five instances
 * tagged mirror=on (one opted out), pooled over a CLB preferred for one zone and an ENI collector, with another
 * team's session on lb-a.
 */
const POLICY = `
version: 1
optOut: { tag: automirror, value: "off" }
rules:
  - name: web
    match: { tag: mirror, equals: "on" }
    mirror:
      pool:
        - { slb: lb-a, zone: cn-hangzhou-i, capacity: 4 }
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
      // The zone DescribeLoadBalancers gives (MasterZoneId), over the one the pool prefers it for.
      { regionId: 'cn-hangzhou', target: { kind: 'SLB', id: 'lb-a' }, zone: 'cn-hangzhou-h', zoneFrom: 'scan', rules: ['web'], sessions: 1, ownedSessions: 0, sources: 2, capacity: 4 },
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
    const overOwned = { ...after, collectors: after.collectors?.map((c) => ({ ...c, ownedSessions: c.sessions + 1 })) };
    expect(reportProblems(overOwned)).toEqual([
      "/collectors: cn-hangzhou/eni-collector1 states 3 of its 2 sessions are automirror's",
      "/collectors: cn-hangzhou/lb-a states 4 of its 3 sessions are automirror's",
    ]);
    // Two parts of one region (a continued run): the later one's sessions and collectors stand.
    const merged = mergeReports([{ ...after, collectors: before.collectors, rules: before.rules?.map((r) => ({ ...r, ...ruleCounts(after.coverage).find((c) => c.rule === r.rule) })) }, after]);
    expect(merged.rules).toEqual(after.rules);
    expect(merged.collectors).toEqual(after.collectors);
    expect(reportProblems(merged)).toEqual([]);
  });
});

describe('the sessions a pass leaves, from its scan and the writes the cloud accepted', () => {
  const session = (id: string, target: MirrorTarget, sourceIds: string[], rule?: string, status: Session['status'] = 'Created'): Session => ({
    id,
    name: id,
    status,
    enabled: true,
    priority: 1,
    vni: 1,
    packetLength: 1500,
    filterId: 'tmf-a',
    target,
    sourceIds,
    tags: rule ? { [RULE_TAG]: rule } : {},
    ownership: rule ? { verdict: 'proven', kid: 'k1', current: true } : { verdict: 'none' },
  });
  const lbA: MirrorTarget = { kind: 'SLB', id: 'lb-a' };
  const lbB: MirrorTarget = { kind: 'SLB', id: 'lb-b' };
  const draft = (sourceIds: string[], target = lbA) => ({ sourceIds, target, filterId: 'tmf-a', priority: 5, packetLength: 1500, enabled: true, tags: {} });
  const base = { reason: 'r', id: 'a' };
  const actions: Action[] = [
    { ...base, kind: 'create', rule: 'web', eniIds: ['eni-c'], draft: draft(['eni-c']), band: { min: 1, max: 9 } },
    { ...base, kind: 'remove-sources', sessionId: 'tms-1', eniIds: ['eni-b'], perEni: [] },
    { ...base, kind: 'update', rule: 'web', sessionId: 'tms-2', eniIds: ['eni-d'], changes: [], set: { target: lbB }, band: { min: 1, max: 9 } },
    { ...base, kind: 'delete', sessionId: 'tms-4', eniIds: ['eni-f'], perEni: [] },
    { ...base, kind: 'add-sources', rule: 'web', sessionId: 'tms-1', eniIds: ['eni-g'] },
  ];
  const outcomes: Outcome[] = [
    { action: actions[0], status: 'done', sessionId: 'tms-new' },
    { action: actions[1], status: 'done', sessionId: 'tms-1' },
    { action: actions[2], status: 'converged', sessionId: 'tms-2', detail: 'already so' },
    { action: actions[3], status: 'failed', code: 'Throttling', error: 'slow down', retryable: true },
    { action: actions[4], status: 'deferred', reason: 'deadline' },
  ];
  const pass = {
    snapshot: {
      regionId: 'cn-hangzhou',
      enis: [],
      instances: new Map(),
      sessions: [
        session('tms-1', lbA, ['eni-a', 'eni-b'], 'web'),
        session('tms-2', lbA, ['eni-d'], 'web'),
        session('tms-3', lbA, ['eni-e'], 'web', 'Deleting'),
        session('tms-4', lbA, ['eni-f'], 'web'),
        session('tms-theirs', lbA, ['eni-x', 'eni-y']),
      ],
      goneTargets: new Set<string>(),
      goneEnis: [],
    },
    decisions: [],
    plan: { actions, unmirrored: [], deferred: [], unowned: [] },
    outcomes,
  } as unknown as RegionPass;

  it('applies what was done or found done, and nothing refused or put off', () => {
    const end = sessionsAtEnd(pass);
    expect(Object.fromEntries([...end].map(([id, s]) => [id, [s.target.id, [...s.sourceIds], s.rule]]))).toEqual({
      'tms-1': ['lb-a', ['eni-a'], 'web'],
      'tms-2': ['lb-b', ['eni-d'], 'web'],
      'tms-4': ['lb-a', ['eni-f'], 'web'],
      'tms-theirs': ['lb-a', ['eni-x', 'eni-y'], undefined],
      'tms-new': ['lb-a', ['eni-c'], 'web'],
    });
    expect(usageOf(end.values())).toEqual({ perRule: new Map([['web', { sessions: 4, sources: 4 }]]), total: { sessions: 4, sources: 4 } });
  });
});
