import { describe, expect, it } from 'vitest';
import { eniPriorityKey, PriorityBook, poolPriorityKey, priorityCandidates, priorityStart } from '../../shared/engine/priority.js';

// Session priorities are unique per region and lower wins: each new session starts probing at a point fixed by its
// rule and ENI (or pool slot), so concurrent invocations, even of two releases during a deploy, aim at the same number
// and the cloud's uniqueness rule settles the race.

describe('where probing starts', () => {
  const band = { min: 1000, max: 1999 };

  it('is the same for the same rule and ENI in every run and every release', () => {
    expect(priorityStart(band, eniPriorityKey('web', 'eni-a'))).toBe(1797);
    expect(priorityStart(band, eniPriorityKey('web', 'eni-b'))).toBe(1940);
    expect(priorityStart(band, poolPriorityKey('web', 'lb-1', 0))).toBe(1635);
    expect(priorityStart({ min: 1, max: 32766 }, eniPriorityKey('db', 'eni-0123456789abcdef'))).toBe(24887);
  });

  it('differs between rules for the same ENI, and stays inside the band, both ends included', () => {
    expect(priorityStart(band, eniPriorityKey('web', 'eni-a'))).not.toBe(priorityStart(band, eniPriorityKey('db', 'eni-a')));
    const tiny = { min: 7, max: 8 };
    const seen = new Set(Array.from({ length: 50 }, (_, i) => priorityStart(tiny, eniPriorityKey('web', `eni-${i}`))));
    expect([...seen].sort()).toEqual([7, 8]);
  });
});

describe('probing after a conflict', () => {
  it('walks the band upward from the planned priority and wraps around, each priority once', () => {
    expect([...priorityCandidates({ min: 10, max: 14 }, 12)]).toEqual([12, 13, 14, 10, 11]);
  });

  it('starts from the nearest end when the planned priority lies outside the band', () => {
    expect([...priorityCandidates({ min: 10, max: 12 }, 3)]).toEqual([10, 11, 12]);
    expect([...priorityCandidates({ min: 10, max: 12 }, 99)]).toEqual([12, 10, 11]);
  });
});

describe('the priorities a plan hands out', () => {
  it('never repeat one that a session holds, at either end of the range', () => {
    const book = new PriorityBook([1, 32766]);
    expect([book.isFree(1), book.isFree(2), book.isFree(32766)]).toEqual([false, true, false]);
    expect(book.take({ min: 1, max: 2 }, 'k')).toBe(2);
    expect(book.take({ min: 32765, max: 32766 }, 'k')).toBe(32765);
  });

  it('never repeat one handed out earlier in the same plan, and say when the band is full', () => {
    const book = new PriorityBook([]);
    const band = { min: 5, max: 7 };
    const got = [book.take(band, 'a'), book.take(band, 'a'), book.take(band, 'a')];
    expect([...got].sort()).toEqual([5, 6, 7]);
    expect(book.isFree(got[0] as number)).toBe(false);
    expect(book.take(band, 'a')).toBeUndefined();
  });

  it('keep each band to itself when a plan serves several rules', () => {
    const book = new PriorityBook([]);
    const small = { min: 1, max: 2 };
    const large = { min: 100, max: 199 };
    expect([book.take(small, 'x'), book.take(small, 'y')].sort()).toEqual([1, 2]);
    const fromLarge = Array.from({ length: 100 }, (_, i) => book.take(large, `k${i}`));
    expect(new Set(fromLarge).size).toBe(100);
    expect(fromLarge.every((p) => p !== undefined && p >= 100 && p <= 199)).toBe(true);
    expect(book.take(large, 'more')).toBeUndefined();
  });
});
