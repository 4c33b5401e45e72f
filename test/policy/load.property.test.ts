import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PolicyError, parsePolicy } from '../../shared/policy/load.js';

// Issue 11, item 7: the policy loader on random YAML, seeded and bounded (a failure names its seed and shrinks).
// Whatever the text, the loader returns a policy or throws its typed PolicyError; a valid policy generated as
// data reads the same whether written as YAML or as JSON, and again after a second trip through YAML.

const RUNS = { seed: 20261203, numRuns: 150 };

/** Lines a policy file holds, and the syntax YAML offers an attacker: anchors, aliases, tags, flow, deep nesting. */
const fragment = fc.oneof(
  fc.constantFrom(
    'version: 1',
    'rules:',
    '  - name: web',
    '    match: { tag: env, equals: prod }',
    '    mirror: { target: { slb: lb-a }, filter: tmf-a, priority: { min: 1, max: 2 } }',
    'optOut: { tag: automirror, value: "off" }',
    'a: &x [*x]',
    'b: &y { k: *y }',
    '!!js/function "x"',
    '? complex\n: key',
    '__proto__: { polluted: true }',
    'constructor: { prototype: 1 }',
    '- - - -',
    '"\\u200b": x',
    '---',
    '...',
    '%YAML 1.2',
    '|\n  block',
    '[[[[[[[[[[[[[[[[[[[[',
    '}}}]]]',
    'equals: "o\\u200bn"',
    'tag: "\\ufeffenv"',
  ),
  fc.string({ maxLength: 30 }),
  fc.nat({ max: 3000 }).map((n) => `x: ${'['.repeat(n)}${']'.repeat(n)}`),
  fc.nat({ max: 200 }).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}- a`).join('\n')),
);
const document = fc.array(fc.tuple(fragment, fc.nat({ max: 6 })), { maxLength: 12 }).map((lines) => lines.map(([l, indent]) => `${' '.repeat(indent)}${l}`).join('\n'));

/** Printable text without controls or invisible characters: what a tag key or value may be. */
const visible = (max: number) =>
  fc
    .string({
      unit: fc.oneof(
        fc.constantFrom('a', 'Z', '9', '-', '_', '.', ':', '/', '=', '+', '@', ' ', '#', '"', "'", '&', '*', '!', '%', '{', '[', ',', 'é', 'ß', '中', '東', 'Ω', '😀'),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
      ),
      minLength: 1,
      maxLength: max,
    })
    .filter((s) => s.trim() === s && !/[\u0000-\u001f\u007f]/.test(s));
const RULE_NAME = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/).filter((s) => !s.startsWith('aliyun'));

const rule = (i: number) =>
  fc.record({
    name: RULE_NAME.map((n) => `${n}-${i}`),
    match: fc.oneof(
      fc.record({ tag: visible(20), equals: fc.oneof(visible(30), fc.constant('')) }),
      fc.record({ tag: visible(20), in: fc.uniqueArray(visible(20), { minLength: 1, maxLength: 4 }) }),
      fc.record({ tag: visible(20), prefix: visible(10) }),
      fc.record({ tag: visible(20), exists: fc.boolean() }),
    ),
    mirror: fc.record({
      target: fc.stringMatching(/^[a-z0-9]{1,8}$/).map((id) => ({ slb: `lb-${id}` })),
      filter: fc.stringMatching(/^[a-z0-9]{1,8}$/).map((id) => `tmf-${id}`),
      priority: fc.nat({ max: 900 }).map((w) => ({ min: 1 + i * 1000, max: 1 + i * 1000 + w })),
      packetLength: fc.option(fc.integer({ min: 64, max: 8500 }), { nil: undefined }),
      enabled: fc.option(fc.boolean(), { nil: undefined }),
    }),
  });
const policyDoc = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.option(fc.record({ tag: visible(20), value: visible(20) }), { nil: undefined }))
  .chain(([n, optOut]) => fc.tuple(...Array.from({ length: n }, (_, i) => rule(i))).map((rules) => ({ version: 1, ...(optOut ? { optOut } : {}), rules })))
  .map((d) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>);

const load = (text: string) => {
  try {
    return { policy: parsePolicy(text, 'p.yaml') };
  } catch (err) {
    return { err };
  }
};

describe('the policy loader, on random YAML', () => {
  it('returns a policy or throws a PolicyError with bounded lines, nothing else', () => {
    fc.assert(
      fc.property(document, (text) => {
        const r = load(text);
        if ('err' in r) {
          expect(r.err).toBeInstanceOf(PolicyError);
          const problems = (r.err as PolicyError).problems;
          expect(problems.length).toBeGreaterThan(0);
          expect(problems.length).toBeLessThanOrEqual(201);
        }
      }),
      RUNS,
    );
  });

  it('valid generated policies read the same as YAML and as JSON, and again after a second trip through YAML', () => {
    fc.assert(
      fc.property(policyDoc, (doc) => {
        const asYaml = load(stringify(doc));
        const asJson = load(JSON.stringify(doc, null, 2));
        if ('err' in asYaml) throw asYaml.err;
        if ('err' in asJson) throw asJson.err;
        expect(asYaml.policy).toEqual(asJson.policy);
        expect(asYaml.policy.rules.map((r) => r.name)).toEqual((doc.rules as Array<{ name: string }>).map((r) => r.name));
        const again = load(stringify(doc, { defaultStringType: 'QUOTE_DOUBLE', collectionStyle: 'flow' }));
        if ('err' in again) throw again.err;
        expect(again.policy).toEqual(asYaml.policy);
      }),
      { ...RUNS, numRuns: 50 },
    );
  });

  it('refuses any invisible or format character in a generated tag value, naming its code point', () => {
    const invisible = fc.constantFrom(0x00ad, 0x061c, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202e, 0x2060, 0x2061, 0x2064, 0x2066, 0x2069, 0xfeff, 0xfff9, 0xe0001, 0xe007f);
    fc.assert(
      fc.property(policyDoc, invisible, fc.nat(), (doc, cp, at) => {
        const rules = doc.rules as Array<{ match: { tag: string } }>;
        const tag = rules[0].match.tag;
        const cut = at % (tag.length + 1);
        rules[0].match.tag = `${tag.slice(0, cut)}${String.fromCodePoint(cp)}${tag.slice(cut)}`;
        const r = load(stringify(doc));
        expect(r.err).toBeInstanceOf(PolicyError);
        expect((r.err as PolicyError).problems.join('\n')).toContain(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
      }),
      { ...RUNS, numRuns: 50 },
    );
  });
});
