import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/domain.js';
import { ownerTags } from '../../shared/engine/ownership.js';
import { awaitsProof, claimMismatch, expectedOf, judgePending } from '../../shared/engine/pending-claim.js';
import { plan } from '../../shared/engine/plan.js';
import type { Policy } from '../../shared/policy/types.js';
import { eni, opted, pooled, session, spec } from './fixtures.js';

const PENDING = { verdict: 'pending', why: 'no proof yet, created 30 s ago' } as const;
/** What another automirror invocation would have created for eni-a (on i-1) under rule web, its proof not written yet. */
const claim = (over: Partial<Session> = {}): Session => session('tms-p', ['eni-a'], { tags: ownerTags('web', 'i-1'), ownership: PENDING, ...over });
const expected = expectedOf(spec(), 'eni-a', 'i-1');

describe('a claim awaiting its proof', () => {
  it('is waited for only when it is exactly what the rule would make for that ENI', () => {
    expect(claimMismatch(claim(), expected)).toBeUndefined();
    expect(awaitsProof(claim(), expected)).toBe(true);
    expect(awaitsProof(claim({ ownership: { verdict: 'forged', why: 'x' } }), expected)).toBe(false);
    expect(awaitsProof(claim({ status: 'Deleting' }), expected)).toBe(false);
  });

  it.each([
    ['another rule', { tags: ownerTags('db', 'i-1') }, 'its rule tag is not web'],
    ['a target outside the pool', { target: { kind: 'SLB', id: 'lb-attacker' } }, 'its target SLB:lb-attacker is not in rule web'],
    ['its own filter', { filterId: 'tmf-drop-all' }, 'its filter tmf-drop-all is not rule web'],
    ['a priority outside the band', { priority: 50 }, 'its priority 50 is outside'],
    ['a short packet length', { packetLength: 64 }, 'its packet length 64'],
    ['disabled', { enabled: false }, 'it is disabled'],
    ['another ENI', { sourceIds: ['eni-b'] }, 'it does not mirror eni-a'],
    ['several sources on a per-ENI rule', { sourceIds: ['eni-a', 'eni-b'] }, 'one session per ENI'],
    ['another instance tag', { tags: ownerTags('web', 'i-9') }, 'its instance tag i-9 is not i-1'],
  ] as const)('with %s is forged at once', (_, over, why) => {
    expect(claimMismatch(claim(over as Partial<Session>), expected)).toContain(why);
    expect(awaitsProof(claim(over as Partial<Session>), expected)).toBe(false);
  });

  it('of a fixed VNI must have it; a pooled rule’s carries no instance tag', () => {
    expect(claimMismatch(claim({ vni: 8 }), expectedOf(spec({ vni: 7 }), 'eni-a', 'i-1'))).toContain('its VNI 8');
    expect(claimMismatch(claim({ vni: 8 }), expected)).toBeUndefined();
    const pool = expectedOf(pooled(5), 'eni-a', 'i-1');
    expect(claimMismatch(claim({ tags: ownerTags('web'), sourceIds: ['eni-a', 'eni-b'] }), pool)).toBeUndefined();
    expect(claimMismatch(claim(), pool)).toContain('carry no instance tag');
  });

  it('defers placement when it matches, and does not when it is forged: the ENI gets its own session at once', () => {
    const input = (s: Session) => ({ decisions: [opted('eni-a')], enis: [eni('eni-a', { instanceId: 'i-1' })], sessions: [s], rules: ['web'] });
    const waits = plan(input(claim()));
    expect([waits.actions, waits.deferred.map((d) => d.eniIds)]).toEqual([[], [['eni-a']]]);
    const forged = plan(input(claim({ filterId: 'tmf-drop-all' })));
    expect(forged.deferred).toEqual([]);
    expect(forged.actions.map((a) => [a.kind, a.eniIds])).toEqual([['create', ['eni-a']]]);
  });

  it('is reported forged as read when it is not what its rule would make, and stays pending when it is', () => {
    const policy = { rules: [{ name: 'web', spec: spec() }] } as unknown as Policy;
    const enis = [eni('eni-a', { instanceId: 'i-1' })];
    const [kept, mismatched, unknownRule] = judgePending([claim(), claim({ id: 'tms-f', filterId: 'tmf-drop-all' }), claim({ id: 'tms-r', tags: ownerTags('nope', 'i-1') })], policy, enis);
    expect(kept.ownership).toEqual(PENDING);
    expect(mismatched.ownership).toMatchObject({ verdict: 'forged', why: expect.stringContaining('its filter tmf-drop-all is not rule web') });
    expect(unknownRule.ownership).toMatchObject({ verdict: 'forged', why: expect.stringContaining('names no rule of the policy') });
  });
});
