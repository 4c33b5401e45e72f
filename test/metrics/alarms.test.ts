import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupCommand } from '../../cli/commands/setup.js';
import { teardownCommand } from '../../cli/commands/teardown.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { REPO_SYAML } from '../../localcloud/platform/serve.js';
import { DEMO_KEY, defaultWorld } from '../support/localcloud.js';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ world: defaultWorld(), platform: { sYaml: REPO_SYAML, secondMs: 20 } });
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_KEY.accessKeyId;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_KEY.accessKeySecret;
});
afterAll(() => cloud?.close());

async function cli(cmd: (argv: string[]) => Promise<number>, ...extra: string[]) {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const code = await cmd(['--region', 'cn-hangzhou', '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint, ...extra]);
    return { code, out: lines.join('') };
  } finally {
    spy.mockRestore();
  }
}

const IDS = ['automirror-coverage', 'automirror-dead-letters', 'automirror-no-reconcile', 'automirror-collector-capacity'];
const cmsWrites = () => cloud.controls.calls.list().filter((c) => c.action === 'PutResourceMetricRule' || c.action === 'DeleteMetricRules').length;

describe('automirror setup --alarms and teardown --alarms', () => {
  it('creates the four alarm rules on the account’s custom metrics; a second run changes nothing', async () => {
    const first = await cli(setupCommand, '--alarms', '--contact-group', 'netops');
    expect(first.code).toBe(0);
    for (const id of IDS) expect(first.out).toMatch(new RegExp(`created\\s+alarm ${id} `));
    expect([...cloud.cms.rules.keys()].sort()).toEqual([...IDS].sort());
    const ns = `acs_customMetric_${cloud.state.accountId}`;
    expect(cloud.cms.rules.get('automirror-coverage')).toMatchObject({
      namespace: ns,
      metricName: 'automirror_coverage_percent',
      contactGroups: 'netops',
      resources: JSON.stringify([{ userId: cloud.state.accountId }]),
      escalations: { Critical: { comparisonOperator: 'LessThanThreshold', threshold: '95', statistics: 'Minimum', times: 1 } },
    });
    expect(cloud.cms.rules.get('automirror-dead-letters')?.escalations.Critical).toMatchObject({ comparisonOperator: 'GreaterThanThreshold', threshold: '0' });
    expect(cloud.cms.rules.get('automirror-no-reconcile')).toMatchObject({ metricName: 'automirror_reconciles', period: 7200, noDataPolicy: 'INSUFFICIENT_DATA' });
    expect(cloud.cms.rules.get('automirror-collector-capacity')?.escalations.Critical).toMatchObject({ comparisonOperator: 'GreaterThanThreshold', threshold: '80' });

    const writes = cmsWrites();
    const again = await cli(setupCommand, '--alarms', '--contact-group', 'netops');
    for (const id of IDS) expect(again.out).toMatch(new RegExp(`unchanged\\s+alarm ${id} `));
    expect(cmsWrites()).toBe(writes);
  });

  it('updates only the rule whose threshold changed', async () => {
    const r = await cli(setupCommand, '--alarms', '--contact-group', 'netops', '--coverage-threshold', '99.5');
    expect(r.out).toMatch(/updated\s+alarm automirror-coverage \(automirror: coverage below 99\.5 %\)/);
    expect(r.out).toMatch(/unchanged\s+alarm automirror-dead-letters/);
    expect(cloud.cms.rules.get('automirror-coverage')?.escalations.Critical?.threshold).toBe('99.5');
  });

  it('refuses a bad threshold or contact group with one clear error, changing nothing', async () => {
    const writes = cmsWrites();
    const before = JSON.stringify([...cloud.cms.rules.values()]);
    await expect(cli(setupCommand, '--alarms', '--contact-group', 'netops', '--coverage-threshold=-5')).rejects.toThrow(/--coverage-threshold must be a percentage from 0 to 100/);
    await expect(cli(setupCommand, '--alarms', '--contact-group', 'netops', '--collector-threshold', '101')).rejects.toThrow(/--collector-threshold must be a percentage/);
    await expect(cli(setupCommand, '--alarms', '--contact-group', 'ops"\u001b[31m')).rejects.toThrow(/--contact-group must name a CloudMonitor alert contact group/);
    await expect(cli(setupCommand, '--alarms')).rejects.toThrow(/--alarms needs --contact-group/);
    expect(cmsWrites()).toBe(writes);
    expect(JSON.stringify([...cloud.cms.rules.values()])).toBe(before);
  });

  it('teardown --alarms deletes automirror’s rules and no other', async () => {
    cloud.cms.rules.set('someone-elses', { ...cloud.cms.rules.get('automirror-coverage')!, ruleId: 'someone-elses' });
    const r = await cli(teardownCommand, '--alarms');
    expect(r.code).toBe(0);
    for (const id of IDS) expect(r.out).toMatch(new RegExp(`deleted\\s+alarm ${id}`));
    expect([...cloud.cms.rules.keys()]).toEqual(['someone-elses']);
    expect((await cli(teardownCommand, '--alarms')).out).toMatch(/absent\s+alarm automirror-coverage/);
  });
});
