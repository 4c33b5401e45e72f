import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { invokeOnCloud, sampleEvent } from '../support/invoke.js';
import { withCloud } from '../support/localcloud.js';

// The account is part of the unit of work: an event from an account this deployment has no way into (shared/cloud's
// cloudForAccount) is terminal for that unit alone, and nothing is read or written anywhere for it.

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await withCloud();
});
afterAll(() => cloud.close());

const fromAccount = (accountId: string, id: string) => {
  const e = JSON.parse(sampleEvent('ecs-instance-running.json').toString('utf8'));
  return { ...e, id, aliyunaccountid: accountId, subject: `acs.ecs:cn-hangzhou:${accountId}:instance/i-web01` };
};

describe('units of work per account', () => {
  it("an event from another account is dropped as terminal with its reason, and the cloud isn't touched", async () => {
    const before = cloud.controls.calls.list().length;
    const out = (await invokeOnCloud(cloud, 'on-event', fromAccount('9999999999999999', 'evt-other'))) as { results: Array<Record<string, unknown>> };
    expect(out.results).toEqual([expect.objectContaining({ accountId: '9999999999999999', result: 'terminal' })]);
    expect(JSON.stringify(out.results[0])).toContain('account 9999999999999999 is not served by this deployment');
    expect(cloud.controls.calls.list().length).toBe(before);
  });

  it("the deployment's own account in the same batch is still reconciled", async () => {
    const out = (await invokeOnCloud(cloud, 'on-event', [fromAccount('9999999999999999', 'evt-a'), fromAccount(cloud.state.accountId, 'evt-b')])) as {
      results: Array<{ accountId: string; result: string; created?: unknown[] }>;
    };
    const byAccount = new Map(out.results.map((r) => [r.accountId, r]));
    expect(byAccount.get('9999999999999999')?.result).toBe('terminal');
    expect(byAccount.get(cloud.state.accountId)?.result).toBe('done');
    expect(byAccount.get(cloud.state.accountId)?.created).toHaveLength(2);
  });
});
