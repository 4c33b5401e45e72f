import { describe, expect, it } from 'vitest';
import type { EnsureResult } from '../../shared/engine/ensure.js';
import { judgeHold } from '../../shared/engine/lifecycle-hold.js';
import { opted, session } from './fixtures.js';

// The hold's decision, pure: what a wait whose sessions are still Creating comes to before and after the policy's
// heartbeatTimeout (the end-to-end runs are in test/event-path/lifecycle-hooks.test.ts).

/** What ensure returned for a held instance with one opted-in ENI: its session asked for, nothing unmirrored. */
const ensured = { decisions: [opted('eni-new01')], deferred: [], unmirrored: [] } as unknown as EnsureResult;
const unit = { result: { kind: 'done' as const }, ensured };
const BUDGET_MS = 600_000;

describe('judgeHold: a scale-out held until mirrored', () => {
  it('waits while the session is Creating and the heartbeat timeout has not passed', () => {
    expect(judgeHold(unit, [session('tms-1', ['eni-new01'], { status: 'Creating' })], BUDGET_MS - 1, BUDGET_MS)).toEqual({
      kind: 'wait',
      why: 'sessions not Created yet for eni-new01',
    });
  });

  it('gives up (so the configured default result is followed) once the wait reaches the timeout, saying why', () => {
    expect(judgeHold(unit, [session('tms-1', ['eni-new01'], { status: 'Creating' })], BUDGET_MS, BUDGET_MS)).toEqual({
      kind: 'give-up',
      why: 'not mirrored within 600 s: sessions not Created yet for eni-new01',
    });
  });

  it('continues once the session is Created, however long it took', () => {
    expect(judgeHold(unit, [session('tms-1', ['eni-new01'])], BUDGET_MS * 2, BUDGET_MS)).toEqual({ kind: 'continue', why: 'mirrored: eni-new01' });
  });

  it('does not count a session it does not own as mirroring the instance', () => {
    expect(judgeHold(unit, [session('tms-1', ['eni-new01'], { rule: null })], BUDGET_MS, BUDGET_MS).kind).toBe('give-up');
  });
});
