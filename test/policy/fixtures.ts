import type { Eni, Instance } from '../../shared/domain.js';
import { PolicyError, parsePolicy } from '../../shared/policy/load.js';
import type { Policy } from '../../shared/policy/types.js';

export const eni = (over: Partial<Eni> = {}): Eni => ({
  id: 'eni-a',
  regionId: 'cn-hangzhou',
  instanceId: 'i-a',
  primary: true,
  status: 'InUse',
  vpcId: 'vpc-a',
  vSwitchId: 'vsw-a',
  zoneId: 'cn-hangzhou-h',
  serviceManaged: false,
  tags: {},
  ...over,
});

export const instance = (over: Partial<Instance> = {}): Instance => ({
  id: 'i-a',
  regionId: 'cn-hangzhou',
  instanceType: 'ecs.g7.large',
  status: 'Running',
  vpcId: 'vpc-a',
  vSwitchId: 'vsw-a',
  zoneId: 'cn-hangzhou-h',
  tags: {},
  ...over,
});

/** A mirror block for rule `i`: its own band, so several rules can share a policy. */
export const mirrorYaml = (i = 0, extra = '') => `    mirror:\n      target: { slb: lb-c${i} }\n      filter: tmf-all\n      priority: { min: ${1000 + i * 1000}, max: ${1999 + i * 1000} }\n${extra}`;

/** A policy of the given rules, each `{name, match}` in YAML flow or block text; mirror blocks are filled in. */
export function policyOf(rules: Array<{ name: string; match: string; mirror?: string }>, head = 'version: 1\noptOut: { tag: automirror, value: "off" }\n'): Policy {
  const body = rules.map((r, i) => `  - name: ${r.name}\n    match: ${r.match}\n${r.mirror ?? mirrorYaml(i)}`).join('');
  return parsePolicy(`${head}rules:\n${body}`, 'test.yaml');
}

/** The problems a document is refused with; fails the test if it is accepted. */
export function problemsOf(text: string, source = 'p.yaml'): string[] {
  try {
    parsePolicy(text, source);
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('the policy was accepted');
}
