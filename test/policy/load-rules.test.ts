import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../shared/policy/load.js';
import { problemsOf } from './fixtures.js';

// What a policy author is told: each rule of validation, with the field it names. An invalid policy is refused whole.

const rule = (name: string, mirror = 'target: { slb: lb-a }\n      filter: tmf-a\n      priority: { min: 1000, max: 1999 }', match = '{ tag: env, equals: prod }') =>
  `  - name: ${name}\n    match: ${match}\n    mirror:\n      ${mirror}\n`;
const doc = (rules: string, head = '') => `version: 1\n${head}rules:\n${rules}`;
const mirror = (extra: string, band = '{ min: 1000, max: 1999 }') => `target: { slb: lb-a }\n      filter: tmf-a\n      priority: ${band}\n      ${extra}`;
const only = (problems: string[]) => problems.map((p) => p.replace(/^p\.yaml:\d+:\d+ /, ''));

describe('ids and names are checked whole, as the cloud spells them', () => {
  it('accepts ids of any length in the documented shapes', () => {
    const p = parsePolicy(
      doc(
        rule(
          'web',
          'pool: [{ slb: lb-bp1abc23, zone: cn-hangzhou-h }, { eni: eni-bp1xyz9 }]\n      filter: tmf-bp1q2w3e\n      priority: { min: 1000, max: 1999 }',
          '{ scope: { vSwitches: [vsw-bp1abc], vpcs: [vpc-bp1abc], zones: [cn-hangzhou-h], instanceTypeFamilies: [ecs.g7ne] } }',
        ),
      ),
      'p.yaml',
    );
    expect(p.rules[0].spec.targets).toEqual([
      { target: { kind: 'SLB', id: 'lb-bp1abc23' }, capacity: 500, zoneId: 'cn-hangzhou-h' },
      { target: { kind: 'NetworkInterface', id: 'eni-bp1xyz9' }, capacity: 20 },
    ]);
    expect(p.rules[0].spec.filterId).toBe('tmf-bp1q2w3e');
  });

  it.each([
    ['an SLB id with something before it', 'pool: [{ slb: xlb-a1 }]', 'rules[0].mirror.pool[0].slb: expected an internal CLB id like lb-…, got "xlb-a1"'],
    ['an SLB id with something after it', 'pool: [{ slb: "lb-a1!" }]', 'rules[0].mirror.pool[0].slb: expected an internal CLB id like lb-…, got "lb-a1!"'],
    ['an ENI id with something before it', 'pool: [{ eni: xeni-a1 }]', 'rules[0].mirror.pool[0].eni: expected an ENI id like eni-…, got "xeni-a1"'],
  ])('refuses %s', (_, target, problem) => {
    expect(only(problemsOf(doc(rule('web', `${target}\n      filter: tmf-a\n      priority: { min: 1000, max: 1999 }`))))).toEqual([problem]);
  });

  it.each([
    ['filter', 'filter: tmf-a', 'filter: "tmf-a b"', 'rules[0].mirror.filter: expected a traffic mirror filter id like tmf-…, got "tmf-a b"'],
    ['filter prefix', 'filter: tmf-a', 'filter: xtmf-a', 'rules[0].mirror.filter: expected a traffic mirror filter id like tmf-…, got "xtmf-a"'],
  ])('refuses a bad %s', (_, from, to, problem) => {
    expect(only(problemsOf(doc(rule('web').replace(from, to))))).toEqual([problem]);
  });

  it.each([
    ['vSwitch', '{ scope: { vSwitches: ["vsw-a b"] } }', 'rules[0].match.scope.vSwitches[0]: expected a vSwitch id like vsw-…, got "vsw-a b"'],
    ['vSwitch prefix', '{ scope: { vSwitches: [xvsw-a] } }', 'rules[0].match.scope.vSwitches[0]: expected a vSwitch id like vsw-…, got "xvsw-a"'],
    ['zone with one letter', '{ scope: { zones: [c-hangzhou-h] } }', 'rules[0].match.scope.zones[0]: expected a zone id like cn-hangzhou-h, got "c-hangzhou-h"'],
    ['zone with capitals', '{ scope: { zones: [cn-Hangzhou-h] } }', 'rules[0].match.scope.zones[0]: expected a zone id like cn-hangzhou-h, got "cn-Hangzhou-h"'],
    ['zone with something before it', '{ scope: { zones: [xcn-hangzhou-h] } }', 'rules[0].match.scope.zones[0]: expected a zone id like cn-hangzhou-h, got "xcn-hangzhou-h"'],
    ['VPC', '{ scope: { vpcs: ["vpc-a b"] } }', 'rules[0].match.scope.vpcs[0]: expected a VPC id like vpc-…, got "vpc-a b"'],
    ['VPC prefix', '{ scope: { vpcs: [xvpc-a] } }', 'rules[0].match.scope.vpcs[0]: expected a VPC id like vpc-…, got "xvpc-a"'],
    [
      'instance type family prefix',
      '{ scope: { instanceTypeFamilies: [xecs.g7] } }',
      'rules[0].match.scope.instanceTypeFamilies[0]: expected an instance type family like ecs.g7 (not a full type like ecs.g7.large), got "xecs.g7"',
    ],
    [
      'full instance type',
      '{ scope: { instanceTypeFamilies: [ecs.g7.large] } }',
      'rules[0].match.scope.instanceTypeFamilies[0]: expected an instance type family like ecs.g7 (not a full type like ecs.g7.large), got "ecs.g7.large"',
    ],
  ])('refuses a bad %s in a scope', (_, match, problem) => {
    expect(only(problemsOf(doc(rule('web', undefined, match))))).toEqual([problem]);
  });
});

describe('lengths', () => {
  it('a tag key of 128 characters is accepted, 129 is not', () => {
    expect(parsePolicy(doc(rule('web', undefined, `{ tag: ${'k'.repeat(128)}, exists: true }`)), 'p.yaml').rules).toHaveLength(1);
    expect(only(problemsOf(doc(rule('web', undefined, `{ tag: ${'k'.repeat(129)}, exists: true }`))))).toEqual(['rules[0].match.tag: expected a tag key of 1–128 characters, got 129']);
  });

  it('an unknown field name of up to 40 characters is shown as it is, a longer one quoted and clipped', () => {
    const forty = 'a'.repeat(40);
    expect(only(problemsOf(doc(rule('web', undefined, `{ tag: env, equals: prod, ${forty}: 1 }`))))).toEqual([
      `rules[0].match.${forty}: unknown field; expected tag, exists, equals, in, prefix, scope, enis, temporary`,
    ]);
    const p = only(problemsOf(doc(rule('web', undefined, `{ tag: env, equals: prod, ${forty}b: 1 }`))));
    expect(p).toEqual([`rules[0].match["${forty}… (41 characters)"]: unknown field; expected tag, exists, equals, in, prefix, scope, enis, temporary`]);
  });

  it('a document of 256 KiB is read, one byte more is refused', () => {
    const body = doc(rule('web'));
    const at = (n: number) => `${body}#${'x'.repeat(n - body.length - 2)}\n`;
    expect(parsePolicy(at(256 * 1024), 'p.yaml').rules).toHaveLength(1);
    expect(only(problemsOf(at(256 * 1024 + 1)))).toEqual([`the document is ${256 * 1024 + 1} bytes; a policy may be at most ${256 * 1024}`]);
  });
});

describe('values of the wrong kind say what they got', () => {
  it.each([
    ['a mapping', 'name: { a: 1 }', 'got a mapping'],
    ['a number where text is expected, with a hint to quote it', 'filter: 5', 'got 5 (quote it, "5", if it is meant as text)'],
    ['a boolean where text is expected, with a hint to quote it', 'filter: true', 'got true (quote it, "true", if it is meant as text)'],
    ['text where a boolean is expected', 'enabled: "yes"', 'expected true or false, got "yes"'],
  ])('%s', (_, field, got) => {
    const text = field.startsWith('name')
      ? doc(rule('web').replace('name: web', field))
      : field.startsWith('filter')
        ? doc(rule('web').replace('filter: tmf-a', field))
        : doc(rule('web', mirror(field)));
    expect(only(problemsOf(text)).join('\n')).toContain(got);
  });
});

describe('optOut and quotas', () => {
  it('name the field at fault', () => {
    expect(only(problemsOf(doc(rule('web'), 'optOut: { tag: "" }\n')))).toEqual(['optOut.tag: expected a tag key of 1–128 characters, got 0']);
    expect(only(problemsOf(doc(rule('web'), 'quotas: { sources: 5 }\n')))).toEqual(['quotas.sources: unknown field; expected one of sourcesPerSession']);
    expect(only(problemsOf(doc(rule('web'), 'optOut: 5\n')))).toEqual([expect.stringMatching(/^optOut: expected a mapping/)]);
    expect(only(problemsOf(doc(rule('web'), 'quotas: 5\n')))).toEqual([expect.stringMatching(/^quotas: expected a mapping/)]);
  });

  it('an empty quotas block keeps the default of 10 sources per session', () => {
    expect(only(problemsOf(doc(rule('web', mirror('layout: { pooled: 11 }')), 'quotas: {}\n')))).toEqual([
      expect.stringMatching(/^rules\[0\]\.mirror\.layout\.pooled: expected an integer 1–10 .*, got 11$/),
    ]);
    expect(parsePolicy(doc(rule('web', mirror('layout: { pooled: 10 }')), 'quotas: {}\n')).rules[0].spec.layout).toEqual({ kind: 'pooled', maxSources: 10 });
  });
});

describe('mirror settings', () => {
  const layoutOf = (extra: string) => parsePolicy(doc(rule('web', mirror(extra)))).rules[0].spec;

  it('layout: per-eni spelled out, or pooled from 1', () => {
    expect(layoutOf('layout: per-eni').layout).toEqual({ kind: 'per-eni' });
    expect(layoutOf('layout: { pooled: 1 }').layout).toEqual({ kind: 'pooled', maxSources: 1 });
    expect(only(problemsOf(doc(rule('web', mirror('layout: { pooled: 0 }')))))).toEqual([expect.stringMatching(/^rules\[0\]\.mirror\.layout\.pooled: expected an integer 1–10 .*, got 0$/)]);
  });

  it('a VNI from 0 to 16777215', () => {
    expect(layoutOf('vni: 0').vni).toBe(0);
    expect(layoutOf('vni: 16777215').vni).toBe(16777215);
    for (const bad of ['-1', '16777216', '1.5']) expect(only(problemsOf(doc(rule('web', mirror(`vni: ${bad}`)))))).toEqual([expect.stringMatching(/^rules\[0\]\.mirror\.vni: /)]);
  });

  it('a pool target without a zone has none', () => {
    expect(Object.keys(parsePolicy(doc(rule('web', 'pool: [{ slb: lb-a }]\n      filter: tmf-a\n      priority: { min: 1, max: 9 }'))).rules[0].spec.targets[0])).toEqual(['target', 'capacity']);
  });
});

describe('session names', () => {
  it('a template that renders to a URL with the rule’s name is refused', () => {
    expect(only(problemsOf(doc(rule('https', mirror('sessionName: "{rule}://x"')))))).toEqual([
      expect.stringMatching(/^rules\[0\]\.mirror\.sessionName: .*must not start with http:\/\/ or https:\/\//),
    ]);
  });
});

describe('tag expressions', () => {
  it('one expression per mapping: two kinds together are refused, naming both', () => {
    expect(only(problemsOf(doc(rule('web', undefined, '{ all: [{ tag: a, exists: true }], any: [{ tag: b, exists: true }] }'))))).toEqual([
      'rules[0].match: expected one of all, any, not, tag, got all and any; combine several conditions under all or any',
    ]);
  });

  it('nest 16 combinators deep at most', () => {
    const nest = (n: number) => `${'{ all: ['.repeat(n)}{ tag: a, exists: true }${'] }'.repeat(n)}`;
    expect(parsePolicy(doc(rule('web', undefined, nest(16)))).rules).toHaveLength(1);
    expect(only(problemsOf(doc(rule('web', undefined, nest(17)))))).toEqual([expect.stringMatching(/: expressions nest at most 16 deep$/)]);
  });

  it('a match that is not a mapping', () => {
    expect(only(problemsOf(doc(rule('web', undefined, '5'))))).toEqual(['rules[0].match: expected a mapping with a tag expression (all, any, not or tag), scope and enis, got 5']);
  });

  it('a condition with a tag and no operator', () => {
    expect(only(problemsOf(doc(rule('web', undefined, '{ any: [{ tag: a }] }'))))).toEqual([expect.stringMatching(/^rules\[0\]\.match\.any\[0\]: /)]);
  });
});

describe('across rules', () => {
  it('rules without names are each told so, not that they share a name', () => {
    const text = doc(rule('web').replace('  - name: web\n    match', '  - match') + rule('db', mirror('', '{ min: 2000, max: 2999 }')).replace('  - name: db\n    match', '  - match'));
    expect(only(problemsOf(text))).toEqual(['rules[0].name: required field is missing', 'rules[1].name: required field is missing']);
  });

  it('bands overlap when they share a priority, naming the earlier rule; disjoint bands in any order are fine', () => {
    expect(parsePolicy(doc(rule('db', mirror('', '{ min: 2000, max: 2999 }')) + rule('web', mirror('', '{ min: 1000, max: 1999 }')))).rules).toHaveLength(2);
    expect(only(problemsOf(doc(rule('db', mirror('', '{ min: 1999, max: 2999 }')) + rule('web'))))).toEqual([
      'rules[1].mirror.priority: band 1000–1999 overlaps 1999–2999 of rule "db" (rules[0]); their sessions would compete for the same priorities',
    ]);
  });

  it('a band of one priority overlaps a band holding it; an unnamed earlier rule is named by its index alone', () => {
    expect(only(problemsOf(doc(rule('web') + rule('db', mirror('', '{ min: 1500, max: 1500 }')))))).toEqual([
      'rules[1].mirror.priority: band 1500–1500 overlaps 1000–1999 of rule "web" (rules[0]); their sessions would compete for the same priorities',
    ]);
    const unnamed = rule('web').replace('  - name: web\n    match', '  - match');
    expect(only(problemsOf(doc(unnamed + rule('db'))))).toEqual([
      'rules[0].name: required field is missing',
      'rules[1].mirror.priority: band 1000–1999 overlaps 1000–1999 (rules[0]); their sessions would compete for the same priorities',
    ]);
  });

  it('two rules with the same invalid name are told it is invalid, not that it is taken', () => {
    expect(only(problemsOf(doc(rule('5') + rule('5', mirror('', '{ min: 2000, max: 2999 }')))))).toEqual([
      expect.stringMatching(/^rules\[0\]\.name: expected a rule name/),
      expect.stringMatching(/^rules\[1\]\.name: expected a rule name/),
    ]);
  });

  it('an unreadable band is reported once, not as an overlap', () => {
    expect(only(problemsOf(doc(rule('web') + rule('db', mirror('', '{ min: 1500, max: 1200 }')))))).toEqual([expect.stringMatching(/^rules\[1\]\.mirror\.priority/)]);
    expect(only(problemsOf(doc(rule('web') + rule('db', mirror('', '{ min: 0, max: 1500 }')))))).toEqual([expect.stringMatching(/^rules\[1\]\.mirror\.priority\.min/)]);
    expect(only(problemsOf(doc(`${rule('web')}  - name: db\n    match: { tag: a, exists: true }\n`)))).toEqual(['rules[1].mirror: required field is missing']);
    expect(only(problemsOf(doc(`${rule('web')}  - name: db\n    match: { tag: a, exists: true }\n    mirror: 5\n`)))).toEqual([expect.stringMatching(/^rules\[1\]\.mirror: expected a mapping/)]);
  });
});
