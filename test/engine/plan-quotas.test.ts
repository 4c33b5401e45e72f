import { describe, expect, it } from 'vitest';
import type { Action, Plan } from '../../shared/engine/actions.js';
import { type PlanInput, plan } from '../../shared/engine/plan.js';
import { filterCounts } from '../../shared/engine/quotas.js';
import { eni, opted, pooled, session, shuffle, slb, spec } from './fixtures.js';

// Onboarding (issue 13): pooled placement fills sessions before opening new ones, and the sessions quotas (2,000 per
// filter, 20,000 per region, VPC "Quotas") are planned for instead of failing creates one by one.

const input = (over: Partial<PlanInput>): PlanInput => ({ decisions: [], enis: [], sessions: [], rules: ['web'], ...over });
const ids = (n: number, prefix = 'eni-') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
const creates = (p: Plan) => p.actions.filter((a): a is Extract<Action, { kind: 'create' }> => a.kind === 'create');
const perTarget = (p: Plan) => {
  const m = new Map<string, number[]>();
  for (const c of creates(p)) m.set(c.draft.target.id, [...(m.get(c.draft.target.id) ?? []), c.eniIds.length]);
  return Object.fromEntries(m);
};

describe('pooled placement fills sessions before opening new ones', () => {
  const pool = pooled(10, { targets: [slb('lb-a'), slb('lb-b')] });

  it('one plan of 95 new ENIs over two targets opens ⌈ENIs ÷ pool⌉ sessions, each full but the last', () => {
    const enis = ids(95);
    const p = plan(input({ decisions: enis.map((e) => opted(e, pool)), enis: enis.map((e) => eni(e)) }));
    const sizes = perTarget(p);
    expect(Object.values(sizes).flat().length).toBe(10);
    for (const list of Object.values(sizes)) expect(list.slice(0, -1).every((n) => n === 10)).toBe(true);
    expect(
      Object.values(sizes)
        .flat()
        .reduce((a, b) => a + b, 0),
    ).toBe(95);
    expect(Object.keys(sizes).sort()).toEqual(['lb-a', 'lb-b']);
  });

  it('a new ENI joins the rule’s session still filling, though another target has more room', () => {
    const sessions = [session('tms-1', ['eni-x1', 'eni-x2', 'eni-x3'], { target: { kind: 'SLB', id: 'lb-a' } })];
    const decisions = [...['eni-x1', 'eni-x2', 'eni-x3'].map((e) => opted(e, pool)), opted('eni-new', pool)];
    const p = plan(input({ decisions, sessions }));
    expect(p.actions.map((a) => `${a.kind} ${a.id}`)).toEqual(['add-sources add:tms-1:0']);
  });

  it('the session nearest full is filled first', () => {
    const sessions = [session('tms-1', ids(3, 'eni-a'), { target: { kind: 'SLB', id: 'lb-a' } }), session('tms-2', ids(8, 'eni-b'), { target: { kind: 'SLB', id: 'lb-b' }, priority: 1501 })];
    const members = [...ids(3, 'eni-a'), ...ids(8, 'eni-b')];
    const p = plan(input({ decisions: [...members, 'eni-new'].map((e) => opted(e, pool)), sessions }));
    expect(p.actions).toMatchObject([{ kind: 'add-sources', sessionId: 'tms-2', eniIds: ['eni-new'] }]);
  });

  it('keeps zone affinity: an ENI of zone j opens a session on zone j’s collector rather than fill one elsewhere', () => {
    const zoned = pooled(10, { targets: [slb('lb-a'), slb('lb-j', 500, 'cn-hangzhou-j')] });
    const sessions = [session('tms-1', ['eni-x1'], { target: { kind: 'SLB', id: 'lb-a' } })];
    const p = plan(input({ decisions: [opted('eni-x1', zoned), opted('eni-j', zoned)], enis: [eni('eni-j', { zoneId: 'cn-hangzhou-j' })], sessions }));
    expect(creates(p).map((c) => c.draft.target.id)).toEqual(['lb-j']);
  });
});

describe('the sessions-per-filter quota (2,000)', () => {
  it('creates up to the quota, counting sessions read and planned; the rest are unmirrored with the count and the fix', () => {
    const enis = ids(5);
    const p = plan(input({ decisions: enis.map((e) => opted(e)), sessionsPerFilter: new Map([['tmf-1', 1_998]]) }));
    expect(creates(p).map((c) => c.eniIds[0])).toEqual(['eni-0000', 'eni-0001']);
    expect(p.unmirrored.map((u) => [u.eniId, u.quota])).toEqual([
      ['eni-0002', 'sessionsPerFilter'],
      ['eni-0003', 'sessionsPerFilter'],
      ['eni-0004', 'sessionsPerFilter'],
    ]);
    expect(p.unmirrored[0].reason).toBe(
      'filter tmf-1 serves 2,000 sessions (1,998 read + 2 this plan creates), its quota of 2,000 sessions per filter (not adjustable): ' +
        "give rule web a second filter (split the rule, e.g. by zone or tag, into rules each naming its own filter), or pool rule web's ENIs (layout: { pooled: 10 } puts 10 in one session)",
    );
  });

  it('past the quota pooled ENIs still fill the sessions with room; the fix names the pool size or the quota', () => {
    const s = pooled(5);
    const sessions = [session('tms-1', ['eni-m1', 'eni-m2'])];
    const enis = ids(6);
    const p = plan(input({ decisions: [...['eni-m1', 'eni-m2'], ...enis].map((e) => opted(e, s)), sessions, sessionsPerFilter: new Map([['tmf-1', 2_000]]) }));
    expect(p.actions).toMatchObject([{ kind: 'add-sources', sessionId: 'tms-1', eniIds: ['eni-0000', 'eni-0001', 'eni-0002'] }]);
    expect(p.unmirrored.map((u) => u.eniId)).toEqual(['eni-0003', 'eni-0004', 'eni-0005']);
    expect(p.unmirrored[0].reason).toMatch(/^filter tmf-1 serves 2,000 sessions, its quota .* or raise rule web's layout.pooled from 5 to the quotas.sourcesPerSession 10$/);
    const full = plan(input({ decisions: [opted('eni-a', pooled(10))], sessionsPerFilter: new Map([['tmf-1', 2_000]]) }));
    expect(full.unmirrored[0].reason).toMatch(/declare the raised quotas.sourcesPerSession \(now 10\) if the account's sources-per-session quota was raised/);
  });

  it('counts per filter: another filter’s sessions and a filter not counted do not stop creates', () => {
    const other = spec({ rule: 'db', filterId: 'tmf-2', priorityBand: { min: 3000, max: 3999 } });
    const p = plan(input({ rules: ['web', 'db'], decisions: [opted('eni-a'), opted('eni-b', other)], sessionsPerFilter: new Map([['tmf-2', 2_000]]) }));
    expect(creates(p).map((c) => c.eniIds[0])).toEqual(['eni-a']);
    expect(p.unmirrored).toMatchObject([{ eniId: 'eni-b', quota: 'sessionsPerFilter' }]);
  });

  it('an update moving a session back onto the rule’s filter counts toward it', () => {
    const sessions = [session('tms-1', ['eni-a'], { filterId: 'tmf-other' })];
    const p = plan(input({ decisions: [opted('eni-a'), opted('eni-b')], sessions, sessionsPerFilter: filterCounts([], ['tmf-1']) }));
    expect(p.actions.map((a) => a.kind)).toEqual(['update', 'create']);
    const atQuota = plan(input({ decisions: [opted('eni-a'), opted('eni-b')], sessions, sessionsPerFilter: new Map([['tmf-1', 1_999]]) }));
    expect(atQuota.actions.map((a) => a.kind)).toEqual(['update']);
    expect(atQuota.unmirrored[0].reason).toMatch(/^filter tmf-1 serves 2,000 sessions \(1,999 read \+ 1 this plan creates\)/);
  });

  it('gives the same plan in any order', () => {
    const s = pooled(3, { targets: [slb('lb-a'), slb('lb-b')] });
    const decisions = ids(40).map((e) => opted(e, s));
    const base = input({ decisions, enis: ids(40).map((e) => eni(e)), sessionsPerFilter: new Map([['tmf-1', 1_995]]) });
    const first = plan(base);
    expect(creates(first)).toHaveLength(5);
    expect(first.unmirrored).toHaveLength(25);
    for (let i = 0; i < 3; i++) expect(plan({ ...base, decisions: shuffle(decisions, i), enis: shuffle(base.enis, i) })).toEqual(first);
  });
});

describe('filterCounts', () => {
  it('counts every session read on each named filter, owned or not, 0 for a filter with none', () => {
    const sessions = [session('tms-1', ['eni-a']), session('tms-2', ['eni-b'], { rule: null }), session('tms-3', ['eni-c'], { filterId: 'tmf-x' })];
    expect(filterCounts(sessions, ['tmf-1', 'tmf-2'])).toEqual(
      new Map([
        ['tmf-1', 2],
        ['tmf-2', 0],
      ]),
    );
  });
});
