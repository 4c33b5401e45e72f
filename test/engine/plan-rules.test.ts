import { describe, expect, it } from 'vitest';
import { describePlan } from '../../shared/engine/describe.js';
import { type PlanInput, plan } from '../../shared/engine/plan.js';
import { eni, excluded, opted, pooled, session, slb, spec } from './fixtures.js';

// Rules of the plan a user relies on: what counts as drift and what an update sends, where a new ENI goes in a pool,
// what a dry run prints.

const input = (over: Partial<PlanInput>): PlanInput => ({ decisions: [], enis: [], sessions: [], rules: ['web'], ...over });
const lb = (id: string) => ({ kind: 'SLB' as const, id });

describe('drift: an update sends exactly the fields that differ from the rule', () => {
  it('filter, VNI, name, target and priority, each with the value the rule wants', () => {
    const s = spec({ filterId: 'tmf-new', vni: 42, sessionName: 'am-{eni}', targets: [slb('lb-new')] });
    const p = plan(input({ decisions: [opted('eni-a', s)], enis: [eni('eni-a')], sessions: [session('tms-1', ['eni-a'], { vni: 7, name: 'old', target: lb('lb-old'), priority: 5 })] }));
    expect(p.actions).toHaveLength(1);
    const a = p.actions[0];
    expect(a.kind === 'update' && a.set).toEqual({ filterId: 'tmf-new', vni: 42, name: 'am-eni-a', target: lb('lb-new'), priority: expect.any(Number) });
    expect(a.kind === 'update' && a.set.priority).toBeGreaterThanOrEqual(1000);
    expect(a.reason).toBe(
      `tms-1 differs from rule web: filterId tmf-1 → tmf-new, vni 7 → 42, name old → am-eni-a, target SLB:lb-old → SLB:lb-new, priority 5 → ${a.kind === 'update' && a.set.priority}`,
    );
  });

  it('nothing when the session already has the rule’s VNI and name', () => {
    const s = spec({ vni: 7, sessionName: 'am-{eni}' });
    expect(plan(input({ decisions: [opted('eni-a', s)], enis: [eni('eni-a')], sessions: [session('tms-1', ['eni-a'], { name: 'am-eni-a' })] })).actions).toEqual([]);
  });

  it('a priority at either end of the band is inside it', () => {
    for (const priority of [1000, 1999]) expect(plan(input({ decisions: [opted('eni-a')], sessions: [session('tms-1', ['eni-a'], { priority })] })).actions).toEqual([]);
    expect(plan(input({ decisions: [opted('eni-a')], sessions: [session('tms-1', ['eni-a'], { priority: 2000 })] })).actions).toMatchObject([
      { kind: 'update', changes: [{ field: 'priority', actual: 2000 }] },
    ]);
  });

  it('a session on any target of the rule’s pool stays where it is', () => {
    const s = spec({ targets: [slb('lb-1'), slb('lb-2')] });
    expect(plan(input({ decisions: [opted('eni-a', s)], sessions: [session('tms-1', ['eni-a'], { target: lb('lb-2') })] })).actions).toEqual([]);
  });

  it('a session of several ENIs under a per-ENI name template keeps its name, as the template names one ENI', () => {
    const s = spec({ sessionName: 'am-{eni}' });
    const p = plan(input({ decisions: [opted('eni-a', s), opted('eni-b', s)], sessions: [session('tms-1', ['eni-a', 'eni-b'], { name: 'legacy' })] }));
    expect(p.actions).toEqual([]);
  });

  it('an existing pooled session keeps its name under an {index} template, as its index is not recorded', () => {
    const s = pooled(5, { sessionName: 'am-{rule}-{index}' });
    expect(plan(input({ decisions: [opted('eni-a', s)], sessions: [session('tms-1', ['eni-a'], { name: 'custom' })] })).actions).toEqual([]);
  });

  it('renders {instance} and {zone} as empty for an ENI the plan was not given', () => {
    const p = plan(input({ decisions: [opted('eni-a', spec({ sessionName: 'am-{eni}-{instance}-{zone}' }))] }));
    expect(p.actions).toMatchObject([{ kind: 'create', draft: { name: 'am-eni-a--' } }]);
  });

  it('a session whose pool has no room keeps its target, and the block names the session', () => {
    const s = spec({ targets: [slb('lb-full', 1)] });
    const p = plan(input({ decisions: [opted('eni-a', s)], sessions: [session('tms-1', ['eni-a'], { target: lb('lb-old') }), session('tms-x', ['eni-z'], { rule: null, target: lb('lb-full') })] }));
    expect(p.actions).toEqual([]);
    expect(p.unmirrored).toMatchObject([{ eniId: 'eni-a', blockers: ['tms-1'] }]);
  });

  it('a session outside its band keeps its priority when the band is full, and says so', () => {
    const s = spec({ priorityBand: { min: 1, max: 1 } });
    const p = plan(input({ decisions: [opted('eni-a', s)], sessions: [session('tms-1', ['eni-a'], { priority: 50 }), session('tms-u', ['eni-z'], { rule: null, priority: 1 })] }));
    expect(p.actions).toEqual([]);
    expect(p.unmirrored).toEqual([{ eniId: 'eni-a', rule: 'web', reason: "mirrored by tms-1 at priority 50, outside rule web's band 1–1, which has no free priority", blockers: ['tms-1'] }]);
  });
});

describe('a new ENI’s target in a pool', () => {
  const place = (targets: ReturnType<typeof slb>[], zoneId: string | undefined, sessions = [session('tms-u', ['eni-z'], { rule: null, target: lb('lb-busy') })]) => {
    const p = plan(input({ decisions: [opted('eni-a', spec({ targets }))], enis: [eni('eni-a', { zoneId })], sessions }));
    return p.actions.map((a) => (a.kind === 'create' ? a.draft.target.id : a.kind));
  };

  it('a collector serving every zone comes before one bound to another zone, however roomy', () => {
    expect(place([slb('lb-i', 500, 'cn-hangzhou-i'), slb('lb-any', 10)], 'cn-hangzhou-h')).toEqual(['lb-any']);
  });

  it('a collector of the ENI’s own zone, or serving every zone, is not passed over for a roomier one in a worse tier', () => {
    expect(place([slb('lb-any', 10), slb('lb-i', 500, 'cn-hangzhou-i')], 'cn-hangzhou-h')).toEqual(['lb-any']);
    expect(place([slb('lb-h', 10, 'cn-hangzhou-h'), slb('lb-any', 500)], 'cn-hangzhou-h')).toEqual(['lb-h']);
  });

  it('among collectors alike, the one with the most room, then the first listed', () => {
    expect(place([slb('lb-busy', 10), slb('lb-idle', 10)], undefined)).toEqual(['lb-idle']);
    expect(place([slb('lb-big', 500), slb('lb-small', 100)], undefined, [])).toEqual(['lb-big']);
    expect(place([slb('lb-first', 100), slb('lb-second', 100)], undefined, [])).toEqual(['lb-first']);
  });
});

describe('a dry run prints', () => {
  it('a replace that must delete first, source changes with their ENIs, and deferrals', () => {
    const db = spec({ rule: 'db', priorityBand: { min: 2000, max: 2999 } });
    const theirs = ['tms-u1', 'tms-u2'].map((id, i) => session(id, ['eni-a'], { rule: null, priority: 10 + i }));
    const p = plan(
      input({
        rules: ['web', 'db'],
        decisions: [opted('eni-a', db), opted('eni-b', pooled(5)), opted('eni-c', pooled(5)), excluded('eni-d')],
        enis: [eni('eni-a'), eni('eni-b'), eni('eni-c'), eni('eni-d'), eni('eni-e', { status: 'Attaching' }), eni('eni-f', { status: 'Detaching' })],
        sessions: [...theirs, session('tms-1', ['eni-a']), session('tms-2', ['eni-b', 'eni-d'], { priority: 1501 })],
      }),
    );
    const lines = describePlan(p);
    expect(lines).toContainEqual(
      expect.stringMatching(/^replace tms-1 \(SLB:lb-1, priority \d+ or the next free one in 2000–2999, old one deleted first: no free slot\): eni-a moved from rule web to rule db/),
    );
    expect(lines).toContain('remove-sources tms-2 (eni-d): leaving tms-2: eni-d (no longer opted in: no rule matches its tags)');
    expect(lines).toContain('add-sources tms-2 (eni-c): rule web opts eni-c in; pooled session tms-2 on SLB:lb-1 has room');
    expect(lines).toContain('deferred eni-e: the ENI is Attaching; it is handled once that settles');
    expect(lines).toContain('deferred eni-f: the ENI is Detaching; it is handled once that settles');
  });

  it('a replace with a free slot, without the delete-first note', () => {
    const db = spec({ rule: 'db', priorityBand: { min: 2000, max: 2999 } });
    const lines = describePlan(plan(input({ rules: ['web', 'db'], decisions: [opted('eni-a', db)], sessions: [session('tms-1', ['eni-a'])] })));
    expect(lines).toEqual([expect.stringMatching(/^replace tms-1 \(SLB:lb-1, priority \d+ or the next free one in 2000–2999\): eni-a moved/)]);
  });

  it('the ENIs of a new pooled session, in one line', () => {
    const lines = describePlan(plan(input({ decisions: [opted('eni-a', pooled(5)), opted('eni-b', pooled(5))] })));
    expect(lines).toEqual([expect.stringMatching(/^create \(SLB:lb-1, .*\): rule web opts eni-a, eni-b in; pooled sessions of the rule on SLB:lb-1 have no room left$/)]);
  });
});
