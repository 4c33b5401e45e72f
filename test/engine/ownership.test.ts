import { describe, expect, it } from 'vitest';
import { isOwned, mirrors, ownerTags, ruleOf } from '../../shared/engine/ownership.js';
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
