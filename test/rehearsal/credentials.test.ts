import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_SYAML } from '../../localcloud/platform/serve.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { offending, type Rehearsal, startRehearsal } from './harness.js';

// Credentials as a real user has them, each case with nothing in the environment but what it names (the
// rehearsal's env() adds only PATH, HOME, the network preload and the CA): the CLI runs without --endpoint, so it
// builds the public endpoint names itself, over TLS, to a cloud that checks every key (and STS token) it signs with.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
// Each case starts one or two CLI processes (a few seconds each on a loaded machine).
const world = JSON.parse(readFileSync(join(ROOT, 'worlds/default.json'), 'utf8')) as WorldFile;
/** A user's keys (a RAM user's), and STS keys as `aliyun sts AssumeRole` hands them out. */
const USER = { accessKeyId: 'LTAI-rehearsal-user', accessKeySecret: 'rehearsal-user-secret' };
const STS = { accessKeyId: 'STS.rehearsal-user', accessKeySecret: 'rehearsal-sts-secret', securityToken: 'rehearsal-sts-token' };
/** A key the cloud does not know: a case signing with it would fail, so reaching past it proves which source won. */
const WRONG = { accessKeyId: 'LTAI-not-this-one', accessKeySecret: 'wrong' };
world.accessKeys.push(USER, STS);

let r: Rehearsal;
beforeAll(async () => {
  r = await startRehearsal({ world, platform: { sYaml: REPO_SYAML } });
}, 60_000);
afterAll(() => r?.close());

const ini = (profiles: Record<string, { accessKeyId: string; accessKeySecret: string }>) =>
  Object.entries(profiles)
    .map(([name, k]) => `[${name}]\ntype = access_key\naccess_key_id = ${k.accessKeyId}\naccess_key_secret = ${k.accessKeySecret}\n`)
    .join('\n');

/** A home directory of its own per case, with only the files the case names. */
function homeWith(files: Record<string, string>): string {
  const home = mkdtempSync(join(r.home, 'case-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(home, path, '..'), { recursive: true });
    writeFileSync(join(home, path), text);
  }
  return home;
}

interface Case {
  name: string;
  /** What the environment holds beyond the rehearsal's own variables. */
  env: Record<string, string>;
  files?: Record<string, string>;
  flags?: string[];
  /** The key the cloud must see every call signed with. */
  key: string;
  /**
   * `report` (ECS, VPC, SLB: many calls at once through one credential) for every case; `setup` (MNS and FC 3.0,
   * which take the keys differently) where the source's kind of key is new. Each CLI start costs seconds.
   */
  setup?: boolean;
}

const CASES: Case[] = [
  { name: 'environment keys', env: { ALIBABA_CLOUD_ACCESS_KEY_ID: USER.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: USER.accessKeySecret }, key: USER.accessKeyId, setup: true },
  {
    name: 'environment STS keys with their token',
    env: { ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret, ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken },
    key: STS.accessKeyId,
    setup: true,
  },
  { name: '~/.alibabacloud/credentials [default]', env: {}, files: { '.alibabacloud/credentials': ini({ default: USER }) }, key: USER.accessKeyId, setup: true },
  {
    name: '~/.alibabacloud/credentials profile named by ALIBABA_CLOUD_PROFILE',
    env: { ALIBABA_CLOUD_PROFILE: 'ops' },
    files: { '.alibabacloud/credentials': ini({ default: WRONG, ops: USER }) },
    key: USER.accessKeyId,
  },
  {
    name: '~/.alibabacloud/credentials profile named by --profile',
    env: {},
    files: { '.alibabacloud/credentials': ini({ default: WRONG, ops: USER }) },
    flags: ['--profile', 'ops'],
    key: USER.accessKeyId,
  },
  {
    name: "the aliyun CLI's ~/.aliyun/config.json current profile (mode AK)",
    env: {},
    files: {
      '.aliyun/config.json': JSON.stringify({
        current: 'work',
        profiles: [
          { name: 'default', mode: 'AK', access_key_id: WRONG.accessKeyId, access_key_secret: WRONG.accessKeySecret, region_id: 'cn-hangzhou' },
          { name: 'work', mode: 'AK', access_key_id: USER.accessKeyId, access_key_secret: USER.accessKeySecret, region_id: 'cn-hangzhou' },
        ],
      }),
      '.alibabacloud/credentials': ini({ default: WRONG }),
    },
    key: USER.accessKeyId,
  },
  {
    name: 'an aliyun CLI StsToken profile named by --profile',
    env: {},
    files: {
      '.aliyun/config.json': JSON.stringify({
        current: 'default',
        profiles: [
          { name: 'default', mode: 'AK', access_key_id: WRONG.accessKeyId, access_key_secret: WRONG.accessKeySecret, region_id: 'cn-hangzhou' },
          { name: 'sts', mode: 'StsToken', access_key_id: STS.accessKeyId, access_key_secret: STS.accessKeySecret, sts_token: STS.securityToken, region_id: 'cn-hangzhou' },
        ],
      }),
    },
    flags: ['--profile', 'sts'],
    key: STS.accessKeyId,
    setup: true,
  },
];

async function cli(c: Case, home: string, args: string[]) {
  const env = r.env({ ...c.env, HOME: home });
  try {
    const { stdout } = await run(process.execPath, ['bin/automirror.mjs', ...args, ...(c.flags ?? [])], { cwd: ROOT, env });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('every credential source, through the CLI as a user runs it against the public endpoints', () => {
  it.each(CASES)(
    '$name: exit 0, every call signed with its key',
    async (c) => {
      const home = homeWith(c.files ?? {});
      const since = r.cloud.controls.calls.list().at(-1)?.seq ?? 0;
      const [report, setup] = await Promise.all([
        cli(c, home, ['report', '--region', r.region, '--out', join(home, 'report')]),
        c.setup ? cli(c, home, ['setup', '--region', r.region, '--account-id', r.accountId]) : undefined,
      ]);
      expect(report, report.stderr).toMatchObject({ code: 0, stderr: '' });
      expect(report.stdout).toMatch(/wrote .*report\.json/);
      if (setup) {
        expect(setup, setup.stderr).toMatchObject({ code: 0, stderr: '' });
        expect(setup.stdout).toMatch(/trigger automirror-events on automirror-on-event/);
      }
      const signers = new Set(r.cloud.controls.calls.list({ since }).map((x) => x.accessKeyId));
      expect(signers).toEqual(new Set([c.key]));
    },
    90_000,
  );

  it('made every connection over TLS to a public *.aliyuncs.com name on 443, and localcloud saw only those names', () => {
    const conns = r.connections();
    expect(conns.length).toBeGreaterThan(0);
    expect(offending(conns)).toEqual([]);
    const hosts = new Set(r.requests().map((x) => `${x.tls ? 'https' : 'http'}://${x.host}`));
    // The documented endpoints: ECS, VPC and SLB regional, MNS, FC 3.0 and EventBridge under the account.
    expect([...hosts].sort()).toEqual(
      [
        `ecs.${r.region}.aliyuncs.com`,
        `vpc.${r.region}.aliyuncs.com`,
        `slb.${r.region}.aliyuncs.com`,
        `${r.accountId}.mns.${r.region}.aliyuncs.com`,
        `${r.accountId}.${r.region}.fc.aliyuncs.com`,
        `${r.accountId}.eventbridge.${r.region}.aliyuncs.com`,
      ]
        .map((h) => `https://${h}`)
        .sort(),
    );
  });
});
