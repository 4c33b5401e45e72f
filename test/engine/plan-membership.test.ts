import { describe, expect, it } from 'vitest';
import { describePlan } from '../../shared/engine/describe.js';
import { absentSources, type PlanInput, plan } from '../../shared/engine/plan.js';
import { eni, excluded, opted, pooled, session, spec } from './fixtures.js';

// Who joins and leaves which session, in what order, and what waits for what.

const input = (over: Partial<PlanInput>): PlanInput => ({ decisions: [], enis: [], sessions: [], rules: ['web'], ...over });
const kinds = (p: ReturnType<typeof plan>) => p.actions.map((a) => `${a.kind} ${a.id}`);
const db = spec({ rule: 'db', priorityBand: { min: 2000, max: 2999 } });

describe('leaving a session', () => {
  it('an ENI being deleted, or whose creation failed, leaves its sessions; one the policy still decides on does not', () => {
    const enis = [eni('eni-a'), eni('eni-b', { status: 'Deleting' }), eni('eni-c', { status: 'CreateFailed' }), eni('eni-d', { status: 'Deleting' })];
    const p = plan(input({ decisions: [opted('eni-a', pooled(5)), opted('eni-d', pooled(5))], enis, sessions: [session('tms-1', ['eni-a', 'eni-b', 'eni-c', 'eni-d'])] }));
    expect(p.actions).toMatchObject([{ kind: 'remove-sources', eniIds: ['eni-b', 'eni-c'], perEni: [{ reason: 'the ENI no longer exists' }, { reason: 'the ENI no longer exists' }] }]);
  });

  it('an ENI moved to another rule leaves a shared session, saying where it went; the reasons of several are listed', () => {
    const p = plan(
      input({ rules: ['web', 'db'], decisions: [opted('eni-a', db), excluded('eni-b', 'no rule matches'), opted('eni-c', pooled(5))], sessions: [session('tms-1', ['eni-a', 'eni-b', 'eni-c'])] }),
    );
    const remove = p.actions.find((a) => a.kind === 'remove-sources');
    expect(remove).toMatchObject({ id: 'remove:tms-1:0', eniIds: ['eni-a', 'eni-b'], reason: 'leaving tms-1: eni-a (it now belongs to rule db); eni-b (no longer opted in: no rule matches)' });
  });

  it('the ENIs leaving one session are listed in id order, however they came to leave', () => {
    // eni-a leaves tms-2 as a duplicate (tms-1 holds it too), eni-c as no longer opted in.
    const sessions = [session('tms-2', ['eni-d', 'eni-c', 'eni-a']), session('tms-1', ['eni-a', 'eni-e', 'eni-f'])];
    const s = pooled(5);
    const p = plan(input({ decisions: [opted('eni-a', s), excluded('eni-c'), opted('eni-d', s), opted('eni-e', s), opted('eni-f', s)], sessions }));
    expect(p.actions).toMatchObject([{ kind: 'remove-sources', sessionId: 'tms-2', eniIds: ['eni-a', 'eni-c'] }]);
  });

  it('an owned session with no source left is deleted, naming no ENI', () => {
    const p = plan(input({ sessions: [session('tms-empty', [])] }));
    expect(p.actions).toEqual([
      { kind: 'delete', id: 'delete:tms-empty', rule: 'web', sessionId: 'tms-empty', eniIds: [], perEni: [], reason: 'no source is left in tms-empty: its ENIs no longer exist' },
    ]);
  });

  it('a shared session whose ENIs all move to another rule is deleted, and each ENI gets a new session', () => {
    const p = plan(input({ rules: ['web', 'db'], decisions: [opted('eni-a', db), opted('eni-b', db)], sessions: [session('tms-1', ['eni-a', 'eni-b'])] }));
    expect(kinds(p)).toEqual(['create create:db:eni-a', 'create create:db:eni-b', 'delete delete:tms-1']);
  });

  it('an update names the session and its sources in id order', () => {
    const p = plan(input({ decisions: [opted('eni-a', pooled(5)), opted('eni-b', pooled(5))], sessions: [session('tms-1', ['eni-b', 'eni-a'], { enabled: false })] }));
    expect(p.actions).toMatchObject([{ kind: 'update', id: 'update:tms-1', eniIds: ['eni-a', 'eni-b'] }]);
  });

  it('a replace names the ENI it recreates the session for', () => {
    const p = plan(input({ rules: ['web', 'db'], decisions: [opted('eni-a', db)], sessions: [session('tms-1', ['eni-a'])] }));
    expect(p.actions).toMatchObject([{ kind: 'replace', id: 'replace:tms-1', sessionId: 'tms-1', eniIds: ['eni-a'] }]);
  });
});

describe('what a change waits for', () => {
  const full = (eniId: string, owned: string) => [session(`tms-u1-${eniId}`, [eniId], { rule: null }), session(`tms-u2-${eniId}`, [eniId], { rule: null }), session(owned, [eniId], { rule: 'old' })];

  it('nothing, when the ENI has a free slot', () => {
    const p = plan(input({ decisions: [opted('eni-a')] }));
    expect(p.actions).toHaveLength(1);
    expect(p.actions[0].after).toBeUndefined();
    const pooledPlan = plan(input({ decisions: [opted('eni-a', pooled(5))], sessions: [session('tms-1', ['eni-x'])] }));
    expect(pooledPlan.actions).toMatchObject([{ kind: 'add-sources' }]);
    expect(pooledPlan.actions[0].after).toBeUndefined();
    expect(plan(input({ decisions: [opted('eni-a', pooled(5))] })).actions[0].after).toBeUndefined();
  });

  it('the delete of a session left empty that frees the ENI’s third slot', () => {
    const p = plan(input({ decisions: [opted('eni-a')], sessions: full('eni-a', 'tms-old') }));
    expect(kinds(p)).toEqual(['create create:web:eni-a', 'delete delete:tms-old']);
    expect(p.actions[0].after).toEqual(['delete:tms-old']);
  });

  it('a new pooled session waits for every removal its ENIs need, listed once in id order', () => {
    const p = plan(input({ decisions: [opted('eni-a', pooled(5)), opted('eni-b', pooled(5))], sessions: [...full('eni-a', 'tms-z'), ...full('eni-b', 'tms-y')] }));
    expect(p.actions.find((a) => a.kind === 'create')?.after).toEqual(['delete:tms-y', 'delete:tms-z']);
  });

  it('sources added to an existing pooled session wait for the removals of those ENIs, in id order', () => {
    const p = plan(
      input({
        decisions: [opted('eni-a', pooled(5)), opted('eni-b', pooled(5)), opted('eni-x', pooled(5))],
        sessions: [session('tms-1', ['eni-x']), ...full('eni-a', 'tms-z'), ...full('eni-b', 'tms-y')],
      }),
    );
    expect(p.actions.find((a) => a.kind === 'add-sources')).toMatchObject({
      eniIds: ['eni-a', 'eni-b'],
      after: ['delete:tms-y', 'delete:tms-z'],
      reason: 'rule web opts eni-a, eni-b in; pooled session tms-1 on SLB:lb-1 has room',
    });
  });

  it('an ENI whose slots are held by sessions being deleted waits, naming them', () => {
    const sessions = [session('tms-1', ['eni-a'], { rule: null, status: 'Deleting' }), session('tms-2', ['eni-a'], { rule: null, status: 'Deleting' }), session('tms-3', ['eni-a'], { rule: null })];
    const p = plan(input({ decisions: [opted('eni-a')], sessions }));
    expect(p.deferred).toEqual([{ eniIds: ['eni-a'], reason: 'its 3 session slots include tms-1, tms-2, still being deleted' }]);
  });
});

describe('a dry run', () => {
  it('lists every ENI of a deferral', () => {
    expect(describePlan({ actions: [], unmirrored: [], unowned: [], deferred: [{ eniIds: ['eni-a', 'eni-b'], reason: 'busy' }] })).toEqual(['nothing to change', 'deferred eni-a, eni-b: busy']);
  });
});

describe('a plan', () => {
  it('orders its actions: updates, replaces, creates, removals, additions, deletes; by id within each', () => {
    const sessions = [session('tms-a', ['eni-1']), session('tms-b', ['eni-2', 'eni-3']), session('tms-c', ['eni-4'], { enabled: false }), session('tms-d', ['eni-5']), session('tms-e', ['eni-9'])];
    const s = pooled(5);
    const p = plan(
      input({ rules: ['web', 'db'], decisions: [opted('eni-1', s), opted('eni-6', s), opted('eni-2', s), excluded('eni-3'), opted('eni-4', s), opted('eni-5', db), excluded('eni-9')], sessions }),
    );
    expect(kinds(p)).toEqual(['update update:tms-c', 'replace replace:tms-d', 'remove-sources remove:tms-b:0', 'add-sources add:tms-a:0', 'delete delete:tms-e']);
  });

  it('a pooled ENI whose band is full gets no session, and says so', () => {
    const s = pooled(5, { priorityBand: { min: 1, max: 1 } });
    const p = plan(input({ decisions: [opted('eni-a', s)], sessions: [session('tms-u', ['eni-z'], { rule: null, priority: 1 })] }));
    expect(p.actions).toEqual([]);
    expect(p.unmirrored).toMatchObject([{ eniId: 'eni-a', reason: "rule web's priority band 1–1 has no free priority" }]);
  });

  it('reports a session automirror does not own when any of its sources is in scope', () => {
    const p = plan(input({ decisions: [opted('eni-a')], sessions: [session('tms-u', ['eni-a', 'eni-elsewhere'], { rule: null })] }));
    expect(p.unowned.map((u) => u.sessionId)).toEqual(['tms-u']);
  });

  it('names the region’s absent sources once each, in id order', () => {
    expect(absentSources([session('tms-1', ['eni-z', 'eni-a', 'eni-live']), session('tms-2', ['eni-z'])], [eni('eni-live')])).toEqual(['eni-a', 'eni-z']);
  });
});
