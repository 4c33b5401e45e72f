import { describe, expect, it } from 'vitest';
import type { Action } from '../../shared/engine/actions.js';
import { type PlanInput, plan } from '../../shared/engine/plan.js';
import { eni, excluded, opted, pooled, session, shuffle, slb, spec } from './fixtures.js';

// The choices plan() makes where several answers would look plausible: which duplicate session keeps an ENI, where a
// pooled ENI goes, what an updated pooled session is called, and that none of it depends on input order.

const input = (over: Partial<PlanInput>): PlanInput => ({ decisions: [], enis: [], sessions: [], rules: ['web'], ...over });
const kinds = (actions: readonly Action[]) => actions.map((a) => `${a.kind} ${a.id}`);
const lb = (id: string) => ({ kind: 'SLB' as const, id });

describe('an ENI mirrored by several sessions of its rule stays in the best one', () => {
  const leftBy = (p: ReturnType<typeof plan>) => p.actions.map((a) => [a.kind, 'sessionId' in a ? a.sessionId : undefined, 'perEni' in a ? a.perEni.map((l) => l.reason) : undefined]);

  it('a session on one of the rule’s targets beats one on a target outside the pool, even a healthier one', () => {
    const s = spec({ targets: [slb('lb-pool')] });
    const sessions = [session('tms-1', ['eni-a'], { target: lb('lb-elsewhere') }), session('tms-2', ['eni-a'], { target: lb('lb-pool'), status: 'Modifying' })];
    const p = plan(input({ decisions: [opted('eni-a', s)], sessions }));
    expect(leftBy(p)).toEqual([['delete', 'tms-1', ['it is also mirrored by tms-2 under the same rule']]]);
  });

  it('a session in service (Created) beats one still being created or modified, even a larger one', () => {
    const s = pooled(5);
    const sessions = [session('tms-1', ['eni-a', 'eni-b', 'eni-c'], { status: 'Modifying' }), session('tms-2', ['eni-a'])];
    const p = plan(input({ decisions: ['eni-a', 'eni-b', 'eni-c'].map((id) => opted(id, s)), sessions }));
    expect(leftBy(p)).toEqual([['remove-sources', 'tms-1', ['it is also mirrored by tms-2 under the same rule']]]);
  });

  it('among equals, the session with the most members keeps it, so the fewest sessions are left', () => {
    const s = pooled(5);
    const sessions = [session('tms-1', ['eni-a']), session('tms-2', ['eni-a', 'eni-b', 'eni-c'])];
    const p = plan(input({ decisions: ['eni-a', 'eni-b', 'eni-c'].map((id) => opted(id, s)), sessions }));
    expect(leftBy(p)).toEqual([['delete', 'tms-1', ['it is also mirrored by tms-2 under the same rule']]]);
  });

  it('among identical sessions, the lowest id keeps it', () => {
    const sessions = [session('tms-2', ['eni-a']), session('tms-1', ['eni-a'])];
    const p = plan(input({ decisions: [opted('eni-a')], sessions }));
    expect(leftBy(p)).toEqual([['delete', 'tms-2', ['it is also mirrored by tms-1 under the same rule']]]);
  });
});

describe('a pooled ENI never joins a session that is going away', () => {
  it('a session this plan deletes (its last source leaves) is not filled; a new session is created', () => {
    const s = pooled(5);
    const p = plan(input({ decisions: [excluded('eni-old'), opted('eni-new', s)], sessions: [session('tms-1', ['eni-old'])] }));
    expect(kinds(p.actions)).toEqual(['create create:web:lb-1:1', 'delete delete:tms-1']);
    expect(p.actions[0].eniIds).toEqual(['eni-new']);
  });

  it('a session being replaced under another rule is not filled either', () => {
    const web = pooled(5);
    const db = spec({ rule: 'db', priorityBand: { min: 2000, max: 2999 } });
    // eni-a moves from web's per-ENI session to db; eni-b, new to web, must not land in the session being recreated.
    const p = plan(input({ rules: ['web', 'db'], decisions: [opted('eni-a', db), opted('eni-b', web)], sessions: [session('tms-1', ['eni-a'])] }));
    expect(kinds(p.actions)).toEqual(['replace replace:tms-1', 'create create:web:lb-1:1']);
    expect(p.actions.find((a) => a.kind === 'create')?.eniIds).toEqual(['eni-b']);
  });

  it('an owned session with no source left is not filled', () => {
    const p = plan(input({ decisions: [opted('eni-new', pooled(5))], sessions: [session('tms-empty', [])] }));
    expect(p.actions.filter((a) => a.kind === 'add-sources')).toEqual([]);
    expect(p.actions.find((a) => a.kind === 'create')?.eniIds).toEqual(['eni-new']);
  });

  it('a full session is skipped and the next one with room is filled', () => {
    const s = pooled(2);
    const sessions = [session('tms-1', ['eni-x', 'eni-y']), session('tms-2', ['eni-z'])];
    const p = plan(input({ decisions: ['eni-x', 'eni-y', 'eni-z', 'eni-new'].map((id) => opted(id, s)), sessions }));
    expect(kinds(p.actions)).toEqual(['add-sources add:tms-2:0']);
  });
});

describe('an updated pooled session is named after the zone of its target', () => {
  const named = pooled(5, { sessionName: 'am-{rule}-{zone}' });
  const names = (p: ReturnType<typeof plan>) => p.actions.map((a) => (a.kind === 'update' ? a.set.name : a.kind));

  it('the zone its pool target is bound to, not that of its first member', () => {
    const s = { ...named, targets: [slb('lb-h', 500, 'cn-hangzhou-h'), slb('lb-i', 500, 'cn-hangzhou-i')] };
    // eni-a sits in zone h but its session went to lb-i (zone i's collector), say because lb-h was full then.
    const p = plan(input({ decisions: [opted('eni-a', s)], enis: [eni('eni-a')], sessions: [session('tms-1', ['eni-a'], { target: lb('lb-i'), name: 'old' })] }));
    expect(names(p)).toEqual(['am-web-cn-hangzhou-i']);
  });

  it('the zone of its first member when the target is bound to none', () => {
    const p = plan(input({ decisions: [opted('eni-a', named)], enis: [eni('eni-a', { zoneId: 'cn-hangzhou-j' })], sessions: [session('tms-1', ['eni-a'], { name: 'old' })] }));
    expect(names(p)).toEqual(['am-web-cn-hangzhou-j']);
  });

  it('the zone of the pool target it is moved to, when it is moved back into the pool', () => {
    const s = { ...named, targets: [slb('lb-i', 500, 'cn-hangzhou-i')] };
    const p = plan(input({ decisions: [opted('eni-a', s)], enis: [eni('eni-a')], sessions: [session('tms-1', ['eni-a'], { target: lb('lb-gone'), name: 'old' })] }));
    expect(p.actions).toMatchObject([{ kind: 'update', set: { target: lb('lb-i'), name: 'am-web-cn-hangzhou-i' } }]);
  });
});

describe('the same state in any order gives the same plan', () => {
  it('wherever order could decide: which half-full session fills first, which ENIs share a new session, deferral order', () => {
    const s = pooled(2);
    const ids = ['eni-1', 'eni-2', 'eni-3', 'eni-4', 'eni-5', 'eni-6', 'eni-7'];
    const decisions = ids.map((id) => opted(id, s));
    const enis = [...ids.map((id) => eni(id)), eni('eni-8', { status: 'Attaching' }), eni('eni-9', { status: 'Detaching' }), eni('eni-10', { status: 'Creating' })];
    const sessions = [session('tms-a', ['eni-1']), session('tms-b', ['eni-2']), session('tms-c', ['eni-3'])];
    const base = input({ decisions, enis, sessions });
    const first = plan(base);
    expect(first.actions.map((a) => [a.kind, a.id, a.eniIds])).toEqual([
      ['create', 'create:web:lb-1:3', ['eni-7']],
      ['add-sources', 'add:tms-a:0', ['eni-4']],
      ['add-sources', 'add:tms-b:0', ['eni-5']],
      ['add-sources', 'add:tms-c:0', ['eni-6']],
    ]);
    expect(first.deferred.map((d) => d.eniIds[0])).toEqual(['eni-10', 'eni-8', 'eni-9']);
    for (let seed = 0; seed < 8; seed++) {
      const shuffled = { ...base, decisions: shuffle(decisions, seed), enis: shuffle(enis, seed + 1), sessions: shuffle(sessions, seed + 2) };
      expect(plan(shuffled)).toEqual(first);
    }
  });
});
