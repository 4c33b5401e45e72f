import { describe, expect, it } from 'vitest';
import { PolicyError, parsePolicy } from '../../shared/policy/load.js';
import { problemsOf } from './fixtures.js';

// Line numbers in the expectations below refer to this document.
const BASE = `version: 1
optOut: { tag: automirror, value: "off" }
quotas: { sourcesPerSession: 10 }
rules:
  - name: web
    match:
      tag: env
      equals: prod
    mirror:
      target: { slb: lb-a }
      filter: tmf-a
      priority: { min: 1000, max: 1999 }
`;

function refusalOf(text: string): PolicyError {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (err) {
    if (err instanceof PolicyError) return err;
    throw err;
  }
  throw new Error('the policy was accepted');
}

/** BASE with one piece of text replaced; the replacement must apply. */
function mutate(from: string, to: string): string {
  expect(BASE).toContain(from);
  return BASE.replace(from, to);
}

describe('a valid policy', () => {
  it('is accepted as YAML', () => {
    expect(parsePolicy(BASE).rules.map((r) => r.name)).toEqual(['web']);
  });

  it('is accepted as JSON, with the same meaning', () => {
    const json = JSON.stringify(
      {
        version: 1,
        optOut: { tag: 'automirror', value: 'off' },
        quotas: { sourcesPerSession: 10 },
        rules: [{ name: 'web', match: { tag: 'env', equals: 'prod' }, mirror: { target: { slb: 'lb-a' }, filter: 'tmf-a', priority: { min: 1000, max: 1999 } } }],
      },
      null,
      2,
    );
    expect(parsePolicy(json, 'p.json')).toEqual(parsePolicy(BASE));
  });

  it('reports JSON problems at their line too', () => {
    const json =
      '{\n  "version": 1,\n  "rules": [\n    { "name": "web", "match": { "tag": "env", "equals": 7 },\n      "mirror": { "target": { "slb": "lb-a" }, "filter": "tmf-a", "priority": { "min": 1, "max": 2 } } }\n  ]\n}\n';
    expect(problemsOf(json, 'p.json')).toEqual(['p.json:4:47 rules[0].match.equals: expected a tag value, got 7 (quote it, "7", if it is meant as text)']);
  });

  it('takes the default quota, and a raised one', () => {
    expect(parsePolicy(mutate('quotas: { sourcesPerSession: 10 }\n', '')).quotas).toEqual({ sourcesPerSession: 10 });
    const raised = parsePolicy(mutate('quotas: { sourcesPerSession: 10 }', 'quotas: { sourcesPerSession: 20 }').replace('      priority:', '      layout: { pooled: 20 }\n      priority:'));
    expect(raised.rules[0].spec.layout).toEqual({ kind: 'pooled', maxSources: 20 });
  });

  it('takes YAML anchors and aliases in moderation', () => {
    const shared = `version: 1
x-collector: &collector { slb: lb-a }
rules: []
`;
    // Unknown top-level fields are refused, so anchors live where they are used.
    expect(problemsOf(shared)).toContain('p.yaml:2:1 ["x-collector"]: unknown field; expected one of version, rules, optOut, quotas, approvedTargets, unapproved, lifecycleHooks, cost');
    const ok = `version: 1
rules:
  - name: a
    match: { tag: a, exists: true }
    mirror: { target: &collector { slb: lb-a }, filter: tmf-a, priority: { min: 1, max: 9 } }
  - name: b
    match: { tag: b, exists: true }
    mirror: { target: *collector, filter: tmf-a, priority: { min: 10, max: 19 } }
`;
    expect(parsePolicy(ok).rules.map((r) => r.spec.targets[0].target.id)).toEqual(['lb-a', 'lb-a']);
  });
});

describe('every validation error names file, line, column, field, what was expected and what was found', () => {
  it.each([
    ['version', 'version: 1', 'version: 2', 'p.yaml:1:1 version: expected 1, got 2'],
    ['unknown top-level field', 'quotas:', 'quota:', 'p.yaml:3:1 quota: unknown field; expected one of version, rules, optOut, quotas, approvedTargets, unapproved, lifecycleHooks, cost'],
    [
      'rules missing',
      'rules:\n',
      'rulez:\n',
      ['p.yaml:1:1 rules: required field is missing', 'p.yaml:4:1 rulez: unknown field; expected one of version, rules, optOut, quotas, approvedTargets, unapproved, lifecycleHooks, cost'],
    ],
    [
      'opt-out tag missing',
      '{ tag: automirror, value: "off" }',
      '{ key: automirror }',
      ['p.yaml:2:1 optOut.tag: required field is missing', 'p.yaml:2:11 optOut.key: unknown field; expected one of tag, value, allowedPrincipals, protected'],
    ],
    ['opt-out value not text', 'value: "off"', 'value: 0', 'p.yaml:2:28 optOut.value: expected a tag value, got 0 (quote it, "0", if it is meant as text)'],
    ['quota too small', 'sourcesPerSession: 10', 'sourcesPerSession: 0', 'p.yaml:3:11 quotas.sourcesPerSession: expected an integer 1–500, got 0'],
    [
      'rule name charset',
      'name: web',
      'name: web app',
      'p.yaml:5:5 rules[0].name: expected a rule name (letters, digits, ".", "_", "-"; starting with a letter or digit; not starting with "aliyun"), got "web app"',
    ],
    [
      'rule name reserved prefix',
      'name: web',
      'name: Aliyun-web',
      'p.yaml:5:5 rules[0].name: expected a rule name (letters, digits, ".", "_", "-"; starting with a letter or digit; not starting with "aliyun"), got "Aliyun-web"',
    ],
    [
      'rule name too long',
      'name: web',
      `name: ${'w'.repeat(129)}`,
      'p.yaml:5:5 rules[0].name: expected a rule name (letters, digits, ".", "_", "-"; starting with a letter or digit; not starting with "aliyun") of 1–128 characters, got 129',
    ],
    ['rule field unknown', '    match:', '    matchTags: { mirror: "on" }\n    match:', 'p.yaml:6:5 rules[0].matchTags: unknown field; expected one of name, match, mirror, expires'],
    [
      'match empty',
      'match:\n      tag: env\n      equals: prod',
      'match: {}',
      'p.yaml:6:5 rules[0].match: expected a tag expression (all, any, not or tag), a scope or temporary: a rule never matches every ENI by default',
    ],
    ['condition without operator', '      equals: prod\n', '', 'p.yaml:6:5 rules[0].match: expected exactly one of exists, equals, in, prefix, got none'],
    ['condition with two operators', 'equals: prod', 'equals: prod\n      prefix: pr', 'p.yaml:6:5 rules[0].match: expected exactly one of exists, equals, in, prefix, got equals and prefix'],
    [
      'operator misspelt',
      'equals: prod',
      'equal: prod',
      [
        'p.yaml:6:5 rules[0].match: expected exactly one of exists, equals, in, prefix, got none',
        'p.yaml:8:7 rules[0].match.equal: unknown field; expected tag, exists, equals, in, prefix, scope, enis, temporary',
      ],
    ],
    [
      'several kinds at once',
      '      tag: env\n      equals: prod',
      '      all: [{ tag: env, equals: prod }]\n      any: [{ tag: env, equals: dev }]',
      'p.yaml:6:5 rules[0].match: expected one of all, any, not, tag, got all and any; combine several conditions under all or any',
    ],
    ['empty all', '      tag: env\n      equals: prod', '      all: []', 'p.yaml:7:7 rules[0].match.all: expected a non-empty list, got an empty list'],
    ['in not a list', 'equals: prod', 'in: prod', 'p.yaml:8:7 rules[0].match.in: expected a non-empty list, got "prod"'],
    ['in item not text', 'equals: prod', 'in: [prod, 2]', 'p.yaml:8:18 rules[0].match.in[1]: expected a tag value, got 2 (quote it, "2", if it is meant as text)'],
    ['exists not a boolean', 'equals: prod', 'exists: "yes"', 'p.yaml:8:7 rules[0].match.exists: expected true or false, got "yes"'],
    ['prefix empty', 'equals: prod', 'prefix: ""', 'p.yaml:8:7 rules[0].match.prefix: expected a tag value prefix of 1–128 characters, got 0'],
    ['tag key too long', 'tag: env', `tag: ${'k'.repeat(129)}`, 'p.yaml:7:7 rules[0].match.tag: expected a tag key of 1–128 characters, got 129'],
    ['tag value too long', 'equals: prod', `equals: ${'v'.repeat(129)}`, 'p.yaml:8:7 rules[0].match.equals: expected a tag value of 0–128 characters, got 129'],
    [
      'not of a list',
      '      tag: env\n      equals: prod',
      '      not: [{ tag: env, equals: prod }]',
      'p.yaml:7:7 rules[0].match.not: expected a tag condition {tag, exists|equals|in|prefix} or all, any, not; got a list',
    ],
    [
      'scope dimension unknown',
      'equals: prod',
      'equals: prod\n      scope: { region: [cn-hangzhou] }',
      'p.yaml:9:16 rules[0].match.scope.region: unknown field; expected one of regions, vpcs, vSwitches, zones, instanceTypeFamilies',
    ],
    ['scope not a list', 'equals: prod', 'equals: prod\n      scope: { vpcs: vpc-a }', 'p.yaml:9:16 rules[0].match.scope.vpcs: expected a non-empty list, got "vpc-a"'],
    ['scope VPC id', 'equals: prod', 'equals: prod\n      scope: { vpcs: [vsw-a] }', 'p.yaml:9:23 rules[0].match.scope.vpcs[0]: expected a VPC id like vpc-…, got "vsw-a"'],
    ['scope vSwitch id', 'equals: prod', 'equals: prod\n      scope: { vSwitches: [vpc-a] }', 'p.yaml:9:28 rules[0].match.scope.vSwitches[0]: expected a vSwitch id like vsw-…, got "vpc-a"'],
    ['scope region id', 'equals: prod', 'equals: prod\n      scope: { regions: [Hangzhou] }', 'p.yaml:9:26 rules[0].match.scope.regions[0]: expected a region id like cn-hangzhou, got "Hangzhou"'],
    [
      'scope zone id',
      'equals: prod',
      'equals: prod\n      scope: { zones: ["cn hangzhou h"] }',
      'p.yaml:9:24 rules[0].match.scope.zones[0]: expected a zone id like cn-hangzhou-h, got "cn hangzhou h"',
    ],
    [
      'scope family, not type',
      'equals: prod',
      'equals: prod\n      scope: { instanceTypeFamilies: [ecs.g7.large] }',
      'p.yaml:9:39 rules[0].match.scope.instanceTypeFamilies[0]: expected an instance type family like ecs.g7 (not a full type like ecs.g7.large), got "ecs.g7.large"',
    ],
    [
      'scope empty, alone',
      'match:\n      tag: env\n      equals: prod',
      'match: { scope: {} }',
      'p.yaml:6:14 rules[0].match.scope: expected at least one of regions, vpcs, vSwitches, zones, instanceTypeFamilies: an empty scope would match every ENI',
    ],
    ['enis', 'equals: prod', 'equals: prod\n      enis: secondary', 'p.yaml:9:7 rules[0].match.enis: expected primary or all, got "secondary"'],
    ['filter missing', '      filter: tmf-a\n', '', 'p.yaml:9:5 rules[0].mirror.filter: required field is missing'],
    [
      'filter renamed',
      'filter: tmf-a',
      'filterId: tmf-a',
      [
        'p.yaml:9:5 rules[0].mirror.filter: required field is missing',
        'p.yaml:11:7 rules[0].mirror.filterId: unknown field; expected one of filter, priority, target, pool, vni, packetLength, enabled, sessionName, layout',
      ],
    ],
    ['filter id', 'filter: tmf-a', 'filter: tmf_a', 'p.yaml:11:7 rules[0].mirror.filter: expected a traffic mirror filter id like tmf-…, got "tmf_a"'],
    ['neither target nor pool', '      target: { slb: lb-a }\n', '', 'p.yaml:9:5 rules[0].mirror: expected exactly one of target, pool, got none'],
    ['target and pool', 'target: { slb: lb-a }', 'target: { slb: lb-a }\n      pool: [{ slb: lb-b }]', 'p.yaml:9:5 rules[0].mirror: expected exactly one of target, pool, got target and pool'],
    ['target slb and eni', '{ slb: lb-a }', '{ slb: lb-a, eni: eni-a }', 'p.yaml:10:7 rules[0].mirror.target: expected exactly one of slb, eni, got slb and eni'],
    ['target SLB id', '{ slb: lb-a }', '{ slb: slb-a }', 'p.yaml:10:17 rules[0].mirror.target.slb: expected an internal CLB id like lb-…, got "slb-a"'],
    ['target ENI id', '{ slb: lb-a }', '{ eni: i-a }', 'p.yaml:10:17 rules[0].mirror.target.eni: expected an ENI id like eni-…, got "i-a"'],
    ['SLB capacity above 500', '{ slb: lb-a }', '{ slb: lb-a, capacity: 501 }', 'p.yaml:10:28 rules[0].mirror.target.capacity: expected an integer 1–500, got 501'],
    ['ENI capacity above 200', '{ slb: lb-a }', '{ eni: eni-a, capacity: 201 }', 'p.yaml:10:29 rules[0].mirror.target.capacity: expected an integer 1–200, got 201'],
    ['zone on a single target', '{ slb: lb-a }', '{ slb: lb-a, zone: cn-hangzhou-h }', 'p.yaml:10:28 rules[0].mirror.target.zone: unknown field; expected one of slb, eni, capacity'],
    ['pool empty', 'target: { slb: lb-a }', 'pool: []', 'p.yaml:10:7 rules[0].mirror.pool: expected a non-empty list, got an empty list'],
    ['pool target twice', 'target: { slb: lb-a }', 'pool: [{ slb: lb-a }, { slb: lb-a, zone: cn-hangzhou-i }]', 'p.yaml:10:29 rules[0].mirror.pool[1]: lb-a is already in the pool at [0]'],
    ['pool zone id', 'target: { slb: lb-a }', 'pool: [{ slb: lb-a, zone: h }]', 'p.yaml:10:27 rules[0].mirror.pool[0].zone: expected a zone id like cn-hangzhou-h, got "h"'],
    ['VNI negative', 'filter: tmf-a', 'filter: tmf-a\n      vni: -1', 'p.yaml:12:7 rules[0].mirror.vni: expected an integer 0–16777215 or per-rule, got -1'],
    ['VNI above 24 bits', 'filter: tmf-a', 'filter: tmf-a\n      vni: 16777216', 'p.yaml:12:7 rules[0].mirror.vni: expected an integer 0–16777215 or per-rule, got 16777216'],
    ['VNI keyword', 'filter: tmf-a', 'filter: tmf-a\n      vni: auto', 'p.yaml:12:7 rules[0].mirror.vni: expected an integer 0–16777215 or per-rule, got "auto"'],
    ['packet length below 64', 'filter: tmf-a', 'filter: tmf-a\n      packetLength: 63', 'p.yaml:12:7 rules[0].mirror.packetLength: expected an integer 64–8500, got 63'],
    ['packet length above 8500', 'filter: tmf-a', 'filter: tmf-a\n      packetLength: 9000', 'p.yaml:12:7 rules[0].mirror.packetLength: expected an integer 64–8500, got 9000'],
    ['enabled', 'filter: tmf-a', 'filter: tmf-a\n      enabled: "yes"', 'p.yaml:12:7 rules[0].mirror.enabled: expected true or false, got "yes"'],
    ['priority above range', 'max: 1999', 'max: 40000', 'p.yaml:12:30 rules[0].mirror.priority.max: expected an integer 1–32766, got 40000'],
    ['priority zero', 'min: 1000', 'min: 0', 'p.yaml:12:19 rules[0].mirror.priority.min: expected an integer 1–32766, got 0'],
    ['priority not integer', 'min: 1000', 'min: 10.5', 'p.yaml:12:19 rules[0].mirror.priority.min: expected an integer 1–32766, got 10.5'],
    ['priority inverted', '{ min: 1000, max: 1999 }', '{ min: 1999, max: 1000 }', 'p.yaml:12:7 rules[0].mirror.priority: expected min ≤ max, got 1999–1000'],
    ['priority max missing', '{ min: 1000, max: 1999 }', '{ min: 1000 }', 'p.yaml:12:7 rules[0].mirror.priority.max: required field is missing'],
    ['layout word', 'filter: tmf-a', 'filter: tmf-a\n      layout: pooled', 'p.yaml:12:7 rules[0].mirror.layout: expected per-eni or {pooled: N}, got "pooled"'],
    [
      'layout above the quota',
      'filter: tmf-a',
      'filter: tmf-a\n      layout: { pooled: 11 }',
      "p.yaml:12:17 rules[0].mirror.layout.pooled: expected an integer 1–10 (the sources-per-session quota; declare quotas.sourcesPerSession if the account's was raised), got 11",
    ],
    [
      'layout zero',
      'filter: tmf-a',
      'filter: tmf-a\n      layout: { pooled: 0 }',
      "p.yaml:12:17 rules[0].mirror.layout.pooled: expected an integer 1–10 (the sources-per-session quota; declare quotas.sourcesPerSession if the account's was raised), got 0",
    ],
    [
      'session name unknown token',
      'filter: tmf-a',
      'filter: tmf-a\n      sessionName: "am-{rule}-{eniId}"',
      'p.yaml:12:7 rules[0].mirror.sessionName: unknown token {eniId}; expected {rule}, {eni}, {instance}, {zone}, {index}',
    ],
    ['session name unbalanced', 'filter: tmf-a', 'filter: tmf-a\n      sessionName: "am-{rule"', 'p.yaml:12:7 rules[0].mirror.sessionName: unbalanced "{" or "}"'],
    ['session name URL', 'filter: tmf-a', 'filter: tmf-a\n      sessionName: "HTTPS://{rule}"', 'p.yaml:12:7 rules[0].mirror.sessionName: a session name must not start with http:// or https://'],
    [
      'session name too long once rendered',
      'filter: tmf-a',
      `filter: tmf-a\n      sessionName: "${'x'.repeat(100)}-{eni}-{instance}"`,
      'p.yaml:12:7 rules[0].mirror.sessionName: rendered names can reach 148 characters; the cloud allows 128',
    ],
    [
      'session name index without pooling',
      'filter: tmf-a',
      'filter: tmf-a\n      sessionName: "am-{rule}-{index}"',
      'p.yaml:12:7 rules[0].mirror.sessionName: {index} numbers pooled sessions but this rule makes one session per ENI',
    ],
    [
      'session name ENI in a pooled session',
      'filter: tmf-a',
      'filter: tmf-a\n      layout: { pooled: 5 }\n      sessionName: "am-{eni}"',
      'p.yaml:13:7 rules[0].mirror.sessionName: {eni} names one ENI but a pooled session mirrors several',
    ],
    [
      'session name control character',
      'filter: tmf-a',
      'filter: tmf-a\n      sessionName: "am-\\u0007{rule}"',
      'p.yaml:12:7 rules[0].mirror.sessionName: expected a session name template without control or invisible characters, got "am-\\u0007{rule}" (U+0007 at character 4)',
    ],
    ['duplicate key', 'filter: tmf-a', 'filter: tmf-a\n      filter: tmf-b', expect.stringMatching(/^p\.yaml:12:7 Map keys must be unique/)],
  ])('%s', (_, from, to, expected) => {
    // Exactly these problems: a mistake is reported once, not echoed by the checks that depend on it.
    expect(problemsOf(mutate(from, to))).toEqual(Array.isArray(expected) ? expected : [expected]);
  });

  it('reports YAML syntax errors at their position, before any schema check', () => {
    const problems = problemsOf(mutate('      tag: env\n', '      tag: env\n     bad: indent\n'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((x) => /^p\.yaml:\d+:\d+ /.test(x))).toBe(true);
    expect(problems[0]).toMatch(/^p\.yaml:8:/);
  });
});

describe('cost', () => {
  const priced = (cost: string) => `${BASE}cost:\n${cost}`;

  it('takes a currency and prices per region', () => {
    const policy = parsePolicy(priced('  currency: USD\n  pricePerSourceHour: { cn-hangzhou: 0.014, cn-shanghai: 0 }\n'));
    expect(policy.cost).toEqual({ currency: 'USD', pricePerSourceHour: { 'cn-hangzhou': 0.014, 'cn-shanghai': 0 } });
  });

  it('is absent unless given', () => {
    expect(parsePolicy(BASE).cost).toBeUndefined();
  });

  it.each([
    ['a negative price', '-0.1', '-0.1'],
    ['a price as text', '"0.1"', '"0.1"'],
    ['an infinite price', '.inf', 'Infinity'],
    ['a price that is no number', '.nan', 'NaN'],
  ])('refuses %s with one error', (_, price, got) => {
    const at = 'p.yaml:15:25 cost.pricePerSourceHour["cn-hangzhou"]';
    expect(problemsOf(priced(`  currency: USD\n  pricePerSourceHour: { cn-hangzhou: ${price} }\n`))).toEqual([`${at}: expected a price per source-hour from 0 to 10000, got ${got}`]);
  });

  const currency = 'expected a 3-letter ISO 4217 currency code in capitals like USD or CNY';
  it.each([
    ['a region that is no region id', 'USD', '{ Hangzhou: 0.1 }', 'p.yaml:15:25 cost.pricePerSourceHour.Hangzhou: expected a region id like cn-hangzhou as the key, got "Hangzhou"'],
    ['no region', 'USD', '{}', 'p.yaml:15:3 cost.pricePerSourceHour: expected a mapping of region ids to prices, like { cn-hangzhou: 0.1 }, got an empty mapping'],
    ['a currency in lower case', 'usd', '{ cn-hangzhou: 0.1 }', `p.yaml:14:3 cost.currency: ${currency}, got "usd"`],
    ['a currency symbol', '$', '{ cn-hangzhou: 0.1 }', `p.yaml:14:3 cost.currency: ${currency}, got "$"`],
  ])('refuses %s with one error', (_, code, prices, expected) => {
    expect(problemsOf(priced(`  currency: ${code}\n  pricePerSourceHour: ${prices}\n`))).toEqual([expected]);
  });

  it('refuses a missing currency and an unknown field', () => {
    expect(problemsOf(priced('  pricePerSourceHour: { cn-hangzhou: 0.1 }\n'))).toEqual(['p.yaml:13:1 cost.currency: required field is missing']);
    expect(problemsOf(priced('  currency: USD\n  pricePerSourceHour: { cn-hangzhou: 0.1 }\n  pricePerGB: 0.05\n'))).toEqual([
      'p.yaml:16:3 cost.pricePerGB: unknown field; expected one of currency, pricePerSourceHour',
    ]);
  });
});

describe('across rules', () => {
  const two = (second: string) => `${BASE}  - name: db
    match: { tag: app, equals: db }
    mirror:
      target: { slb: lb-b }
      filter: tmf-a
${second}`;

  it('refuses a name used twice, pointing at the second', () => {
    expect(problemsOf(two('      priority: { min: 2000, max: 2999 }\n').replace('name: db', 'name: web'))).toEqual(['p.yaml:13:5 rules[1].name: "web" is already the name of rules[0]']);
  });

  it.each([
    ['inside', '{ min: 1500, max: 1600 }', '1500–1600'],
    ['straddling the top', '{ min: 1999, max: 2999 }', '1999–2999'],
    ['straddling the bottom', '{ min: 1, max: 1000 }', '1–1000'],
    ['containing', '{ min: 1, max: 32766 }', '1–32766'],
  ])('refuses priority bands that overlap (%s)', (_, band, shown) => {
    expect(problemsOf(two(`      priority: ${band}\n`))).toEqual([
      `p.yaml:18:7 rules[1].mirror.priority: band ${shown} overlaps 1000–1999 of rule "web" (rules[0]); their sessions would compete for the same priorities`,
    ]);
  });

  it('accepts bands that only touch', () => {
    expect(parsePolicy(two('      priority: { min: 2000, max: 2999 }\n')).rules).toHaveLength(2);
  });

  it('lists every problem of the document in one refusal, in file order, cross-rule ones included', () => {
    const broken = two('      priority: { min: 1500, max: 40000 }\n      vni: -3\n').replace('version: 1', 'version: 3').replace('equals: prod', 'equals: 8080').replace('name: db', 'name: web');
    let refusal: unknown;
    try {
      parsePolicy(broken, 'policy.yaml');
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(PolicyError);
    const { problems, message, source } = refusal as PolicyError;
    expect(source).toBe('policy.yaml');
    expect(problems).toEqual([
      'policy.yaml:1:1 version: expected 1, got 3',
      'policy.yaml:8:7 rules[0].match.equals: expected a tag value, got 8080 (quote it, "8080", if it is meant as text)',
      'policy.yaml:13:5 rules[1].name: "web" is already the name of rules[0]',
      'policy.yaml:18:30 rules[1].mirror.priority.max: expected an integer 1–32766, got 40000',
      'policy.yaml:19:7 rules[1].mirror.vni: expected an integer 0–16777215 or per-rule, got -3',
    ]);
    expect(message).toBe(`invalid policy policy.yaml:\n  ${problems.join('\n  ')}`);
  });
});

describe('hostile documents', () => {
  it('refuses a document above the size limit without parsing it', () => {
    const huge = `${BASE}# ${'x'.repeat(300 * 1024)}\n`;
    expect(problemsOf(huge)).toEqual([`p.yaml:1:1 the document is ${Buffer.byteLength(huge)} bytes; a policy may be at most 262144`]);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const started = Date.now();
    const problems = problemsOf(`${levels.join('\n')}\n`);
    expect(problems).toEqual([expect.stringMatching(/^p\.yaml:1:1 Excessive alias count indicates a resource exhaustion attack; refused$/)]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not let __proto__ keys pollute or slip through', () => {
    const doc = `version: 1
__proto__: { polluted: true }
rules:
  - name: web
    match: { tag: env, equals: prod, __proto__: { exists: true } }
    mirror: { target: { slb: lb-a }, filter: tmf-a, priority: { min: 1, max: 2 }, constructor: x }
`;
    expect(problemsOf(doc)).toEqual([
      'p.yaml:2:1 ["__proto__"]: unknown field; expected one of version, rules, optOut, quotas, approvedTargets, unapproved, lifecycleHooks, cost',
      'p.yaml:5:38 rules[0].match["__proto__"]: unknown field; expected tag, exists, equals, in, prefix, scope, enis, temporary',
      'p.yaml:6:83 rules[0].mirror.constructor: unknown field; expected one of filter, priority, target, pool, vni, packetLength, enabled, sessionName, layout',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it.each([
    ['a bell in a tag key', 'tag: env', 'tag: "en\\u0007v"', 'p.yaml:7:7 rules[0].match.tag: expected a tag key without control or invisible characters, got "en\\u0007v" (U+0007 at character 3)'],
    [
      'a newline in a tag value',
      'equals: prod',
      'equals: "prod\\nrm -rf"',
      'p.yaml:8:7 rules[0].match.equals: expected a tag value without control or invisible characters, got "prod\\nrm -rf" (U+000A at character 5)',
    ],
    [
      'a bidi override in a tag value',
      'equals: prod',
      'equals: "prod\\u202e"',
      'p.yaml:8:7 rules[0].match.equals: expected a tag value without control or invisible characters, got "prod\u202e" (U+202E at character 5)',
    ],
    ...[
      ['a zero-width space', '200b', 'o\u200bn', 2],
      ['a zero-width non-joiner', '200c', 'o\u200cn', 2],
      ['a left-to-right mark', '200e', 'on\u200e', 3],
      ['a right-to-left mark', '200f', '\u200fon', 1],
      ['a word joiner', '2060', 'o\u2060n', 2],
      ['an invisible plus', '2064', 'o\u2064n', 2],
      ['a byte order mark', 'feff', '\ufeffon', 1],
      ['a soft hyphen', '00ad', 'o\u00adn', 2],
      ['an Arabic letter mark', '061c', 'o\u061cn', 2],
      ['a tag character', 'e0001', 'o\u{e0001}n', 2],
    ].map(([name, hex, value, at]) => [
      `${name} in a tag value (equals)`,
      'equals: prod',
      `equals: "${String(value).replace(/[^\x20-\x7e]/gu, (c) => ((c.codePointAt(0) as number) > 0xffff ? `\\U${(c.codePointAt(0) as number).toString(16).padStart(8, '0')}` : `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`))}"`,
      `p.yaml:8:7 rules[0].match.equals: expected a tag value without control or invisible characters, got ${JSON.stringify(value)} (U+${String(hex).toUpperCase().padStart(4, '0')} at character ${at})`,
    ]),
    [
      'a zero-width space in a tag key',
      'tag: env',
      'tag: "e\\u200bnv"',
      'p.yaml:7:7 rules[0].match.tag: expected a tag key without control or invisible characters, got "e\u200bnv" (U+200B at character 2)',
    ],
    [
      'a NUL in a rule name',
      'name: web',
      'name: "web\\0"',
      'p.yaml:5:5 rules[0].name: expected a rule name (letters, digits, ".", "_", "-"; starting with a letter or digit; not starting with "aliyun") without control or invisible characters, got "web\\u0000" (U+0000 at character 4)',
    ],
  ])('refuses control and invisible characters: %s', (_, from, to, expected) => {
    expect(problemsOf(mutate(from, to))).toEqual([expected]);
  });

  it('keeps messages short when keys and values are huge', () => {
    // YAML itself caps implicit keys at 1024 characters; values have no such cap.
    const problems = problemsOf(mutate('tag: env', `tag: ${'k'.repeat(10_000)}\n      ${'u'.repeat(1000)}: 1`));
    expect(problems).toEqual([
      'p.yaml:7:7 rules[0].match.tag: expected a tag key of 1–128 characters, got 10000',
      `p.yaml:8:7 rules[0].match["${'u'.repeat(40)}… (1000 characters)"]: unknown field; expected tag, exists, equals, in, prefix, scope, enis, temporary`,
    ]);
    expect(Math.max(...problems.map((x) => x.length))).toBeLessThan(200);
  });

  it('lists at most 200 problems, and says how many more there were', () => {
    const rules = Array.from(
      { length: 300 },
      (_, i) => `  - { name: "bad name ${i}", match: { tag: a, exists: true }, mirror: { target: { slb: lb-a }, filter: tmf-a, priority: { min: ${i + 1}, max: ${i + 1} } } }`,
    );
    const problems = problemsOf(`version: 1\nrules:\n${rules.join('\n')}\n`);
    expect(problems).toHaveLength(201);
    expect(problems[0]).toMatch(/^p\.yaml:3:7 rules\[0\]\.name: expected a rule name/);
    expect(problems[200]).toBe('… and 100 more problems');
  });

  it('a 200 KB policy with 18,000 mistakes: the first 200 listed, the rest counted', () => {
    const fields = Array.from({ length: 18_000 }, (_, i) => `    k${i}: 1`).join('\n');
    const err = refusalOf(`version: 1\nrules:\n  - name: web\n${fields}\n`);
    expect(err.problems).toHaveLength(201);
    expect(err.problems[0]).toBe('p.yaml:4:5 rules[0].k0: unknown field; expected one of name, match, mirror, expires');
    // 18,000 unknown fields and the two required ones missing.
    expect(err.count).toBe(18_002);
    expect(err.problems[200]).toBe(`… and ${18_002 - 200} more problems`);
  });

  it('a mapping of 18,000 repeated keys (quadratic in the YAML parser itself) is refused with the first 200 listed', () => {
    const err = refusalOf(`version: 1\nrules:\n  - name: web\n${'    k: 1\n'.repeat(18_000)}`);
    expect(err.problems.slice(0, 2)).toEqual(['p.yaml:5:5 Map keys must be unique', 'p.yaml:6:5 Map keys must be unique']);
    expect(err.count).toBe(17_999);
    expect(err.problems[200]).toBe('… and 17799 more problems');
  });

  it('bounds how deep expressions nest', () => {
    const nested = (n: number) => mutate('match:\n      tag: env\n      equals: prod', `match: ${'{ not: '.repeat(n)}{ tag: a, exists: true }${' }'.repeat(n)}`);
    expect(parsePolicy(nested(16)).rules).toHaveLength(1);
    expect(problemsOf(nested(17))).toEqual(['p.yaml:6:126 rules[0].match.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not: expressions nest at most 16 deep']);
  });

  it('refuses nesting deep enough to exhaust the parser, as problems rather than a crash', () => {
    const problems = problemsOf(`version: 1\nrules: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((x) => /^p\.yaml:\d+:\d+ /.test(x))).toBe(true);
  });

  it.each([
    ['a language-specific tag', 'filter: tmf-a', 'filter: !!js/function "tmf-a"', /^p\.yaml:11:15 Unresolved tag/],
    ['a second document', 'rules:', '---\nrules:', /^p\.yaml:4:1 Source contains multiple documents/],
  ])('refuses %s', (_, from, to, expected) => {
    expect(problemsOf(mutate(from, to))).toEqual([expect.stringMatching(expected)]);
  });

  it('refuses an empty document and a scalar one', () => {
    expect(problemsOf('')).toEqual(['p.yaml:1:1 (document): expected a mapping with version, rules, optOut, quotas, approvedTargets, unapproved, lifecycleHooks, cost, got null']);
    expect(problemsOf('"version: 1"')).toEqual(['p.yaml:1:1 (document): expected a mapping with version, rules, optOut, quotas, approvedTargets, unapproved, lifecycleHooks, cost, got "version: 1"']);
  });
});
