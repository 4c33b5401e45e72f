import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../shared/policy/evaluate.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { eni, instance } from './fixtures.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Policy\n'), readme.indexOf('\n## ', readme.indexOf('## Policy\n') + 1));

describe("README's Policy section", () => {
  it('shows an example that is a valid policy and means what its comments say', () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    const policy = parsePolicy(example ?? '', 'README.md');
    expect(policy.rules.map((r) => r.name)).toEqual(['prod-web', 'mirror-tagged']);
    const web = eni({ zoneId: 'cn-hangzhou-i', vpcId: 'vpc-prod01' });
    const d = evaluate(policy, web, instance({ instanceType: 'ecs.c7.xlarge', tags: { env: 'staging', team: 'web', mirror: 'on' } }));
    expect('spec' in d && d.spec.rule).toBe('prod-web');
    expect(evaluate(policy, { ...web, primary: false }, instance({ tags: { env: 'prod', team: 'web' } }))).toEqual({ eniId: 'eni-a', excluded: 'rule prod-web: not the primary ENI' });
  });

  it('has a row in its field table for every field the schema accepts', () => {
    for (const field of [
      'version',
      'optOut.tag',
      'optOut.allowedPrincipals',
      'optOut.protected',
      'quotas.sourcesPerSession',
      'approvedTargets',
      'lifecycleHooks',
      '`unapproved`',
      'rules[].name',
      'rules[].match',
      'exists:',
      'equals:',
      'in:',
      'prefix:',
      'scope.regions',
      '.vpcs',
      '.vSwitches',
      '.zones',
      'instanceTypeFamilies',
      'match.enis',
      'rules[].expires',
      'match.temporary',
      'mirror.target',
      'mirror.pool[]',
      'capacity',
      'mirror.filter',
      'mirror.vni',
      'mirror.packetLength',
      'mirror.enabled',
      'mirror.priority',
      'mirror.sessionName',
      'mirror.layout',
    ]) {
      expect(section).toMatch(new RegExp(`^\\| [^\\n]*${field.replace(/[.[\]]/g, '\\$&')}`, 'm'));
    }
  });
});
