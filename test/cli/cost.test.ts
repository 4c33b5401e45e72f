import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { parseReport } from '../../shared/report/json.js';
import { ACCOUNT, eniId, worldSession } from '../engine/cloud.js';
import { POLICY } from '../reconcile/app.js';
import { regionWorld } from '../reconcile/support.js';
import { automirror } from '../support/cli.js';
import { DEMO_KEY } from '../support/localcloud.js';

/** The cost `plan` and `report` show, through bin/automirror.mjs against localcloud. */

const ENV = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret };
const PRICED = `${POLICY}\ncost:\n  currency: USD\n  pricePerSourceHour: { cn-hangzhou: 0.014 }\n`;
const DB_RULE = ['  - name: db', '    match: { tag: tier, equals: db }', '    mirror:', '      target: { slb: lb-a }', '      filter: tmf-allipv4', '      priority: { min: 2000, max: 2999 }'].join(
  '\n',
);
/** PRICED with a second rule, for the instance that rule web does not select. */
const WITH_DB = PRICED.replace('cost:\n', `${DB_RULE}\ncost:\n`);

let cloud: LocalCloud;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'automirror-cost-'));
  // eni 0 mirrored by rule web; instance 1 is not opted in by web, but is a db.
  cloud = await startLocalCloud({
    world: regionWorld({ instances: 2, sessions: [worldSession('tms-w0', [eniId(0)], 1000)], instance: (i) => (i === 1 ? { tags: { mirror: 'off', tier: 'db' } } : {}) }),
  });
});
afterEach(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (policy: string, ...args: string[]) => {
  writeFileSync(join(dir, 'policy.yaml'), policy);
  return automirror([...args, '--region', 'cn-hangzhou', '--endpoint', cloud.endpoint, '--account-id', ACCOUNT, '--policy', join(dir, 'policy.yaml')], { env: ENV, cwd: dir });
};
const lastLine = (stdout: string) => stdout.trimEnd().split('\n').at(-1);

describe('automirror plan', () => {
  it('shows the cost change of adding a rule: sources before and after, source-hours and money a month', async () => {
    const same = await cli(PRICED, 'plan');
    expect([same.code, lastLine(same.stdout)]).toEqual([0, 'Cost: 1 → 1 sources, 0 source-hours/month, 0.00 USD/month']);
    const added = await cli(WITH_DB, 'plan');
    expect(added.stdout).toContain('Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 ENIs still unmirrored');
    expect([added.code, lastLine(added.stdout)]).toEqual([0, 'Cost: 1 → 2 sources, +730 source-hours/month, +10.22 USD/month']);
  }, 90_000);

  it('without a price, shows hours only and says none is shipped', async () => {
    const r = await cli(`${POLICY}\n${DB_RULE}\n`, 'plan');
    expect(lastLine(r.stdout)).toBe('Cost: 1 → 2 sources, +730 source-hours/month (no price for cn-hangzhou: set cost.pricePerSourceHour in the policy; none is shipped)');
  }, 90_000);
});

describe('automirror report', () => {
  const report = async (policy: string) => {
    const r = await cli(policy, 'report', '--out', join(dir, 'out'));
    expect([r.code, r.stderr]).toEqual([0, '']);
    const md = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
    return { json: parseReport(readFileSync(join(dir, 'out', 'report.json'), 'utf8')), cost: md.slice(md.indexOf('### Cost'), md.indexOf('###', md.indexOf('### Cost') + 1)) };
  };

  it("shows the source-hours automirror maintains and their cost at the policy's price", async () => {
    const { json, cost } = await report(PRICED);
    expect(json.cost?.account).toEqual({ sessions: 1, sessionHoursPerMonth: 730, sources: 1, sourceHoursPerMonth: 730, monthlyCost: 10.22, unpricedRegions: [] });
    expect(json.policy.cost).toEqual({ currency: 'USD', pricePerSourceHour: { 'cn-hangzhou': 0.014 } });
    expect(cost).toContain("estimated 10.22 USD a month at the policy's prices");
    expect(cost).toContain('| web | cn-hangzhou | 1 | 730 | 1 | 730 | 10.22 USD |');
  }, 90_000);

  it('shows hours only without a price, and why none is shipped', async () => {
    const { json, cost } = await report(POLICY);
    expect(json.cost?.account).toEqual({ sessions: 1, sessionHoursPerMonth: 730, sources: 1, sourceHoursPerMonth: 730, unpricedRegions: ['cn-hangzhou'] });
    expect(cost).toContain('No price is configured');
    expect(cost).toContain('| web | cn-hangzhou | 1 | 730 | 1 | 730 | — |');
  }, 90_000);
});
