import { describe, expect, it } from 'vitest';
import { OWNER_TAG } from '../../shared/engine/ownership.js';
import { approvedTargets, classifySession, foreignSessions, shouldDisable } from '../../shared/engine/unapproved.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { problemsOf } from '../policy/fixtures.js';
import { session } from './fixtures.js';

const POLICY = `version: 1
approvedTargets: [lb-netops01, eni-tap01]
rules:
  - name: web
    match: { tag: mirror, equals: "on" }
    mirror: { target: { slb: lb-collector01 }, filter: tmf-all, priority: { min: 1000, max: 1999 } }
  - name: db
    match: { tag: db, exists: true }
    mirror:
      pool: [{ slb: lb-zeek01h, zone: cn-hangzhou-h }, { eni: eni-zeek02 }]
      filter: tmf-all
      priority: { min: 2000, max: 2999 }
`;
const policy = parsePolicy(POLICY, 'p.yaml');
const approved = approvedTargets(policy);
const theirs = (id: string, targetId: string, over = {}) =>
  session(id, ['eni-web01p'], { rule: null, target: { kind: targetId.startsWith('lb-') ? 'SLB' : 'NetworkInterface', id: targetId }, ...over });

describe('unapproved mirroring: one classification of every session', () => {
  it('approves every target a rule names (pools included) and approvedTargets, nothing else', () => {
    expect([...approved].sort()).toEqual(['eni-tap01', 'eni-zeek02', 'lb-collector01', 'lb-netops01', 'lb-zeek01h']);
  });

  it("every session is judged by its target: owned or tampered (automirror's, redirected), approved or unapproved", () => {
    expect(classifySession(session('tms-ours', ['eni-a'], { target: { kind: 'SLB', id: 'lb-collector01' } }), approved)).toBe('owned');
    // The proof does not cover the target: automirror's session pointed elsewhere is mirroring to an unapproved collector.
    expect(classifySession(session('tms-ours', ['eni-a'], { target: { kind: 'SLB', id: 'lb-rogue' } }), approved)).toBe('tampered');
    expect(classifySession(theirs('tms-1', 'lb-collector01'), approved)).toBe('approved');
    expect(classifySession(theirs('tms-2', 'eni-zeek02'), approved)).toBe('approved');
    expect(classifySession(theirs('tms-3', 'lb-netops01'), approved)).toBe('approved');
    expect(classifySession(theirs('tms-4', 'lb-rogue'), approved)).toBe('unapproved');
    expect(classifySession(theirs('tms-5', 'eni-attacker'), approved)).toBe('unapproved');
    // A claim that is not the owner tag's value is no claim: the session is judged by its target.
    expect(classifySession(theirs('tms-6', 'lb-rogue', { tags: { [OWNER_TAG]: 'someone' } }), approved)).toBe('unapproved');
  });

  it('splits a region: unapproved and tampered sessions in id order, approved ones counted, owned ones left out', () => {
    const toward = (id: string) => ({ target: { kind: 'SLB' as const, id } });
    const sessions = [
      theirs('tms-b', 'lb-rogue'),
      session('tms-ours', ['eni-x'], toward('lb-collector01')),
      session('tms-bent', ['eni-y'], toward('lb-rogue')),
      theirs('tms-a', 'eni-attacker'),
      theirs('tms-c', 'lb-netops01'),
    ];
    const found = foreignSessions(policy, sessions);
    expect(found.unapproved.map((s) => s.id)).toEqual(['tms-a', 'tms-b', 'tms-bent']);
    expect(found.approved).toBe(1);
  });

  it('disables only under unapproved: disable, and only a session still mirroring and not being deleted', () => {
    const disabling = parsePolicy(`${POLICY}unapproved: disable\n`, 'p.yaml');
    const live = theirs('tms-4', 'lb-rogue');
    expect(policy.unapproved).toBeUndefined();
    expect(shouldDisable(policy, live)).toBe(false);
    expect(shouldDisable(parsePolicy(`${POLICY}unapproved: report\n`, 'p.yaml'), live)).toBe(false);
    expect(shouldDisable(disabling, live)).toBe(true);
    expect(shouldDisable(disabling, { ...live, enabled: false })).toBe(false);
    expect(shouldDisable(disabling, { ...live, status: 'Deleting' })).toBe(false);
    // automirror's own session, redirected: repaired by the engine, never disabled.
    expect(shouldDisable(disabling, session('tms-bent', ['eni-y'], { target: { kind: 'SLB', id: 'lb-rogue' } }))).toBe(false);
  });
});

describe('the policy fields', () => {
  it('refuses a target that is no SLB or ENI id, and an unknown response, naming each', () => {
    const doc = POLICY.replace('approvedTargets: [lb-netops01, eni-tap01]', 'approvedTargets: [lb-netops01, "lb-x y", 7, tms-1]\nunapproved: delete');
    expect(problemsOf(doc)).toEqual([
      'p.yaml:2:32 approvedTargets[1]: expected an internal CLB id like lb-… or an ENI id like eni-…, got "lb-x y"',
      'p.yaml:2:42 approvedTargets[2]: expected an internal CLB id like lb-… or an ENI id like eni-…, got 7',
      'p.yaml:2:45 approvedTargets[3]: expected an internal CLB id like lb-… or an ENI id like eni-…, got "tms-1"',
      'p.yaml:3:1 unapproved: expected report or disable, got "delete"',
    ]);
    expect(problemsOf(POLICY.replace('[lb-netops01, eni-tap01]', '[]'))).toEqual(['p.yaml:2:1 approvedTargets: expected a non-empty list, got an empty list']);
  });
});
