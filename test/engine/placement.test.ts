import { describe, expect, it } from 'vitest';
import { type Filling, goneReason, goneTargets, TargetBook } from '../../shared/engine/placement.js';
import { slb } from './fixtures.js';

describe('targets the region no longer has', () => {
  const live = { slbs: new Set(['lb-live']), enis: new Set(['eni-live']) };

  it('are the CLBs and ENIs not found, each looked up among its own kind', () => {
    const targets = [
      { kind: 'SLB' as const, id: 'lb-live' },
      { kind: 'SLB' as const, id: 'lb-gone' },
      { kind: 'NetworkInterface' as const, id: 'eni-live' },
      { kind: 'NetworkInterface' as const, id: 'eni-gone' },
      { kind: 'SLB' as const, id: 'eni-live' },
    ];
    expect([...goneTargets(targets, live)]).toEqual(['SLB:lb-gone', 'NetworkInterface:eni-gone', 'SLB:eni-live']);
  });

  it('are named in the reason an ENI is withheld, in the singular or the plural', () => {
    expect(goneReason('web', ['SLB:lb-1'])).toBe("rule web's target SLB:lb-1 no longer exists in the region: nothing is mirrored until the policy names a live one");
    expect(goneReason('web', ['SLB:lb-1', 'SLB:lb-2'])).toBe("rule web's targets SLB:lb-1, SLB:lb-2 no longer exist in the region: nothing is mirrored until the policy names a live one");
  });
});

describe('choosing a pool target', () => {
  const pool = [slb('lb-a', 500), slb('lb-b', 500), slb('lb-z', 500, 'cn-hangzhou-j')];
  const book = (usage: Record<string, number>) => {
    const b = new TargetBook([]);
    for (const [id, n] of Object.entries(usage)) b.add(id, n);
    return b;
  };
  const filling = (free: Record<string, number>, opens = true): Filling => ({ free: (id) => free[id], opens });

  it('without sessions filling: zone affinity, then the most room, then pool order', () => {
    expect(book({ 'lb-a': 10 }).choose(pool, 'cn-hangzhou-h', 1)?.target.id).toBe('lb-b');
    expect(book({}).choose(pool, 'cn-hangzhou-h', 1)?.target.id).toBe('lb-a');
    expect(book({ 'lb-z': 400 }).choose(pool, 'cn-hangzhou-j', 1)?.target.id).toBe('lb-z');
  });

  it('fills a session still filling before opening one on the target with the most room, fewest free slots first', () => {
    const b = book({ 'lb-a': 300, 'lb-b': 10 });
    expect(b.choose(pool, 'cn-hangzhou-h', 1, filling({ 'lb-a': 4 }))?.target.id).toBe('lb-a');
    expect(b.choose(pool, 'cn-hangzhou-h', 1, filling({ 'lb-a': 4, 'lb-b': 2 }))?.target.id).toBe('lb-b');
    expect(b.choose(pool, 'cn-hangzhou-h', 1, filling({}))?.target.id).toBe('lb-b');
  });

  it('keeps zone affinity over filling: an open session on another tier waits', () => {
    expect(book({}).choose(pool, 'cn-hangzhou-j', 1, filling({ 'lb-a': 1 }))?.target.id).toBe('lb-z');
  });

  it('keeps capacity: a full target is not chosen for its open session', () => {
    expect(book({ 'lb-a': 500 }).choose(pool, 'cn-hangzhou-h', 1, filling({ 'lb-a': 3 }))?.target.id).toBe('lb-b');
  });

  it('past a sessions quota only open sessions are filled, on any tier; none open is no target', () => {
    expect(book({}).choose(pool, 'cn-hangzhou-j', 1, filling({ 'lb-b': 5 }, false))?.target.id).toBe('lb-b');
    expect(book({}).choose(pool, 'cn-hangzhou-j', 1, filling({}, false))).toBeUndefined();
  });
});
