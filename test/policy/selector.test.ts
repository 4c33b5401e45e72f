import { describe, expect, it } from 'vitest';
import type { Tags } from '../../shared/domain.js';
import { evaluate } from '../../shared/policy/evaluate.js';
import { eni, instance, policyOf } from './fixtures.js';

/** Whether a one-rule policy with this `match` mirrors an ENI with these ENI and instance tags. */
const matches = (match: string, eniTags: Tags, instanceTags: Tags = {}) => 'spec' in evaluate(policyOf([{ name: 'r', match }]), eni({ tags: eniTags }), instance({ tags: instanceTags }));

describe('tag selectors', () => {
  it.each([
    ['equals: same value', '{ tag: env, equals: prod }', { env: 'prod' }, true],
    ['equals: other value', '{ tag: env, equals: prod }', { env: 'dev' }, false],
    ['equals: absent', '{ tag: env, equals: prod }', {}, false],
    ['equals: is case-sensitive', '{ tag: env, equals: prod }', { env: 'Prod' }, false],
    ['equals: empty value', '{ tag: env, equals: "" }', { env: '' }, true],
    ['in: listed', '{ tag: env, in: [prod, staging] }', { env: 'staging' }, true],
    ['in: not listed', '{ tag: env, in: [prod, staging] }', { env: 'dev' }, false],
    ['in: absent', '{ tag: env, in: [prod, staging] }', {}, false],
    ['prefix: starts with', '{ tag: team, prefix: sec- }', { team: 'sec-ops' }, true],
    ['prefix: contains only', '{ tag: team, prefix: sec- }', { team: 'ops-sec-' }, false],
    ['prefix: whole value', '{ tag: team, prefix: sec- }', { team: 'sec-' }, true],
    ['exists: present with any value', '{ tag: team, exists: true }', { team: '' }, true],
    ['exists: absent', '{ tag: team, exists: true }', { other: 'x' }, false],
    ['exists false: absent', '{ tag: team, exists: false }', {}, true],
    ['exists false: present', '{ tag: team, exists: false }', { team: 'x' }, false],
    ['all: every part holds', '{ all: [{ tag: a, equals: "1" }, { tag: b, exists: true }] }', { a: '1', b: 'x' }, true],
    ['all: one part fails', '{ all: [{ tag: a, equals: "1" }, { tag: b, exists: true }] }', { a: '1' }, false],
    ['any: one part holds', '{ any: [{ tag: a, equals: "1" }, { tag: b, exists: true }] }', { b: 'x' }, true],
    ['any: no part holds', '{ any: [{ tag: a, equals: "1" }, { tag: b, exists: true }] }', { a: '2' }, false],
    ['not: inner fails', '{ not: { tag: mirror, equals: "off" } }', { mirror: 'on' }, true],
    ['not: inner holds', '{ not: { tag: mirror, equals: "off" } }', { mirror: 'off' }, false],
    [
      'nested: all of any and not, holds',
      '{ all: [{ any: [{ tag: env, equals: prod }, { tag: env, prefix: stg }] }, { not: { any: [{ tag: pci, exists: true }, { tag: mirror, equals: "off" }] } }] }',
      { env: 'stg-2' },
      true,
    ],
    [
      'nested: all of any and not, inner not fails',
      '{ all: [{ any: [{ tag: env, equals: prod }, { tag: env, prefix: stg }] }, { not: { any: [{ tag: pci, exists: true }, { tag: mirror, equals: "off" }] } }] }',
      { env: 'prod', pci: 'yes' },
      false,
    ],
    ['double negation', '{ not: { not: { tag: a, exists: true } } }', { a: 'x' }, true],
  ])('%s', (_, match, tags, expected) => {
    expect(matches(match, tags)).toBe(expected);
  });

  it('reads the match expression written in block style beside scope and enis', () => {
    const match = '\n      all:\n        - tag: env\n          in: [prod, staging]\n        - tag: team\n          exists: true\n        - not: { tag: mirror, equals: "off" }\n      enis: all';
    expect(matches(match, { env: 'prod', team: 'web' })).toBe(true);
    expect(matches(match, { env: 'prod', team: 'web', mirror: 'off' })).toBe(false);
  });
});

describe('ENI tags over instance tags', () => {
  it.each([
    ['instance tag alone counts', {}, { env: 'prod' }, true],
    ['ENI tag alone counts', { env: 'prod' }, {}, true],
    ['ENI value overrides the instance value (to a match)', { env: 'prod' }, { env: 'dev' }, true],
    ['ENI value overrides the instance value (to a miss)', { env: 'dev' }, { env: 'prod' }, false],
    ['an empty ENI value still overrides', { env: '' }, { env: 'prod' }, false],
  ])('%s', (_, eniTags, instanceTags, expected) => {
    expect(matches('{ tag: env, equals: prod }', eniTags, instanceTags)).toBe(expected);
  });

  it('overrides per key: other keys still come from the instance', () => {
    expect(matches('{ all: [{ tag: env, equals: prod }, { tag: team, equals: web }] }', { env: 'prod' }, { env: 'dev', team: 'web' })).toBe(true);
  });

  it('finds only real tags, never properties of Object.prototype', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(matches(`{ tag: "${key}", exists: true }`, {})).toBe(false);
      expect(matches(`{ tag: "${key}", exists: false }`, {})).toBe(true);
    }
    expect(matches('{ tag: "__proto__", equals: x }', JSON.parse('{"__proto__": "x"}'))).toBe(true);
  });
});
