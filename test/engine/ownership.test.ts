import { describe, expect, it } from 'vitest';
import type { Ownership } from '../../shared/domain.js';
import { isOwned, isUnprovenClaim, mirrors, ownerTags, ruleOf } from '../../shared/engine/ownership.js';
import { session } from './fixtures.js';

describe('ownership', () => {
  it('sessions automirror creates carry the tags the README documents', () => {
    expect(ownerTags('web')).toEqual({ 'automirror:managed-by': 'automirror', 'automirror:rule': 'web' });
    expect(ownerTags('web', 'i-1')).toEqual({ 'automirror:managed-by': 'automirror', 'automirror:rule': 'web', 'automirror:instance': 'i-1' });
  });

  it('a session without the managed-by tag is not automirror’s, whatever rule tag it has', () => {
    const theirs = session('tms-1', ['eni-a'], { rule: null, tags: { 'automirror:rule': 'web' } });
    expect([isOwned(theirs), ruleOf(theirs)]).toEqual([false, undefined]);
  });

  it('a session carrying the claim is automirror’s only when the adapter proved it; any other claim is reported, never owned', () => {
    const claimed = (ownership: Ownership) => session('tms-1', ['eni-a'], { ownership });
    for (const o of [
      { verdict: 'forged', why: 'x' },
      { verdict: 'pending', why: 'x' },
      { verdict: 'unverifiable', why: 'x' },
    ] as const) {
      const s = claimed(o);
      expect([isOwned(s), ruleOf(s), isUnprovenClaim(s), mirrors(s, 'web', ['eni-a'])], o.verdict).toEqual([false, undefined, true, false]);
    }
    expect([isOwned(session('tms-2', [])), isUnprovenClaim(session('tms-2', []))]).toEqual([true, false]);
  });

  it('a session mirrors ENIs for a rule when it is that rule’s, is not being deleted and holds every one of them', () => {
    const s = session('tms-1', ['eni-a', 'eni-b']);
    expect(mirrors(s, 'web', ['eni-a', 'eni-b'])).toBe(true);
    expect(mirrors(s, 'web', ['eni-a'])).toBe(true);
    expect(mirrors(s, 'web', ['eni-a', 'eni-c'])).toBe(false);
    expect(mirrors(s, 'db', ['eni-a'])).toBe(false);
    expect(mirrors(session('tms-2', ['eni-a'], { status: 'Deleting' }), 'web', ['eni-a'])).toBe(false);
    expect(mirrors(session('tms-3', ['eni-a'], { rule: null }), 'web', ['eni-a'])).toBe(false);
  });
});
