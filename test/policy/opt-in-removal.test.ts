import { describe, expect, it } from 'vitest';
import type { Principal, TagWrite } from '../../shared/domain.js';
import { type Decision, evaluate, removalKeys } from '../../shared/policy/evaluate.js';
import { parsePolicy } from '../../shared/policy/load.js';
import type { OptInRemoval } from '../../shared/policy/opt-out.js';
import type { Policy } from '../../shared/policy/types.js';
import { eni, instance } from './fixtures.js';

// Opting out by removing the tag a rule selects on: for an ENI a proven session of the rule mirrors, the last
// write of the rule's tag keys decides, as the opt-out tag's writer does (pure: the write is given).

const doc = (governance: string, rules = ['  - name: web\n    match: { tag: mirror, equals: "on" }\n']) =>
  parsePolicy(
    `version: 1\noptOut:\n  tag: automirror\n  value: "off"\n${governance}rules:\n${rules.map((r, i) => `${r}    mirror: { target: { slb: lb-a }, filter: tmf-a, priority: { min: ${1000 + i * 1000}, max: ${1999 + i * 1000} } }\n`).join('')}`,
    'p.yaml',
  );
const GOVERNED = doc('  allowedPrincipals: ["acs:ram::123:user/alice"]\n  protected: { instances: [i-db] }\n');
const ALICE: Principal = { type: 'ram-user', accountId: '123', name: 'alice' };
const MALLORY: Principal = { type: 'ram-user', accountId: '123', name: 'mallory' };
const untag = (by: Principal, resourceId = 'i-a', keys = ['mirror']): TagWrite => ({ resourceId, eventName: 'UntagResources', time: '2026-12-01T10:00:00.000Z', by, keys });

/** The decision for eni-a on i-a (tags on the instance), held by a proven session of `rule`. */
function decide(policy: Policy, tags: Record<string, string>, removal: Omit<OptInRemoval, 'rule'> & { rule?: string }, over: { instanceId?: string; heldOn?: string } = {}): Decision {
  const e = eni({ instanceId: 'instanceId' in over ? over.instanceId : 'i-a' });
  const i = e.instanceId ? instance({ id: e.instanceId, tags }) : undefined;
  const first = evaluate(policy, e, i);
  const held = { rule: removal.rule ?? 'web', ...(over.heldOn && { instanceId: over.heldOn }) };
  const keys = removalKeys(policy, e, i, held, first);
  return keys ? evaluate(policy, e, i, undefined, undefined, { ...removal, rule: held.rule }) : first;
}

describe('removing the opt-in tag under a governed policy', () => {
  it('by a principal outside the allow-list is overridden: the ENI stays mirrored under its rule, and the reason says how', () => {
    const d = decide(GOVERNED, {}, { write: untag(MALLORY), complete: true });
    expect(d).toMatchObject({ spec: { rule: 'web' }, optOut: { status: 'overridden', via: 'opt-in tag removed', rule: 'web', on: 'instance', resourceId: 'i-a', tag: 'mirror', by: MALLORY } });
    expect(d.optOut?.why).toBe(
      'opt-in tag removed: rule web no longer selects it (mirror removed on the instance, by UntagResources of acs:ram::123:user/mallory at 2026-12-01T10:00:00.000Z), overridden: acs:ram::123:user/mallory is not in optOut.allowedPrincipals',
    );
  });

  it('changing its value is the same as removing it', () => {
    const d = decide(GOVERNED, { mirror: 'no' }, { write: { ...untag(MALLORY), eventName: 'TagResources' }, complete: true });
    expect(d).toMatchObject({ spec: { rule: 'web' }, optOut: { status: 'overridden', value: 'no' } });
    expect(d.optOut?.why).toContain('(mirror changed to no on the instance, by TagResources of');
  });

  it('by an allowed principal is honoured, and listed with who and when', () => {
    const d = decide(GOVERNED, {}, { write: untag(ALICE, 'eni-a'), complete: true });
    expect(d).toMatchObject({ excluded: expect.stringMatching(/^opt-in tag removed: rule web no longer selects it \(mirror removed on the ENI, by UntagResources of acs:ram::123:user\/alice at /) });
    expect(d.optOut).toMatchObject({ status: 'honoured', rule: 'web', on: 'ENI', by: ALICE, at: '2026-12-01T10:00:00.000Z' });
  });

  it('on a protected instance is overridden, whoever removed it', () => {
    const d = decide(GOVERNED, {}, { write: untag(ALICE, 'i-db'), complete: true }, { instanceId: 'i-db' });
    expect(d).toMatchObject({ spec: { rule: 'web' }, optOut: { status: 'overridden' } });
    expect(d.optOut?.why).toMatch(/overridden: i-db is protected \(optOut\.protected\.instances\)$/);
  });

  it('with the writer not known (a search not made or cut short) is overridden: absence of a record is not permission', () => {
    const d = decide(GOVERNED, {}, { complete: false });
    expect(d).toMatchObject({ spec: { rule: 'web' }, optOut: { status: 'overridden', on: 'ENI', resourceId: 'eni-a' } });
    expect(d.optOut?.by).toBeUndefined();
    expect(d.optOut?.why).toContain('overridden: who removed it is not known yet (the ActionTrail search was not complete)');
  });

  it('is no opt-out when a complete search found no tag write since the session was made: the policy changed, and it is authoritative', () => {
    const narrowed = doc('  allowedPrincipals: ["acs:ram::123:user/alice"]\n', ['  - name: web\n    match: { all: [{ tag: mirror, equals: "on" }, { tag: env, equals: prod }] }\n']);
    const d = decide(narrowed, { mirror: 'on' }, { complete: true });
    expect(d).toEqual({ eniId: 'eni-a', excluded: 'no rule matches: web needs env=prod, found no tag env' });
  });

  it('is no opt-out when the rule is gone from the policy, or another rule takes the ENI', () => {
    expect(decide(GOVERNED, {}, { rule: 'old', write: untag(MALLORY), complete: true })).toEqual({ eniId: 'eni-a', excluded: expect.stringMatching(/^no rule matches: web needs mirror=on/) });
    const two = doc('  allowedPrincipals: ["acs:ram::123:user/alice"]\n', ['  - name: web\n    match: { tag: mirror, equals: "on" }\n', '  - name: rest\n    match: { tag: team, equals: a }\n']);
    expect(decide(two, { team: 'a' }, { write: untag(MALLORY), complete: true })).toMatchObject({ spec: { rule: 'rest' } });
    expect((decide(two, { team: 'a' }, { write: untag(MALLORY), complete: true }) as { optOut?: unknown }).optOut).toBeUndefined();
  });

  it('is no opt-out when the ENI left the instance it was mirrored for (detached, or moved), or the rule misses on more than tags', () => {
    expect(decide(GOVERNED, {}, { write: untag(MALLORY), complete: true }, { instanceId: undefined })).toMatchObject({ excluded: expect.stringMatching(/^no rule matches/) });
    expect(decide(GOVERNED, {}, { write: untag(MALLORY, 'i-b'), complete: true }, { instanceId: 'i-b', heldOn: 'i-a' })).toMatchObject({ excluded: expect.stringMatching(/^no rule matches/) });
    const scoped = doc('  allowedPrincipals: ["acs:ram::123:user/alice"]\n', ['  - name: web\n    match: { tag: mirror, equals: "on", scope: { vpcs: [vpc-other] } }\n']);
    expect(decide(scoped, {}, { write: untag(MALLORY), complete: true })).toMatchObject({ excluded: expect.stringMatching(/^no rule matches/) });
  });

  it('an honoured opt-out tag still decides: its writer was allowed', () => {
    const d = evaluate(GOVERNED, eni(), instance({ tags: { automirror: 'off' } }), undefined, new Map([['i-a', { ...untag(ALICE), eventName: 'TagResources', keys: ['automirror'] }]]), {
      rule: 'web',
      write: untag(MALLORY),
      complete: true,
    });
    expect(d).toMatchObject({ excluded: 'opt-out tag automirror=off on the instance, set by acs:ram::123:user/alice at 2026-12-01T10:00:00.000Z', optOut: { status: 'honoured', via: 'opt-out tag' } });
    expect(d.optOut?.rule).toBeUndefined();
    expect(removalKeys(GOVERNED, eni(), instance({ tags: { automirror: 'off' } }), { rule: 'web' }, d)).toBeUndefined();
  });
});

describe('removing the opt-in tag without governance', () => {
  it('changes nothing: no allow-list and nothing protected, the ENI leaves scope as before', () => {
    const open = doc('');
    expect(removalKeys(open, eni(), instance({}), { rule: 'web' }, evaluate(open, eni(), instance({})))).toBeUndefined();
    expect(evaluate(open, eni(), instance({}), undefined, undefined, { rule: 'web', write: untag(MALLORY), complete: true })).toEqual(evaluate(open, eni(), instance({})));
  });

  it('with only protected resources, everyone else may remove it; a protected one stays mirrored', () => {
    const prot = doc('  protected: { instances: [i-db] }\n');
    expect(decide(prot, {}, { write: untag(MALLORY), complete: true })).toMatchObject({ excluded: expect.stringContaining('opt-in tag removed'), optOut: { status: 'honoured', by: MALLORY } });
    expect(decide(prot, {}, { complete: false })).toEqual({ eniId: 'eni-a', excluded: expect.stringMatching(/^no rule matches/) });
    expect(decide(prot, {}, { complete: false }, { instanceId: 'i-db' })).toMatchObject({ spec: { rule: 'web' }, optOut: { status: 'overridden' } });
  });
});
