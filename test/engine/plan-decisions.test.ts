import { describe, expect, it } from 'vitest';
import { KINDS } from '../../shared/engine/kinds.js';
import { plan } from '../../shared/engine/plan.js';
import { type eni, excluded, opted, pooled, session, slb, spec } from './fixtures.js';

/** Decisions made once, inside plan(), for the event path and the region reconcile alike (issue 10, item 2). */

const base = { enis: [] as ReturnType<typeof eni>[], sessions: [] as ReturnType<typeof session>[], rules: ['web'] };

describe('plan(): gone targets', () => {
  it('withholds an ENI whose rule has no live target: nothing created, unmirrored with why, its session left alone', () => {
    const p = plan({
      ...base,
      decisions: [opted('eni-a', spec({ targets: [slb('lb-gone')] })), opted('eni-b', spec({ targets: [slb('lb-gone')] }))],
      sessions: [session('tms-b', ['eni-b'], { target: { kind: 'SLB', id: 'lb-gone' } })],
      goneTargets: new Set(['SLB:lb-gone']),
    });
    expect(p.actions).toEqual([]);
    expect(p.unmirrored).toEqual([
      { eniId: 'eni-a', rule: 'web', goneTargets: ['SLB:lb-gone'], reason: "rule web's target SLB:lb-gone no longer exists in the region: nothing is mirrored until the policy names a live one" },
      { eniId: 'eni-b', rule: 'web', goneTargets: ['SLB:lb-gone'], reason: expect.stringContaining('no longer exists') },
    ]);
  });

  it('places into the live targets of a pool and moves a session off a gone one', () => {
    const s = spec({ targets: [slb('lb-gone'), slb('lb-live')] });
    const p = plan({
      ...base,
      decisions: [opted('eni-a', s), opted('eni-b', s)],
      sessions: [session('tms-b', ['eni-b'], { target: { kind: 'SLB', id: 'lb-gone' } })],
      goneTargets: new Set(['SLB:lb-gone']),
    });
    expect(p.actions).toMatchObject([
      { kind: 'update', sessionId: 'tms-b', changes: [{ field: 'target', wanted: 'SLB:lb-live', actual: 'SLB:lb-gone' }] },
      { kind: 'create', eniIds: ['eni-a'], draft: { target: { id: 'lb-live' } } },
    ]);
    expect(p.unmirrored).toEqual([]);
  });
});

describe('plan(): owned sessions with no source left', () => {
  it('deletes them, and never fills them with a new ENI', () => {
    const p = plan({ ...base, decisions: [opted('eni-a', pooled(10))], sessions: [session('tms-empty', [])] });
    expect(p.actions).toMatchObject([
      { kind: 'create', eniIds: ['eni-a'] },
      { kind: 'delete', sessionId: 'tms-empty', eniIds: [], reason: 'no source is left in tms-empty: its ENIs no longer exist' },
    ]);
  });

  it('leaves an empty session automirror does not own alone', () => {
    expect(plan({ ...base, decisions: [], sessions: [session('tms-theirs', [], { rule: null })] }).actions).toEqual([]);
  });
});

describe('sessions proven under an older key', () => {
  const old = { verdict: 'proven', kid: 'kold', current: false } as const;

  it('are re-signed when they stay, and only then', () => {
    const kept = session('tms-kept', ['eni-a'], { ownership: old, tags: { ...session('x', []).tags, 'automirror:instance': 'i-a' } });
    const leaving = session('tms-leaving', ['eni-b'], { ownership: old });
    const p = plan({ ...base, decisions: [opted('eni-a'), excluded('eni-b')], sessions: [kept, leaving] });
    expect(p.actions.map((a) => `${a.kind} ${'sessionId' in a ? a.sessionId : ''}`)).toEqual(['delete tms-leaving', 're-sign tms-kept']);
    expect(p.actions[1]).toMatchObject({ kid: 'kold', tags: { 'automirror:rule': 'web', 'automirror:instance': 'i-a' }, reason: 'tms-kept is proven under key kold, not the signing key: re-signed' });
  });

  it('a claim that is not proven is neither re-signed nor planned for', () => {
    const forged = session('tms-forged', ['eni-a'], { ownership: { verdict: 'forged', why: 'x' }, target: { kind: 'SLB', id: 'lb-theirs' } });
    const p = plan({ ...base, decisions: [opted('eni-a')], sessions: [forged] });
    expect(p.actions.map((a) => a.kind)).toEqual(['create']);
    expect(p.unowned.map((u) => u.sessionId)).toEqual(['tms-forged']);
  });
});

describe('action kinds', () => {
  it('each declare their plan phase once, in the documented order', () => {
    expect(
      Object.entries(KINDS)
        .sort((a, b) => a[1].phase - b[1].phase)
        .map(([k]) => k),
    ).toEqual(['update', 'replace', 'create', 'remove-sources', 'add-sources', 'delete', 're-sign']);
  });

  it('keep the report’s published names', () => {
    expect(Object.fromEntries(Object.entries(KINDS).map(([k, v]) => [k, v.report.kind]))).toEqual({
      update: 'update',
      replace: 'replace',
      create: 'create',
      'remove-sources': 'remove-source',
      'add-sources': 'add-source',
      delete: 'delete',
      // A re-signing is, in the cloud, one tag of the session updated in place.
      're-sign': 'update',
    });
  });
});
