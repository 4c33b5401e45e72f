import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMessaging } from '../../cli/wiring/queues.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { EcsApi } from '../../shared/cloud/ecs.js';
import type { CloudError } from '../../shared/cloud/errors.js';
import { type MnsConfig, MnsQueue } from '../../shared/cloud/mns.js';
import { VpcMirrorApi } from '../../shared/cloud/vpc.js';
import { DEMO_KEY, defaultWorld, withCloud } from '../support/localcloud.js';

const STS = defaultWorld().accessKeys.find((k) => k.securityToken)!;

// Alibaba's default credential chain with nothing but a profile in ~/.alibabacloud/credentials, as on a laptop.
// @alicloud/credentials reads the home directory when the chain is built (on first use in shared/cloud), and the
// environment's keys when asked, so both are set before any adapter is made, and restored after.
let cloud: LocalCloud;
let home: string;
const saved = { ...process.env };

beforeAll(async () => {
  cloud = await withCloud();
  home = mkdtempSync(join(tmpdir(), 'automirror-home-'));
  mkdirSync(join(home, '.alibabacloud'));
  writeFileSync(join(home, '.alibabacloud', 'credentials'), `[default]\ntype = access_key\naccess_key_id = ${DEMO_KEY.accessKeyId}\naccess_key_secret = ${DEMO_KEY.accessKeySecret}\n`);
  for (const k of Object.keys(process.env)) if (k.startsWith('ALIBABA_CLOUD_')) delete process.env[k];
  process.env.HOME = home;
  process.env.USERPROFILE = home;
});

afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(home, { recursive: true, force: true });
  await cloud?.close();
});

describe('the default credential chain with only ~/.alibabacloud/credentials', () => {
  it("signs every one of many overlapping first calls through ECS, VPC and MNS with the profile's key", async () => {
    // No `credentials`: the adapters take the default chain, as the CLI does on a laptop.
    const cfg: MnsConfig = { regionId: 'cn-hangzhou', endpoint: cloud.endpoint, accountId: cloud.state.accountId, mnsEndpoint: cloud.endpoints.mns };
    const ecs = new EcsApi(cfg);
    const vpc = new VpcMirrorApi(cfg);
    const names = { deferQueue: 'chain-defer', failedQueue: 'chain-failed', reportTopic: 'chain-report' };
    // All started before any has its keys: each client's first getCredential() overlaps the others'.
    const results = await Promise.allSettled([
      ecs.scanInstances(),
      ecs.scanEnis(),
      ecs.enis({ instanceId: 'i-web01' }),
      vpc.list({}),
      vpc.list({ tags: { team: 'nobody' } }),
      ensureMessaging(cfg, names),
      new MnsQueue(cfg, 'missing-queue').receive(1).then(
        () => 'received',
        (e: CloudError) => e.code,
      ),
    ]);
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    expect(failed).toEqual([]);
    // Signed and refused for what it asks, not for who asks.
    expect((results[6] as PromiseFulfilledResult<string>).value).toBe('QueueNotExist');
    const pop = cloud.controls.calls.list();
    expect(pop.length).toBeGreaterThanOrEqual(5);
    expect(new Set(pop.map((c) => c.accessKeyId))).toEqual(new Set([DEMO_KEY.accessKeyId]));
    expect(cloud.mns.queues.has(names.deferQueue)).toBe(true);

    // Later calls (the chain now knows its provider) and MNS round trips still work, again overlapping.
    const q = new MnsQueue(cfg, names.deferQueue);
    const again = await Promise.all([ecs.scanInstances(), vpc.list({}), q.send('one'), q.send('two')]);
    expect(again[0].length).toBeGreaterThan(0);
    expect((await q.receive(10)).map((m) => m.body).sort()).toEqual(['one', 'two']);
  });
});

describe('a named profile (--profile)', () => {
  const cfgOf = (profile: string) => ({ regionId: 'cn-hangzhou', endpoint: cloud.endpoint, profile });

  it('that exists nowhere fails naming the profile and both files; once written, the next call finds it', async () => {
    const ecs = new EcsApi(cfgOf('later'));
    const first = await Promise.allSettled([ecs.scanInstances(), ecs.scanEnis()]);
    for (const r of first) expect(r.status === 'rejected' && (r.reason as Error).message).toMatch(/no credentials for profile "later" in ~\/\.aliyun\/config\.json or ~\/\.alibabacloud\/credentials/);
    appendFileSync(join(home, '.alibabacloud', 'credentials'), `[later]\ntype = access_key\naccess_key_id = ${DEMO_KEY.accessKeyId}\naccess_key_secret = ${DEMO_KEY.accessKeySecret}\n`);
    expect((await ecs.scanInstances()).length).toBeGreaterThan(0);
  });

  it('of the aliyun CLI in StsToken mode signs with the key and its token, the token checked by the cloud', async () => {
    mkdirSync(join(home, '.aliyun'), { recursive: true });
    const profile = (name: string, token: string) => ({ name, mode: 'StsToken', access_key_id: STS.accessKeyId, access_key_secret: STS.accessKeySecret, sts_token: token, region_id: 'cn-hangzhou' });
    writeFileSync(join(home, '.aliyun', 'config.json'), JSON.stringify({ current: 'sts', profiles: [profile('sts', STS.securityToken!), profile('stale', 'not-the-token')] }));
    const since = cloud.controls.calls.list().at(-1)?.seq ?? 0;
    const ok = await Promise.all([new VpcMirrorApi(cfgOf('sts')).list({}), new EcsApi(cfgOf('sts')).scanEnis()]);
    expect(ok[1].length).toBeGreaterThan(0);
    expect(new Set(cloud.controls.calls.list({ since }).map((c) => `${c.accessKeyId} ${c.code}`))).toEqual(new Set([`${STS.accessKeyId} OK`]));
    await expect(new EcsApi(cfgOf('stale')).scanEnis()).rejects.toMatchObject({ code: expect.stringMatching(/^InvalidSecurityToken/) });
  });
});
