import { describe, expect, it } from 'vitest';
import { evaluate, explainEni } from '../../shared/policy/evaluate.js';
import { eni, instance, mirrorYaml, policyOf } from './fixtures.js';

// What a person reads when an ENI is or isn't mirrored: each reason names the rule and the condition that decided.

const reasonOf = (d: ReturnType<typeof evaluate>) => ('excluded' in d ? d.excluded : undefined);
const ruleOf = (d: ReturnType<typeof evaluate>) => ('spec' in d ? d.spec.rule : undefined);

describe('an opt-out tag without a value', () => {
  const anyValue = policyOf([{ name: 'all', match: '{ scope: { vpcs: [vpc-a] } }' }], 'version: 1\noptOut: { tag: no-mirror }\n');

  it('leaves an ENI without that tag, on it or on its instance, to the rules', () => {
    expect(ruleOf(evaluate(anyValue, eni({ tags: { other: 'x' } }), instance({ tags: { env: 'prod' } })))).toBe('all');
    expect(ruleOf(evaluate(anyValue, eni(), undefined))).toBe('all');
  });

  it('opts out an ENI carrying the tag with any value', () => {
    expect(reasonOf(evaluate(anyValue, eni(), instance({ tags: { 'no-mirror': 'yes' } })))).toBe('opt-out tag no-mirror=yes on the instance');
  });
});

describe('a policy without an opt-out tag', () => {
  it('opts nothing out, whatever the tags', () => {
    const p = policyOf([{ name: 'all', match: '{ scope: { vpcs: [vpc-a] } }' }], 'version: 1\n');
    expect(ruleOf(evaluate(p, eni({ tags: { automirror: 'off' } }), instance({ tags: { automirror: 'off' } })))).toBe('all');
  });
});

describe('an ENI that a rule mirrors to is never a source', () => {
  it('is excluded, naming the rule', () => {
    const p = policyOf([
      { name: 'ids', match: '{ scope: { vpcs: [vpc-a] } }', mirror: '    mirror:\n      pool: [{ eni: eni-collector }, { slb: lb-a }]\n      filter: tmf-all\n      priority: { min: 1, max: 9 }\n' },
    ]);
    expect(reasonOf(evaluate(p, eni({ id: 'eni-collector' }), undefined))).toBe('eni-collector is a mirror target of rule ids; an ENI cannot be both source and target');
    expect(ruleOf(evaluate(p, eni({ id: 'eni-a' }), undefined))).toBe('ids');
  });
});

describe('why a tag expression does not match', () => {
  const why = (match: string, tags: Record<string, string> = {}) => reasonOf(evaluate(policyOf([{ name: 'r', match }]), eni({ tags }), undefined));

  it('all: the first part that fails, in its own words', () => {
    expect(why('{ all: [{ tag: env, equals: prod }, { tag: team, exists: true }] }', { env: 'prod' })).toBe('no rule matches: r needs tag team, found no tag team');
    expect(why('{ all: [{ tag: env, equals: prod }, { tag: team, exists: true }] }')).toBe('no rule matches: r needs env=prod, found no tag env');
  });

  it('any, not, exists: false, prefix and in: what was needed and what was found', () => {
    expect(why('{ any: [{ tag: env, equals: prod }, { tag: env, prefix: stag }] }', { env: 'dev' })).toBe('no rule matches: r needs any of (env=prod, env starting with stag), found env=dev');
    expect(why('{ not: { tag: mirror, equals: "off" } }', { mirror: 'off' })).toBe('no rule matches: r needs not mirror=off, found mirror=off');
    expect(why('{ tag: scratch, exists: false }', { scratch: '' })).toBe('no rule matches: r needs no tag scratch, found scratch=""');
    expect(why('{ tag: env, in: [prod, staging] }', { env: 'dev' })).toBe('no rule matches: r needs env in [prod, staging], found env=dev');
    expect(why('{ all: [{ any: [{ tag: a, exists: true }, { tag: b, exists: true }] }] }')).toBe('no rule matches: r needs any of (tag a, tag b), found no tag a, no tag b');
    expect(why('{ any: [{ all: [{ tag: a, equals: "1" }, { tag: b, equals: "2" }] }, { tag: c, exists: true }] }', { a: '1' })).toBe(
      'no rule matches: r needs any of (all of (a=1, b=2), tag c), found a=1, no tag b, no tag c',
    );
  });

  it('a prefix never matches an absent tag', () => {
    expect(why('{ tag: env, prefix: prod }')).toBe('no rule matches: r needs env starting with prod, found no tag env');
    expect(why('{ tag: env, prefix: prod }', { env: 'production' })).toBeUndefined();
  });

  it('quotes keys and values that are not plain words, and clips long ones', () => {
    expect(why('{ tag: env, equals: prod }', { env: 'pro d' })).toBe('no rule matches: r needs env=prod, found env="pro d"');
    expect(why('{ tag: env, equals: prod }', { env: 'x-prod' })).toBe('no rule matches: r needs env=prod, found env=x-prod');
    expect(why('{ tag: env, equals: prod }', { env: 'prod!' })).toBe('no rule matches: r needs env=prod, found env="prod!"');
    const long = 'v'.repeat(65);
    expect(why('{ tag: env, equals: prod }', { env: 'v'.repeat(64) })).toBe(`no rule matches: r needs env=prod, found env=${'v'.repeat(64)}`);
    expect(why('{ tag: env, equals: prod }', { env: long })).not.toContain(long);
  });
});

describe('why a scope does not match', () => {
  const why = (scope: string, over = {}) => reasonOf(evaluate(policyOf([{ name: 's', match: `{ scope: ${scope} }` }]), eni(over), undefined, 'cn-hangzhou'));

  it('names the dimension, what it allows and what the ENI has', () => {
    expect(why('{ regions: [cn-shanghai, cn-beijing] }')).toBe('no rule matches: s needs region in [cn-shanghai, cn-beijing], found cn-hangzhou');
    expect(why('{ vSwitches: [vsw-b] }')).toBe('no rule matches: s needs vSwitch in [vsw-b], found vsw-a');
    expect(why('{ instanceTypeFamilies: [ecs.g7] }')).toBe('no rule matches: s needs instance type family in [ecs.g7], found no known instance');
    expect(why('{ zones: [cn-hangzhou-i] }', { zoneId: undefined })).toBe('no rule matches: s needs zone in [cn-hangzhou-i], found none');
  });

  it('an ENI choice of primary names the miss', () => {
    const p = policyOf([{ name: 'p', match: '{ tag: web, exists: true, enis: primary }' }]);
    expect(reasonOf(evaluate(p, eni({ primary: false, tags: { web: '' } }), undefined))).toBe('rule p: not the primary ENI');
  });
});

describe('no rule matches', () => {
  const rules = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `r${i}`, match: `{ tag: t${i}, exists: true }`, mirror: mirrorYaml(i) }));

  it('names the first three rules and counts the rest', () => {
    const reason = (n: number) => reasonOf(evaluate(policyOf(rules(n)), eni(), undefined));
    expect(reason(3)).toBe('no rule matches: r0 needs tag t0, found no tag t0; r1 needs tag t1, found no tag t1; r2 needs tag t2, found no tag t2');
    expect(reason(4)).toMatch(/; r2 needs tag t2, found no tag t2; and 1 more rule$/);
    expect(reason(5)).toMatch(/; and 2 more rules$/);
  });
});

describe('explain', () => {
  it('lists the tags the rules saw in key order, each from the ENI or its instance', () => {
    const p = policyOf([{ name: 'r', match: '{ tag: env, exists: true }' }]);
    const x = explainEni(p, eni({ tags: { zone: 'e', env: 'eni' } }), instance({ tags: { env: 'inst', b: 'i', a: 'i' } }));
    expect(x.tags).toEqual([
      { key: 'a', value: 'i', from: 'instance' },
      { key: 'b', value: 'i', from: 'instance' },
      { key: 'env', value: 'eni', from: 'ENI' },
      { key: 'zone', value: 'e', from: 'ENI' },
    ]);
  });
});
