import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { explainCommand } from '../../cli/commands/explain.js';
import { Failure } from '../../cli/failure.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { DEMO_KEY } from '../support/localcloud.js';
import { ACCOUNT, eniId, instanceId, REGION, startCloud, worldSession } from './cloud.js';

/** `automirror explain` against localcloud: the policy's trace, the sessions on the ENI, the dry-run plan. */

let cloud: LocalCloud;
const policyFile = join(tmpdir(), `automirror-explain-${process.pid}.yaml`);
writeFileSync(
  policyFile,
  ['version: 1', 'rules:', '  - name: web', '    match: { tag: mirror, equals: "on" }', '    mirror: { target: { slb: lb-a }, filter: tmf-allipv4, priority: { min: 1000, max: 1999 } }'].join('\n'),
);

beforeEach(async () => {
  vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', DEMO_KEY.accessKeyId);
  vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', DEMO_KEY.accessKeySecret);
  // Ownership proofs bind the account: the CLI verifies them in the one it is told.
  vi.stubEnv('ALIBABA_CLOUD_ACCOUNT_ID', ACCOUNT);
  cloud = await startCloud({ instances: 2, sessions: [worldSession('tms-theirs', [eniId(0)], 7, null), worldSession('tms-mine', [eniId(1)], 1500)] });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await cloud.close();
});

async function explain(id: string): Promise<string> {
  const printed: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => printed.push(String(s)) > 0);
  expect(await explainCommand([id, '--region', REGION, '--policy', policyFile, '--endpoint', cloud.endpoint])).toBe(0);
  vi.restoreAllMocks();
  return printed.join('');
}

describe('automirror explain', () => {
  it('says which rule mirrors an ENI, lists the sessions on it and what the engine would do, writing nothing', async () => {
    const text = await explain(instanceId(0));
    expect(text).toContain(`${eniId(0)}  (primary, InUse, cn-hangzhou-h, instance ${instanceId(0)})`);
    expect(text).toContain('policy: mirrored by rule web');
    expect(text).toContain('tags seen: mirror=on (instance)');
    expect(text).toContain('sessions on it: 1 of 3');
    expect(text).toContain('tms-theirs  not owned by automirror (never modified), priority 7');
    expect(text).toMatch(/create \(SLB:lb-a, priority \d+ or the next free one in 1000–1999\): rule web opts eni-t0000p in/);
    expect(cloud.controls.calls.list().filter((c) => !/^(Describe|List)/.test(c.action))).toEqual([]);
  });

  it('says when an ENI is as the policy wants', async () => {
    const text = await explain(eniId(1));
    expect(text).toContain('tms-mine  rule web, priority 1500');
    expect(text).toContain('the engine would do nothing: it is as the policy wants');
  });

  it('fails (exit 1 from main) saying the ENI does not exist, printing nothing', async () => {
    const printed = vi.spyOn(process.stdout, 'write');
    await expect(explainCommand(['eni-missing', '--region', REGION, '--policy', policyFile, '--endpoint', cloud.endpoint])).rejects.toThrow(
      new Failure(`eni-missing does not exist in ${REGION}`, 'NotFound'),
    );
    expect(printed).not.toHaveBeenCalled();
  });

  it('says an ENI whose rule names a CLB that is gone is left unmirrored, and why, as the event path decides', async () => {
    const gone = join(tmpdir(), `automirror-explain-gone-${process.pid}.yaml`);
    writeFileSync(gone, readFileSync(policyFile, 'utf8').replace('lb-a', 'lb-released'));
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => printed.push(String(s)) > 0);
    expect(await explainCommand([eniId(1), '--region', REGION, '--policy', gone, '--endpoint', cloud.endpoint])).toBe(0);
    vi.restoreAllMocks();
    const text = printed.join('');
    expect(text).toContain('policy: mirrored by rule web');
    expect(text).toContain("leave it unmirrored: rule web's target SLB:lb-released no longer exists in the region");
    expect(text).not.toMatch(/create /);
  });
});
