import { describe, expect, it } from 'vitest';
import type { Eni, Instance, Principal, TagWrite } from '../../shared/domain.js';
import { evaluate } from '../../shared/policy/evaluate.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { optOutWrites } from '../../shared/policy/opt-out.js';
import { problemsOf } from './fixtures.js';

// optOut.allowedPrincipals and optOut.protected: validated at load, one clear error each; judged in evaluation on
// who last wrote the opt-out tag.

const doc = (optOut: string) => `version: 1
optOut:
  tag: automirror
  value: "off"
${optOut}
rules:
  - name: web
    match: { tag: mirror, equals: "on" }
    mirror: { target: { slb: lb-a }, filter: tmf-a, priority: { min: 1000, max: 1999 } }
`;

describe('loading optOut governance', () => {
  it('reads RAM principals and protected resources', () => {
    const p = parsePolicy(
      doc(
        '  allowedPrincipals: ["acs:ram::123:root", "acs:ram::123:user/alice@corp", "acs:ram::456:role/netops"]\n  protected: { instances: [i-db01], enis: [eni-a], match: { tag: tier, equals: critical } }',
      ),
    );
    expect(p.optOut?.allowedPrincipals).toEqual([
      { kind: 'root', accountId: '123', name: '', text: 'acs:ram::123:root' },
      { kind: 'user', accountId: '123', name: 'alice@corp', text: 'acs:ram::123:user/alice@corp' },
      { kind: 'role', accountId: '456', name: 'netops', text: 'acs:ram::456:role/netops' },
    ]);
    expect(p.optOut?.protected).toEqual({ instances: ['i-db01'], enis: ['eni-a'], match: { tag: 'tier', equals: 'critical' } });
  });

  it.each([
    [
      'a group is not a principal',
      '  allowedPrincipals: ["acs:ram::123:group/admins"]',
      'p.yaml:5:23 optOut.allowedPrincipals[0]: expected a RAM principal acs:ram::<account-id>:root, acs:ram::<account-id>:user/<name> or acs:ram::<account-id>:role/<name>, got "acs:ram::123:group/admins"',
    ],
    [
      'a bare user name',
      '  allowedPrincipals: [alice]',
      'p.yaml:5:23 optOut.allowedPrincipals[0]: expected a RAM principal acs:ram::<account-id>:root, acs:ram::<account-id>:user/<name> or acs:ram::<account-id>:role/<name>, got "alice"',
    ],
    ['an empty allow-list (nobody could opt out: say so with protected)', '  allowedPrincipals: []', 'p.yaml:5:3 optOut.allowedPrincipals: expected a non-empty list, got an empty list'],
    [
      'a control character in a name',
      '  allowedPrincipals: ["acs:ram::123:user/al\\u001bice"]',
      'p.yaml:5:23 optOut.allowedPrincipals[0]: expected a RAM principal acs:ram::<account-id>:root, acs:ram::<account-id>:user/<name> or acs:ram::<account-id>:role/<name> without control or invisible characters, got "acs:ram::123:user/al\\u001bice" (U+001B at character 21)',
    ],
    ['protected with nothing in it', '  protected: {}', 'p.yaml:5:3 optOut.protected: expected at least one of instances, enis, match'],
    ['a protected instance that is no instance id', '  protected: { instances: [web01] }', 'p.yaml:5:28 optOut.protected.instances[0]: expected an ECS instance id like i-…, got "web01"'],
    ['an unknown field', '  allowed: ["acs:ram::123:root"]', 'p.yaml:5:3 optOut.allowed: unknown field; expected one of tag, value, allowedPrincipals, protected'],
  ])('refuses %s with one clear error', (_, optOut, expected) => {
    expect(problemsOf(doc(optOut))).toEqual([expected]);
  });
});

const eni = (tags: Record<string, string> = {}): Eni => ({
  id: 'eni-a',
  regionId: 'cn-hangzhou',
  instanceId: 'i-a',
  primary: true,
  status: 'InUse',
  vpcId: 'vpc-1',
  vSwitchId: 'vsw-1',
  zoneId: 'cn-hangzhou-h',
  serviceManaged: false,
  tags,
});
const instance = (tags: Record<string, string>): Instance => ({
  id: 'i-a',
  regionId: 'cn-hangzhou',
  instanceType: 'ecs.g7.large',
  status: 'Running',
  vpcId: 'vpc-1',
  vSwitchId: 'vsw-1',
  zoneId: 'cn-hangzhou-h',
  tags,
});
const write = (by: Principal, resourceId = 'i-a', time = '2026-12-01T10:00:00.000Z', keys = ['automirror']): TagWrite => ({ resourceId, eventName: 'TagResources', time, by, keys });

describe('judging an opt-out', () => {
  const policy = parsePolicy(doc('  allowedPrincipals: ["acs:ram::123:root", "acs:ram::123:user/alice", "acs:ram::123:role/netops"]'));
  const judge = (...writes: TagWrite[]) => evaluate(policy, eni(), instance({ mirror: 'on', automirror: 'off' }), undefined, optOutWrites(policy.optOut, writes));

  it.each<[string, Principal, 'honoured' | 'overridden']>([
    ['the root account', { type: 'root-account', accountId: '123', name: '' }, 'honoured'],
    ['an allowed user', { type: 'ram-user', accountId: '123', name: 'alice' }, 'honoured'],
    ['any session of an allowed role', { type: 'assumed-role', accountId: '123', name: 'netops', session: 'bob' }, 'honoured'],
    ['another user', { type: 'ram-user', accountId: '123', name: 'mallory' }, 'overridden'],
    ['the allowed user name in another account', { type: 'ram-user', accountId: '999', name: 'alice' }, 'overridden'],
    ['a user named like the allowed role', { type: 'ram-user', accountId: '123', name: 'netops' }, 'overridden'],
    ['an identity of another type', { type: 'other', accountId: '123', name: 'alice' }, 'overridden'],
  ])('%s: %s', (_, by, status) => {
    const d = judge(write(by));
    expect(d.optOut?.status).toBe(status);
    expect('spec' in d).toBe(status === 'overridden');
  });

  it('goes by the latest write of the opt-out key, not by writes of other tags', () => {
    const alice = { type: 'ram-user' as const, accountId: '123', name: 'alice' };
    const mallory = { type: 'ram-user' as const, accountId: '123', name: 'mallory' };
    expect(judge(write(alice, 'i-a', '2026-12-01T10:00:00.000Z'), write(mallory, 'i-a', '2026-12-01T11:00:00.000Z')).optOut?.status).toBe('overridden');
    expect(judge(write(mallory, 'i-a', '2026-12-01T10:00:00.000Z'), write(alice, 'i-a', '2026-12-01T11:00:00.000Z')).optOut?.status).toBe('honoured');
    expect(judge(write(alice), write(mallory, 'i-a', '2026-12-02T00:00:00.000Z', ['team'])).optOut?.status).toBe('honoured');
  });

  it('overrides an opt-out whose writer is unknown, and says why', () => {
    const d = judge();
    expect(d).toMatchObject({ spec: { rule: 'web' }, optOut: { status: 'overridden', rule: 'web' } });
    expect(d.optOut?.why).toBe(
      'opt-out tag automirror=off on the instance, overridden: who set it is unknown (no ActionTrail record of the tag write found), and only optOut.allowedPrincipals may opt out',
    );
  });

  it('without an allow-list honours every opt-out, naming the writer when known', () => {
    const open = parsePolicy(doc(''));
    const by = { type: 'ram-user' as const, accountId: '123', name: 'mallory' };
    const d = evaluate(open, eni(), instance({ mirror: 'on', automirror: 'off' }), undefined, optOutWrites(open.optOut, [write(by)]));
    expect(d).toEqual({
      eniId: 'eni-a',
      excluded: 'opt-out tag automirror=off on the instance, set by acs:ram::123:user/mallory at 2026-12-01T10:00:00.000Z',
      optOut: expect.objectContaining({ status: 'honoured', rule: 'web', by }),
    });
  });

  it('an ENI no rule would mirror is not in scope, opt-out or not', () => {
    const d = judge(write({ type: 'root-account', accountId: '123', name: '' }));
    expect(d.optOut?.rule).toBe('web');
    const out = evaluate(policy, eni(), instance({ automirror: 'off' }), undefined, optOutWrites(policy.optOut, [write({ type: 'root-account', accountId: '123', name: '' })]));
    expect(out).toMatchObject({ eniId: 'eni-a', excluded: expect.stringContaining('opt-out tag automirror=off on the instance') });
    expect(out.optOut?.rule).toBeUndefined();
  });
});
