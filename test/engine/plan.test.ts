import { describe, expect, it } from 'vitest';
import type { Action } from '../../shared/engine/actions.js';
import { describePlan } from '../../shared/engine/describe.js';
import { INSTANCE_TAG, OWNER_TAG, RULE_TAG } from '../../shared/engine/ownership.js';
import { absentSources, type PlanInput, plan } from '../../shared/engine/plan.js';
import { eniPriorityKey, poolPriorityKey, priorityStart } from '../../shared/engine/priority.js';
import { eni, excluded, opted, pooled, session, shuffle, slb, spec } from './fixtures.js';

const input = (over: Partial<PlanInput>): PlanInput => ({ decisions: [], enis: [], sessions: [], rules: ['web'], ...over });
const kinds = (actions: readonly Action[]) => actions.map((a) => `${a.kind} ${a.id}`);

describe('plan: one action of each kind, with its reason', () => {
  it('creates an owned, tagged session for an opted-in ENI nothing mirrors, at the deterministic start of the band', () => {
    const p = plan(input({ decisions: [opted('eni-a')], enis: [eni('eni-a')] }));
    expect(p.actions).toHaveLength(1);
    const a = p.actions[0];
    expect(a).toMatchObject({ kind: 'create', rule: 'web', eniIds: ['eni-a'], reason: 'rule web opts eni-a in and no session of that rule mirrors it' });
    if (a.kind !== 'create') throw new Error('expected a create');
    expect(a.draft).toMatchObject({ sourceIds: ['eni-a'], target: { kind: 'SLB', id: 'lb-1' }, filterId: 'tmf-1', packetLength: 1500, enabled: true });
    expect(a.draft.tags).toEqual({ [OWNER_TAG]: 'automirror', [RULE_TAG]: 'web' });
    expect(a.draft.priority).toBe(priorityStart({ min: 1000, max: 1999 }, eniPriorityKey('web', 'eni-a')));
  });

  it('does nothing for an ENI already mirrored by a session of its rule that matches the spec', () => {
    const p = plan(input({ decisions: [opted('eni-a')], sessions: [session('tms-1', ['eni-a'])] }));
    expect(p.actions).toEqual([]);
    expect(p.unmirrored).toEqual([]);
  });

  it.each([
    ['an ENI no longer opted in', [excluded('eni-a', 'opt-out tag automirror=off is set')], [], 'no longer opted in: opt-out tag automirror=off is set'],
    ['an ENI that no longer exists', [], ['eni-a'], 'the ENI no longer exists'],
  ])('deletes the owned per-ENI session of %s', (_, decisions, gone, why) => {
    const p = plan(input({ decisions, gone, sessions: [session('tms-1', ['eni-a'])] }));
    expect(p.actions).toEqual([
      { kind: 'delete', id: 'delete:tms-1', rule: 'web', sessionId: 'tms-1', eniIds: ['eni-a'], perEni: [{ eniId: 'eni-a', reason: why }], reason: `no source is left in tms-1: eni-a (${why})` },
    ]);
  });

  it('removes only the leaving ENI from a shared session, never the whole list (no gap for the others)', () => {
    const p = plan(input({ decisions: [excluded('eni-a'), opted('eni-b', pooled(10))], sessions: [session('tms-1', ['eni-a', 'eni-b', 'eni-c'])] }));
    expect(p.actions).toEqual([
      {
        kind: 'remove-sources',
        id: 'remove:tms-1:0',
        rule: 'web',
        sessionId: 'tms-1',
        eniIds: ['eni-a'],
        perEni: [{ eniId: 'eni-a', reason: 'no longer opted in: no rule matches its tags' }],
        reason: 'leaving tms-1: eni-a (no longer opted in: no rule matches its tags)',
      },
    ]);
  });

  it('removes sources in chunks of at most 10 per call', () => {
    const leaving = Array.from({ length: 23 }, (_, i) => `eni-${String(i).padStart(2, '0')}`);
    const p = plan(input({ gone: leaving, sessions: [session('tms-1', [...leaving, 'eni-stays'])] }));
    expect(p.actions.map((a) => a.eniIds.length)).toEqual([10, 10, 3]);
    expect(kinds(p.actions)).toEqual(['remove-sources remove:tms-1:0', 'remove-sources remove:tms-1:1', 'remove-sources remove:tms-1:2']);
  });

  it('deletes every owned session of a rule that no longer exists, whatever its sources', () => {
    const p = plan(input({ rules: ['web'], decisions: [excluded('eni-a')], sessions: [session('tms-old', ['eni-a', 'eni-x'], { rule: 'retired' })] }));
    expect(p.actions).toMatchObject([{ kind: 'delete', sessionId: 'tms-old', rule: 'retired', reason: expect.stringContaining('rule retired no longer exists in the policy') }]);
  });

  it('replaces a per-ENI session whose ENI moved to another rule, creating the new one first when a slot is free', () => {
    const db = spec({ rule: 'db', filterId: 'tmf-db', priorityBand: { min: 3000, max: 3999 } });
    const p = plan(input({ rules: ['web', 'db'], decisions: [opted('eni-a', db)], sessions: [session('tms-1', ['eni-a'])] }));
    expect(p.actions).toMatchObject([
      {
        kind: 'replace',
        sessionId: 'tms-1',
        rule: 'db',
        breakFirst: false,
        changes: [{ field: 'rule', wanted: 'db', actual: 'web' }],
        draft: { filterId: 'tmf-db', sourceIds: ['eni-a'] },
        reason: "eni-a moved from rule web to rule db; a session's rule tag can't be updated in place, so tms-1 is recreated",
      },
    ]);
  });

  it('replaces delete-first when the ENI has no free slot', () => {
    const db = spec({ rule: 'db', priorityBand: { min: 3000, max: 3999 } });
    const others = [session('tms-u1', ['eni-a'], { rule: null, priority: 5 }), session('tms-u2', ['eni-a'], { rule: null, priority: 6 })];
    const p = plan(input({ rules: ['web', 'db'], decisions: [opted('eni-a', db)], sessions: [session('tms-1', ['eni-a']), ...others] }));
    expect(p.actions).toMatchObject([{ kind: 'replace', sessionId: 'tms-1', breakFirst: true }]);
  });
});

describe('plan: drift on owned sessions, per field', () => {
  const band = { min: 1000, max: 1999 };
  it.each([
    ['filterId', {}, { filterId: 'tmf-old' }, 'tmf-1', 'tmf-old'],
    ['vni', { vni: 42 }, { vni: 7 }, 42, 7],
    ['enabled', {}, { enabled: false }, true, false],
    ['packetLength', { packetLength: 9000 }, {}, 9000, 1500],
    ['name', { sessionName: 'am-{rule}-{eni}' }, { name: 'hand-named' }, 'am-web-eni-a', 'hand-named'],
    ['target', { targets: [slb('lb-2')] }, {}, 'SLB:lb-2', 'SLB:lb-1'],
    ['priority', {}, { priority: 5 }, priorityStart(band, eniPriorityKey('web', 'eni-a')), 5],
  ] as const)('%s: an update with the field, wanted and actual value', (field, specOver, sessionOver, wanted, actual) => {
    const p = plan(input({ decisions: [opted('eni-a', spec(specOver))], sessions: [session('tms-1', ['eni-a'], sessionOver)] }));
    expect(p.actions).toHaveLength(1);
    expect(p.actions[0]).toMatchObject({ kind: 'update', sessionId: 'tms-1', rule: 'web', eniIds: ['eni-a'], changes: [{ field, wanted, actual }] });
    expect(p.actions[0].reason).toBe(`tms-1 differs from rule web: ${field} ${actual} → ${wanted}`);
  });

  it('never calls a cloud-picked VNI drift when the rule fixes none', () => {
    expect(plan(input({ decisions: [opted('eni-a', spec({ vni: undefined }))], sessions: [session('tms-1', ['eni-a'], { vni: 99 })] })).actions).toEqual([]);
  });

  it('gathers several drifting fields into one update with the API changes', () => {
    const p = plan(input({ decisions: [opted('eni-a', spec({ enabled: false, packetLength: 128 }))], sessions: [session('tms-1', ['eni-a'])] }));
    expect(p.actions).toMatchObject([{ kind: 'update', set: { enabled: false, packetLength: 128 } }]);
  });

  it('reports, and does not move, a session whose pool has no room for its sources', () => {
    const p = plan(
      input({
        decisions: [opted('eni-a', spec({ targets: [slb('lb-2', 1)] }))],
        sessions: [session('tms-1', ['eni-a']), session('tms-u', ['eni-z'], { rule: null, target: { kind: 'SLB', id: 'lb-2' } })],
      }),
    );
    expect(p.actions).toEqual([]);
    expect(p.unmirrored).toMatchObject([{ eniId: 'eni-a', reason: expect.stringContaining('no pool target has room for 1 sources (lb-2 1/1)') }]);
  });
});

describe('plan: capacity', () => {
  it('reports an ENI whose 3 slots are held by sessions automirror does not own, and leaves them alone', () => {
    const theirs = ['tms-u1', 'tms-u2', 'tms-u3'].map((id, i) => session(id, ['eni-a'], { rule: null, priority: 10 + i }));
    const p = plan(input({ decisions: [opted('eni-a')], sessions: theirs }));
    expect(p.actions).toEqual([]);
    expect(p.unmirrored).toEqual([
      {
        eniId: 'eni-a',
        rule: 'web',
        reason:
          'the ENI is already a source of 3 sessions, the limit per ENI: tms-u1 (not owned by automirror, priority 10), tms-u2 (not owned by automirror, priority 11), tms-u3 (not owned by automirror, priority 12)',
        blockers: ['tms-u1', 'tms-u2', 'tms-u3'],
      },
    ]);
    expect(p.unowned.map((u) => u.sessionId)).toEqual(['tms-u1', 'tms-u2', 'tms-u3']);
  });

  it('never acts on an unowned session, even of an ENI no longer opted in', () => {
    const p = plan(input({ decisions: [excluded('eni-a')], sessions: [session('tms-u', ['eni-a'], { rule: null })] }));
    expect(p.actions).toEqual([]);
    expect(p.unowned).toEqual([{ sessionId: 'tms-u', priority: 1500, sourceIds: ['eni-a'], target: 'SLB:lb-1' }]);
  });

  it('creates after the removal that frees the third slot has settled', () => {
    const db = spec({ rule: 'db', layout: { kind: 'pooled', maxSources: 10 } });
    const sessions = [session('tms-u1', ['eni-a'], { rule: null }), session('tms-u2', ['eni-a'], { rule: null }), session('tms-web', ['eni-a', 'eni-b'])];
    const p = plan(input({ rules: ['web', 'db'], decisions: [opted('eni-a', db)], sessions }));
    expect(kinds(p.actions)).toEqual([`create create:db:lb-1:0`, 'remove-sources remove:tms-web:0']);
    expect(p.actions[0].after).toEqual(['remove:tms-web:0']);
  });

  it('defers an ENI whose last slot is held by a session still being deleted', () => {
    const sessions = [session('tms-u1', ['eni-a'], { rule: null }), session('tms-u2', ['eni-a'], { rule: null }), session('tms-d', ['eni-a'], { rule: null, status: 'Deleting' })];
    const p = plan(input({ decisions: [opted('eni-a')], sessions }));
    expect(p.actions).toEqual([]);
    expect(p.deferred).toEqual([{ eniIds: ['eni-a'], reason: 'its 3 session slots include tms-d, still being deleted' }]);
  });

  it('counts every session on a target, owned or not, and reports the ENI when the pool is full', () => {
    const full = spec({ targets: [slb('lb-1', 2)] });
    const p = plan(input({ decisions: [opted('eni-a', full), opted('eni-b', full)], sessions: [session('tms-u', ['eni-x'], { rule: null })] }));
    expect(kinds(p.actions)).toEqual(['create create:web:eni-a']);
    expect(p.unmirrored).toEqual([{ eniId: 'eni-b', rule: 'web', reason: "rule web's target pool is full: lb-1 2/2" }]);
    expect(p.unowned).toEqual([]);
  });

  it('picks the target of the ENI’s zone first, then the one with the most room', () => {
    const pool = [slb('lb-any-small', 10), slb('lb-any-big', 100), slb('lb-i', 5, 'cn-hangzhou-i')];
    const s = spec({ targets: pool });
    const p = plan(input({ decisions: [opted('eni-h', s), opted('eni-i', s)], enis: [eni('eni-h'), eni('eni-i', { zoneId: 'cn-hangzhou-i' })] }));
    expect(p.actions.map((a) => (a.kind === 'create' ? `${a.eniIds[0]}→${a.draft.target.id}` : a.id))).toEqual(['eni-h→lb-any-big', 'eni-i→lb-i']);
  });

  it('falls back from a full zone target to the others', () => {
    const s = spec({ targets: [slb('lb-h', 1, 'cn-hangzhou-h'), slb('lb-x', 1, 'cn-hangzhou-x')] });
    const p = plan(input({ decisions: [opted('eni-1', s), opted('eni-2', s), opted('eni-3', s)], enis: ['eni-1', 'eni-2', 'eni-3'].map((id) => eni(id)) }));
    expect(p.actions.map((a) => (a.kind === 'create' ? a.draft.target.id : ''))).toEqual(['lb-h', 'lb-x']);
    expect(p.unmirrored.map((u) => [u.eniId, u.reason])).toEqual([['eni-3', "rule web's target pool is full: lb-h 1/1, lb-x 1/1"]]);
  });

  it('stops creating at the region’s 20,000 sessions', () => {
    const p = plan(input({ decisions: [opted('eni-a'), opted('eni-b')], sessionsInRegion: 19_999 }));
    expect(kinds(p.actions)).toEqual(['create create:web:eni-a']);
    expect(p.unmirrored).toMatchObject([
      { eniId: 'eni-b', quota: 'sessionsPerRegion', reason: expect.stringMatching(/^the region holds 20,000 sessions \(19,999 read \+ 1 this plan creates\), its quota of 20,000/) },
    ]);
  });

  it('hands out distinct priorities inside the band to every new session of one plan, and reports the band full', () => {
    const s = spec({ priorityBand: { min: 100, max: 149 } });
    const ids = Array.from({ length: 51 }, (_, i) => `eni-${i}`);
    const p = plan(input({ decisions: ids.map((id) => opted(id, s)), sessions: [session('tms-u', ['eni-x'], { rule: null, priority: 120 })] }));
    const priorities = p.actions.map((a) => (a.kind === 'create' ? a.draft.priority : 0));
    expect(priorities).toHaveLength(49);
    expect(new Set(priorities).size).toBe(49);
    expect(priorities.every((x) => x >= 100 && x <= 149 && x !== 120)).toBe(true);
    expect(p.unmirrored.map((u) => u.reason)).toEqual(["rule web's priority band 100–149 has no free priority", "rule web's priority band 100–149 has no free priority"]);
  });
});

describe('plan: pooled layout', () => {
  it('fills the rule’s partially filled sessions on the target first, then creates sessions of up to maxSources', () => {
    const s = pooled(3);
    const ids = ['eni-1', 'eni-2', 'eni-3', 'eni-4', 'eni-5', 'eni-6'];
    const existing = [session('tms-full', ['eni-x', 'eni-y', 'eni-z']), session('tms-half', ['eni-w'])];
    const p = plan(input({ decisions: ids.map((id) => opted(id, s)), sessions: existing }));
    expect(p.actions.map((a) => [a.kind, a.id, a.eniIds])).toEqual([
      ['create', 'create:web:lb-1:2', ['eni-3', 'eni-4', 'eni-5']],
      ['create', 'create:web:lb-1:3', ['eni-6']],
      ['add-sources', 'add:tms-half:0', ['eni-1', 'eni-2']],
    ]);
    const created = p.actions.filter((a) => a.kind === 'create');
    expect(created.map((a) => (a.kind === 'create' ? a.draft.priority : 0))).toEqual([
      priorityStart(s.priorityBand, poolPriorityKey('web', 'lb-1', 2)),
      priorityStart(s.priorityBand, poolPriorityKey('web', 'lb-1', 3)),
    ]);
  });

  it('keeps existing membership stable: over-full or per-ENI sessions of the rule stay as they are', () => {
    const p = plan(input({ decisions: ['eni-a', 'eni-b', 'eni-c'].map((id) => opted(id, pooled(2))), sessions: [session('tms-1', ['eni-a', 'eni-b', 'eni-c'])] }));
    expect(p.actions).toEqual([]);
  });

  it('names a pooled session by rule, zone and index, and leaves an existing one’s {index} name alone', () => {
    const s = pooled(1, { sessionName: 'am-{rule}-{zone}-{index}' });
    const p = plan(input({ decisions: [opted('eni-a', s), opted('eni-b', s)], enis: [eni('eni-a'), eni('eni-b')], sessions: [session('tms-1', ['eni-x'], { name: 'whatever' })] }));
    expect(p.actions.map((a) => (a.kind === 'create' ? a.draft.name : a.kind))).toEqual(['am-web-cn-hangzhou-h-1', 'am-web-cn-hangzhou-h-2']);
  });

  it('renders {instance} and {zone} for a per-ENI session from its ENI', () => {
    const p = plan(input({ decisions: [opted('eni-a', spec({ sessionName: '{rule}/{instance}/{zone}/{eni}' }))], enis: [eni('eni-a', { instanceId: 'i-1' })] }));
    expect(p.actions).toMatchObject([{ kind: 'create', draft: { name: 'web/i-1/cn-hangzhou-h/eni-a', tags: { [INSTANCE_TAG]: 'i-1' } } }]);
  });
});

describe('plan: scope and ordering', () => {
  it('leaves sources it knows nothing about alone (a pooled session seen from one ENI)', () => {
    const p = plan(input({ decisions: [opted('eni-a', pooled(10))], sessions: [session('tms-1', ['eni-a', 'eni-elsewhere'], { enabled: false })] }));
    expect(p.actions).toMatchObject([{ kind: 'update', eniIds: ['eni-a', 'eni-elsewhere'], changes: [{ field: 'enabled' }] }]);
  });

  it('defers ENIs that are attaching or detaching, and does not touch their memberships', () => {
    const p = plan(
      input({ decisions: [opted('eni-a'), excluded('eni-b')], enis: [eni('eni-a', { status: 'Attaching' }), eni('eni-b', { status: 'Detaching' })], sessions: [session('tms-1', ['eni-b'])] }),
    );
    expect(p.actions).toEqual([]);
    expect(p.deferred).toEqual([
      { eniIds: ['eni-a'], reason: 'the ENI is Attaching; it is handled once that settles' },
      { eniIds: ['eni-b'], reason: 'the ENI is Detaching; it is handled once that settles' },
    ]);
  });

  it('removes an ENI from the extra sessions of its rule when several mirror it', () => {
    const p = plan(input({ decisions: [opted('eni-a')], sessions: [session('tms-2', ['eni-a'], { priority: 1501 }), session('tms-1', ['eni-a'], { status: 'Creating' })] }));
    expect(p.actions).toMatchObject([{ kind: 'delete', sessionId: 'tms-1', perEni: [{ eniId: 'eni-a', reason: 'it is also mirrored by tms-2 under the same rule' }] }]);
  });

  it('ignores owned sessions being deleted as coverage, and creates anew', () => {
    const p = plan(input({ decisions: [opted('eni-a')], sessions: [session('tms-1', ['eni-a'], { status: 'Deleting' })] }));
    expect(kinds(p.actions)).toEqual(['create create:web:eni-a']);
  });

  it('plans a whole region: sources no ENI of the region backs any more leave, unowned ones are not named', () => {
    const enis = [eni('eni-a'), eni('eni-b')];
    const sessions = [session('tms-1', ['eni-a', 'eni-deleted']), session('tms-u', ['eni-b', 'eni-deleted-2'], { rule: null })];
    expect(absentSources(sessions, enis)).toEqual(['eni-deleted']);
    const p = plan(input({ decisions: [opted('eni-a', pooled(10)), excluded('eni-b')], enis, sessions, gone: absentSources(sessions, enis), sessionsInRegion: sessions.length }));
    expect(p.actions).toMatchObject([{ kind: 'remove-sources', sessionId: 'tms-1', perEni: [{ eniId: 'eni-deleted', reason: 'the ENI no longer exists' }] }]);
  });

  it('gives the same plan for the same state in any order', () => {
    const db = spec({ rule: 'db', priorityBand: { min: 1000, max: 1010 } });
    const decisions = [opted('eni-1'), opted('eni-2', db), opted('eni-3', db), excluded('eni-4'), opted('eni-5', pooled(2)), opted('eni-6', pooled(2)), opted('eni-7', db)];
    const sessions = [session('tms-a', ['eni-4', 'eni-5']), session('tms-b', ['eni-2']), session('tms-u', ['eni-3'], { rule: null, priority: 1003 }), session('tms-c', ['eni-9'], { rule: 'gone' })];
    const base = input({ rules: ['web', 'db'], decisions, sessions, enis: decisions.map((d) => eni(d.eniId)) });
    const first = plan(base);
    expect(first.actions.length).toBeGreaterThan(4);
    for (let i = 0; i < 5; i++) {
      const shuffled = { ...base, decisions: shuffle(decisions, i), sessions: shuffle(sessions, i), enis: shuffle(base.enis, i) };
      expect(plan(shuffled)).toEqual(first);
    }
  });
});

describe('describePlan', () => {
  it('prints a dry run: each action with its reason, then what stays unmirrored and what is not ours', () => {
    const theirs = ['tms-u1', 'tms-u2', 'tms-u3'].map((id, i) => session(id, ['eni-b'], { rule: null, priority: 10 + i }));
    const p = plan(input({ decisions: [opted('eni-a'), opted('eni-b'), excluded('eni-c')], sessions: [...theirs, session('tms-c', ['eni-c', 'eni-d'])] }));
    const start = priorityStart({ min: 1000, max: 1999 }, eniPriorityKey('web', 'eni-a'));
    expect(describePlan(p)).toEqual([
      `create (SLB:lb-1, priority ${start} or the next free one in 1000–1999): rule web opts eni-a in and no session of that rule mirrors it`,
      'remove-sources tms-c (eni-c): leaving tms-c: eni-c (no longer opted in: no rule matches its tags)',
      expect.stringMatching(/^unmirrored eni-b \(rule web\): the ENI is already a source of 3 sessions/),
      "not automirror's, left alone: tms-u1 (priority 10, 1 source(s) → SLB:lb-1)",
      "not automirror's, left alone: tms-u2 (priority 11, 1 source(s) → SLB:lb-1)",
      "not automirror's, left alone: tms-u3 (priority 12, 1 source(s) → SLB:lb-1)",
    ]);
    expect(describePlan(plan(input({})))).toEqual(['nothing to change']);
  });
});
