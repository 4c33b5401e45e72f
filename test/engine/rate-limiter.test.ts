import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../shared/engine/rate-limiter.js';
import { VirtualClock } from './virtual-clock.js';

const RATES = { CreateTrafficMirrorSession: { perSecond: 10, burst: 3 }, '*': { perSecond: 20, burst: 1 } };

/** The waits `n` callers arriving at the same instant are given. */
async function waits(limiter: RateLimiter, clock: VirtualClock, op: string, n: number): Promise<number[]> {
  const before = clock.sleeps.length;
  await Promise.all(Array.from({ length: n }, () => limiter.acquire(op)));
  return clock.sleeps.slice(before).map(Math.round);
}

describe('RateLimiter', () => {
  it('lets a burst through, then spaces callers at the operation’s rate', async () => {
    const clock = new VirtualClock(0, false);
    const limiter = new RateLimiter(clock, RATES);
    expect(await waits(limiter, clock, 'CreateTrafficMirrorSession', 6)).toEqual([100, 200, 300]);
    expect(await waits(limiter, clock, 'ListTrafficMirrorSessions', 3)).toEqual([50, 100]);
  });

  it('keeps operations apart', async () => {
    const clock = new VirtualClock(0, false);
    const limiter = new RateLimiter(clock, RATES);
    await waits(limiter, clock, 'DeleteTrafficMirrorSession', 5);
    expect(await waits(limiter, clock, 'AddSourcesToTrafficMirrorSession', 1)).toEqual([]);
  });

  it('on throttling waits out the retry-after and halves the rate once per episode, then wins it back', async () => {
    const clock = new VirtualClock(0, false);
    const limiter = new RateLimiter(clock, RATES);
    limiter.throttled('CreateTrafficMirrorSession', 1500);
    limiter.throttled('CreateTrafficMirrorSession', 1500);
    expect(limiter.rate('CreateTrafficMirrorSession')).toBe(5);
    expect(await waits(limiter, clock, 'CreateTrafficMirrorSession', 2)).toEqual([1500, 1700]);
    clock.advance(2000);
    limiter.throttled('CreateTrafficMirrorSession', 10);
    expect(limiter.rate('CreateTrafficMirrorSession')).toBe(2.5);
    for (let i = 0; i < 30; i++) limiter.succeeded('CreateTrafficMirrorSession');
    expect(limiter.rate('CreateTrafficMirrorSession')).toBe(10);
  });
});
