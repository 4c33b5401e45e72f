import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { DEMO_KEY, withCloud } from '../support/localcloud.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await withCloud();
});
afterAll(() => cloud.close());

describe('automirror invoke, through the bin/ launcher as a user runs it', () => {
  it('runs on-event against the endpoint with credentials from the environment and prints its result', async () => {
    const { stdout } = await run(
      process.execPath,
      ['bin/automirror.mjs', 'invoke', 'on-event', '--event', 'events/ecs-instance-running.json', '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint],
      {
        cwd: ROOT,
        env: { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret, AUTOMIRROR_LOG_LEVEL: 'silent' },
      },
    );
    const result = JSON.parse(stdout) as { results: Array<{ created: Array<{ eniId: string }> }> };
    expect(result.results[0].created.map((c) => c.eniId).sort()).toEqual(['eni-web01p', 'eni-web01s']);
    expect(cloud.state.region('cn-hangzhou').sessions.size).toBe(2);
  });

  it('without credentials anywhere (no keys, an empty home, no ECS role) exits 1 naming where it looked, before touching the cloud', async () => {
    const before = cloud.controls.calls.list().length;
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ALIBABA_CLOUD_')));
    const home = mkdtempSync(join(tmpdir(), 'automirror-empty-home-'));
    Object.assign(env, { HOME: home, USERPROFILE: home, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' });
    const err = await run(
      process.execPath,
      ['bin/automirror.mjs', 'invoke', 'on-event', '--event', 'events/ecs-instance-running.json', '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint],
      { cwd: ROOT, env },
    ).catch((e) => e);
    rmSync(home, { recursive: true, force: true });
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/no Alibaba Cloud credentials found \(tried ALIBABA_CLOUD_ACCESS_KEY_ID\/SECRET, .*~\/\.alibabacloud\/credentials/);
    expect(cloud.controls.calls.list().length).toBe(before);
  });
});
