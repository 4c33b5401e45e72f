import { describe, expect, it } from 'vitest';
import type { Eni, Instance } from '../../shared/domain.js';
import { compilePolicy, evaluate, explainEni } from '../../shared/policy/evaluate.js';
import { loadPolicyFile, parsePolicy } from '../../shared/policy/load.js';
import { perRuleVni } from '../../shared/policy/vni.js';
import { eni, instance, mirrorYaml, policyOf } from './fixtures.js';

const ruleOf = (d: ReturnType<typeof evaluate>) => ('spec' in d ? d.spec.rule : undefined);
const reasonOf = (d: ReturnType<typeof evaluate>) => ('excluded' in d ? d.excluded : undefined);

describe('scope', () => {
  const scoped = (scope: string) => policyOf([{ name: 's', match: `{ tag: mirror, equals: "on", scope: ${scope} }` }]);
  const tagged = { mirror: 'on' };
  it.each<[string, string, Partial<Eni>, Partial<Instance>, string | undefined, boolean]>([
    ['region in', '{ regions: [cn-hangzhou, cn-shanghai] }', {}, {}, undefined, true],
    ['region out', '{ regions: [cn-shanghai] }', {}, {}, undefined, false],
    ['region given by the caller wins over the ENI record', '{ regions: [cn-shanghai] }', {}, {}, 'cn-shanghai', true],
    ['VPC in', '{ vpcs: [vpc-a] }', {}, {}, undefined, true],
    ['VPC out', '{ vpcs: [vpc-b] }', {}, {}, undefined, false],
    ['vSwitch in', '{ vSwitches: [vsw-a, vsw-b] }', {}, {}, undefined, true],
    ['vSwitch out', '{ vSwitches: [vsw-b] }', {}, {}, undefined, false],
    ['zone in', '{ zones: [cn-hangzhou-h] }', {}, {}, undefined, true],
    ['zone out', '{ zones: [cn-hangzhou-i] }', {}, {}, undefined, false],
    ['zone is the ENI’s', '{ zones: [cn-hangzhou-i] }', { zoneId: 'cn-hangzhou-i' }, { zoneId: 'cn-hangzhou-h' }, undefined, true],
    ['instance type family in', '{ instanceTypeFamilies: [ecs.g7, ecs.c7] }', {}, { instanceType: 'ecs.g7.2xlarge' }, undefined, true],
    ['instance type family out', '{ instanceTypeFamilies: [ecs.g7] }', {}, { instanceType: 'ecs.g7ne.large' }, undefined, false],
    ['every dimension must hold', '{ vpcs: [vpc-a], zones: [cn-hangzhou-i] }', {}, {}, undefined, false],
  ])('%s', (_, scope, eniOver, instOver, regionId, expected) => {
    const d = evaluate(scoped(scope), eni({ tags: tagged, ...eniOver }), instance(instOver), regionId);
    expect('spec' in d).toBe(expected);
  });

  it('says which dimension left the ENI out', () => {
    const d = evaluate(scoped('{ vpcs: [vpc-a], zones: [cn-hangzhou-i, cn-hangzhou-j] }'), eni({ tags: tagged }), instance());
    expect(reasonOf(d)).toBe('rule s: needs zone in [cn-hangzhou-i, cn-hangzhou-j], found cn-hangzhou-h');
  });

  it('selects by scope alone when a rule has no tag expression', () => {
    const p = policyOf([{ name: 'vpc-a-all', match: '{ scope: { vpcs: [vpc-a] } }' }]);
    expect(ruleOf(evaluate(p, eni(), instance()))).toBe('vpc-a-all');
    expect(reasonOf(evaluate(p, eni({ vpcId: 'vpc-b' }), instance()))).toBe('no rule matches: vpc-a-all needs VPC in [vpc-a], found vpc-b');
  });
});

describe('which ENIs of an instance', () => {
  const p = (enis: string) => policyOf([{ name: 'web', match: `{ tag: app, equals: web, enis: ${enis} }` }]);
  const web = instance({ tags: { app: 'web' } });
  it.each([
    ['primary', true, 'web'],
    ['primary', false, undefined],
    ['all', true, 'web'],
    ['all', false, 'web'],
  ])('enis: %s, primary ENI %s', (enis, primary, rule) => {
    expect(ruleOf(evaluate(p(enis), eni({ primary }), web))).toBe(rule);
  });

  it('names the rule and the reason when only the ENI choice failed', () => {
    expect(reasonOf(evaluate(p('primary'), eni({ primary: false }), web))).toBe('rule web: not the primary ENI');
  });
});

describe('rule order', () => {
  const p = policyOf([
    { name: 'pci', match: '{ tag: pci, exists: true }' },
    { name: 'prod', match: '{ tag: env, equals: prod }' },
    { name: 'everything-tagged', match: '{ tag: mirror, equals: "on" }' },
  ]);
  it.each([
    [{ pci: 'y', env: 'prod', mirror: 'on' }, 'pci'],
    [{ env: 'prod', mirror: 'on' }, 'prod'],
    [{ mirror: 'on' }, 'everything-tagged'],
  ])('the first matching rule decides: %j → %s', (tags, rule) => {
    const d = evaluate(p, eni({ tags }), instance());
    expect(ruleOf(d)).toBe(rule);
    expect('spec' in d && d.spec.priorityBand.min).toBe(1000 + 1000 * p.rules.findIndex((r) => r.name === rule));
  });

  it('lists what each rule needs when none matches', () => {
    expect(reasonOf(evaluate(p, eni({ tags: { env: 'dev' } }), instance()))).toBe(
      'no rule matches: pci needs tag pci, found no tag pci; prod needs env=prod, found env=dev; everything-tagged needs mirror=on, found no tag mirror',
    );
  });

  it('names only the first rules, and counts the rest', () => {
    const many = policyOf(['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, match: `{ tag: ${name}, exists: true }` })));
    expect(reasonOf(evaluate(many, eni(), instance()))).toMatch(/^no rule matches: a needs tag a, found no tag a; b .*; c .*; and 2 more rules$/);
  });

  it('gives the example reason of the brief', () => {
    const web = policyOf([{ name: 'web', match: '{ tag: env, in: [prod, staging] }' }]);
    expect(reasonOf(evaluate(web, eni(), instance({ tags: { env: 'dev' } })))).toBe('no rule matches: web needs env in [prod, staging], found env=dev');
  });
});

describe('exclusions no rule overrides', () => {
  const p = policyOf([{ name: 'all-tagged', match: '{ tag: mirror, equals: "on" }' }]);
  const on = { mirror: 'on' };
  it.each<[string, Partial<Eni>, Partial<Instance> | undefined, string]>([
    ['opt-out on the ENI', { tags: { ...on, automirror: 'off' } }, {}, 'opt-out tag automirror=off on the ENI'],
    ['opt-out on the instance', { tags: on }, { tags: { automirror: 'off' } }, 'opt-out tag automirror=off on the instance'],
    ['opt-out on the instance, even when the ENI says otherwise', { tags: { ...on, automirror: 'on' } }, { tags: { automirror: 'off' } }, 'opt-out tag automirror=off on the instance'],
    ['service-managed ENI', { tags: on, serviceManaged: true }, {}, 'service-managed ENI: the cloud does not allow it as a mirror source'],
  ])('%s', (_, eniOver, instOver, reason) => {
    expect(reasonOf(evaluate(p, eni(eniOver), instOver && instance(instOver)))).toBe(reason);
  });

  it('takes an opt-out tag with another value as no opt-out', () => {
    expect(ruleOf(evaluate(p, eni({ tags: { ...on, automirror: 'on' } }), instance()))).toBe('all-tagged');
  });

  it('takes any value of the opt-out tag when the policy names no value', () => {
    const anyValue = policyOf([{ name: 'r', match: '{ tag: mirror, equals: "on" }' }], 'version: 1\noptOut: { tag: no-mirror }\n');
    expect(reasonOf(evaluate(anyValue, eni({ tags: { ...on, 'no-mirror': '' } }), instance()))).toBe('opt-out tag no-mirror="" on the ENI');
  });

  it('never makes an ENI that is a mirror target a source', () => {
    const toEni = policyOf([{ name: 'to-eni', match: '{ tag: mirror, equals: "on" }', mirror: mirrorYaml(0).replace('{ slb: lb-c0 }', '{ eni: eni-collector }') }]);
    const d = evaluate(toEni, eni({ id: 'eni-collector', tags: on }), instance());
    expect(reasonOf(d)).toBe('eni-collector is a mirror target of rule to-eni; an ENI cannot be both source and target');
    expect(ruleOf(evaluate(toEni, eni({ tags: on }), instance()))).toBe('to-eni');
  });
});

describe('ENIs without a known instance', () => {
  it('are evaluated on their own tags', () => {
    const p = policyOf([{ name: 'r', match: '{ tag: mirror, equals: "on" }' }]);
    expect(ruleOf(evaluate(p, eni({ instanceId: undefined, primary: false, tags: { mirror: 'on' } }), undefined))).toBe('r');
    expect(ruleOf(evaluate(p, eni({ tags: { mirror: 'on' } }), undefined))).toBe('r');
    expect(ruleOf(evaluate(p, eni(), undefined))).toBeUndefined();
  });

  it('fail an instance type family scope, saying why', () => {
    const p = policyOf([{ name: 'g7', match: '{ tag: mirror, equals: "on", scope: { instanceTypeFamilies: [ecs.g7] } }' }]);
    expect(reasonOf(evaluate(p, eni({ tags: { mirror: 'on' } }), undefined))).toBe('rule g7: needs instance type family in [ecs.g7], found no known instance');
  });
});

describe('the mirror spec', () => {
  it('fills in the defaults', () => {
    const d = evaluate(policyOf([{ name: 'r', match: '{ tag: a, exists: true }' }]), eni({ tags: { a: '' } }), instance());
    expect('spec' in d && d.spec).toEqual({
      rule: 'r',
      targets: [{ target: { kind: 'SLB', id: 'lb-c0' }, capacity: 500 }],
      filterId: 'tmf-all',
      vni: undefined,
      packetLength: 1500,
      enabled: true,
      priorityBand: { min: 1000, max: 1999 },
      sessionName: undefined,
      layout: { kind: 'per-eni' },
    });
  });

  it('carries a pool with capacities and zone affinity, and every other field as written', () => {
    const mirror = `    mirror:
      pool:
        - { slb: lb-a, zone: cn-hangzhou-h, capacity: 200 }
        - { slb: lb-b, zone: cn-hangzhou-i }
        - { eni: eni-t }
        - { eni: eni-u, capacity: 150 }
      filter: tmf-web
      vni: 4242
      packetLength: 8500
      enabled: false
      priority: { min: 10, max: 20 }
      sessionName: "am-{rule}-{zone}-{index}"
      layout: { pooled: 8 }
`;
    const d = evaluate(policyOf([{ name: 'r', match: '{ tag: a, exists: true }', mirror }]), eni({ tags: { a: '' } }), instance());
    expect('spec' in d && d.spec).toEqual({
      rule: 'r',
      targets: [
        { target: { kind: 'SLB', id: 'lb-a' }, capacity: 200, zoneId: 'cn-hangzhou-h' },
        { target: { kind: 'SLB', id: 'lb-b' }, capacity: 500, zoneId: 'cn-hangzhou-i' },
        { target: { kind: 'NetworkInterface', id: 'eni-t' }, capacity: 20 },
        { target: { kind: 'NetworkInterface', id: 'eni-u' }, capacity: 150 },
      ],
      filterId: 'tmf-web',
      vni: 4242,
      packetLength: 8500,
      enabled: false,
      priorityBand: { min: 10, max: 20 },
      sessionName: 'am-{rule}-{zone}-{index}',
      layout: { kind: 'pooled', maxSources: 8 },
    });
  });

  it('derives a per-rule VNI from the rule name alone: the same number every time, another for another rule', () => {
    const perRule = (name: string) => {
      const p = policyOf([{ name, match: '{ tag: a, exists: true }', mirror: mirrorYaml(0, '      vni: per-rule\n') }]);
      const d = evaluate(p, eni({ tags: { a: '' } }), instance());
      return 'spec' in d ? d.spec.vni : undefined;
    };
    // Fixed values (first 24 bits of sha256sum of the name): a change would silently re-number every collector's VNIs.
    expect(perRule('prod-web')).toBe(perRuleVni('prod-web'));
    expect(perRuleVni('prod-web')).toBe(8_015_429);
    expect(perRuleVni('mirror-tagged')).toBe(12_550_469);
    expect(perRule('prod-web')).toBe(perRule('prod-web'));
    expect(perRule('prod-db')).not.toBe(perRule('prod-web'));
  });
});

describe('explainEni', () => {
  const p = policyOf([
    { name: 'pci', match: '{ tag: pci, exists: true }' },
    { name: 'web', match: '{ tag: app, equals: web, enis: primary }' },
    { name: 'tagged', match: '{ tag: mirror, equals: "on" }' },
    { name: 'fallback', match: '{ tag: app, exists: true }' },
  ]);

  it('traces every rule: the first failing condition, the deciding match, the shadowed ones', () => {
    const x = explainEni(p, eni({ primary: false, tags: { mirror: 'on' } }), instance({ tags: { app: 'web', mirror: 'off' } }));
    expect(ruleOf(x.decision)).toBe('tagged');
    expect(x.rules).toEqual([
      { rule: 'pci', matched: false, detail: 'needs tag pci, found no tag pci' },
      { rule: 'web', matched: false, detail: 'not the primary ENI' },
      { rule: 'tagged', matched: true, detail: 'matches: the first rule that does, so it decides' },
      { rule: 'fallback', matched: true, detail: 'matches, but rule tagged comes first' },
    ]);
    expect(x.tags).toEqual([
      { key: 'app', value: 'web', from: 'instance' },
      { key: 'mirror', value: 'on', from: 'ENI' },
    ]);
  });

  it('says that a matching rule lost to an exclusion', () => {
    const x = explainEni(p, eni({ tags: { mirror: 'on', automirror: 'off' } }), instance());
    expect(x.decision).toMatchObject({ eniId: 'eni-a', excluded: 'opt-out tag automirror=off on the ENI', optOut: { on: 'ENI', resourceId: 'eni-a', status: 'honoured' } });
    expect(x.rules[2]).toEqual({ rule: 'tagged', matched: true, detail: 'matches, but opt-out tag automirror=off on the ENI' });
  });

  it('agrees with evaluate', () => {
    const cases: Array<[Eni, Instance | undefined]> = [
      [eni({ tags: { pci: '1' } }), instance()],
      [eni({ primary: false }), instance({ tags: { app: 'web' } })],
      [eni(), undefined],
    ];
    for (const [e, i] of cases) expect(explainEni(p, e, i).decision).toEqual(evaluate(p, e, i));
  });
});

describe('the repository policy', () => {
  const repo = loadPolicyFile(new URL('../../policy.yaml', import.meta.url).pathname);
  it('mirrors every ENI of an instance (or an ENI) tagged mirror=on to lb-collector01, band 1000–1999', () => {
    for (const [e, i] of [
      [eni({ primary: false }), instance({ tags: { mirror: 'on' } })],
      [eni({ instanceId: undefined, tags: { mirror: 'on' } }), undefined],
    ] as Array<[Eni, Instance | undefined]>) {
      const d = evaluate(repo, e, i);
      expect('spec' in d && d.spec).toMatchObject({
        rule: 'mirror-tagged',
        targets: [{ target: { kind: 'SLB', id: 'lb-collector01' } }],
        filterId: 'tmf-allipv4',
        priorityBand: { min: 1000, max: 1999 },
      });
    }
  });

  it('lets automirror=off opt out and leaves untagged ENIs alone', () => {
    expect(reasonOf(evaluate(repo, eni(), instance({ tags: { mirror: 'on', automirror: 'off' } })))).toBe('opt-out tag automirror=off on the instance');
    expect(reasonOf(evaluate(repo, eni(), instance({ tags: { app: 'db' } })))).toBe('no rule matches: mirror-tagged needs mirror=on, found no tag mirror');
  });
});

describe('a large fleet', () => {
  // How fast is `npm run bench`'s business (figures against a baseline), not a timed assertion here.
  it('decides 20,000 ENIs under a 40-rule policy, each by the rule its tags match', () => {
    const rules = Array.from({ length: 40 }, (_, i) => ({
      name: `r${i}`,
      match: `{ all: [{ tag: env, in: [prod, staging] }, { tag: team, equals: t${i} }, { not: { tag: pci, exists: true } }], scope: { vpcs: [vpc-a, vpc-b], zones: [cn-hangzhou-h] } }`,
      mirror: `    mirror:\n      target: { slb: lb-c }\n      filter: tmf-all\n      priority: { min: ${1 + i * 100}, max: ${100 + i * 100} }\n`,
    }));
    const p = parsePolicy(`version: 1\noptOut: { tag: automirror, value: "off" }\nrules:\n${rules.map((r) => `  - name: ${r.name}\n    match: ${r.match}\n${r.mirror}`).join('')}`);
    const fleet = Array.from({ length: 20_000 }, (_, n) => [eni({ id: `eni-${n}`, tags: { team: `t${n % 50}` } }), instance({ tags: { env: n % 3 ? 'prod' : 'dev' } })] as const);
    const decisions = fleet.map(([e, i]) => evaluate(p, e, i));
    expect(decisions.filter((d) => 'spec' in d).length).toBe(fleet.filter((_, n) => n % 3 !== 0 && n % 50 < 40).length);
    // Team tN is matched by rule rN: the first match wins, whatever the rules after it say.
    expect(decisions.every((d, n) => !('spec' in d) || d.spec.rule === `r${n % 50}`)).toBe(true);
  });

  it('compiles once per policy object, not per ENI', () => {
    let reads = 0;
    const p = policyOf([{ name: 'r', match: '{ tag: a, exists: true }' }]);
    const watched = new Proxy(p, { get: (t, k, r) => (k === 'rules' && reads++, Reflect.get(t, k, r)) });
    expect(ruleOf(evaluate(watched, eni({ tags: { a: '' } }), undefined))).toBe('r');
    const afterFirst = reads;
    for (let n = 0; n < 100; n++) evaluate(watched, eni({ id: `eni-${n}` }), undefined);
    explainEni(watched, eni(), undefined);
    expect(afterFirst).toBeGreaterThan(0);
    expect(reads).toBe(afterFirst);
    expect(compilePolicy(p).evaluate(eni({ tags: { a: '' } }), undefined)).toEqual(evaluate(p, eni({ tags: { a: '' } }), undefined));
  });
});
