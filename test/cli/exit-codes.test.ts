import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES, FAILED, USAGE } from '../../cli/exit-codes.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { automirror, ROOT } from '../support/cli.js';
import { DEMO_KEY, withCloud } from '../support/localcloud.js';

let cloud: LocalCloud;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  cloud = await withCloud();
  env = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret };
});
afterAll(() => cloud?.close());

const explain = (id: string) => ['explain', id, '--region', 'cn-hangzhou', '--policy', 'policy.yaml', '--endpoint', cloud.endpoint];

describe('the exit codes', () => {
  it('are the README table, row for row', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const start = readme.indexOf('### Exit codes\n');
    const section = readme.slice(start, readme.indexOf('\n#', start + 1));
    const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), meaning: m[2].replace(/`/g, '') }));
    expect(rows).toEqual(EXIT_CODES);
  });

  it('--help lists them', async () => {
    const r = await automirror(['--help']);
    for (const e of EXIT_CODES) expect(r.stdout).toContain(`  ${e.code}  ${e.meaning}\n`);
  });

  it('a port out of range is a usage error, exit 2, before anything starts', async () => {
    const r = await automirror(['localcloud', '--world', 'worlds/default.json', '--port', '99999']);
    expect(r.code).toBe(USAGE);
    expect(r.stderr.split('\n')[0]).toBe('automirror localcloud: --port must be 0–65535, got "99999"');
    expect(r.stdout).toBe('');
  });

  it('explain of a resource that does not exist: exit 1, one line saying so', async () => {
    const r = await automirror(explain('i-nope'), { env });
    expect(r).toEqual({ code: FAILED, stdout: '', stderr: 'automirror explain: i-nope does not exist in cn-hangzhou\n' });
  });

  it('an invalid policy: exit 1, a line for each problem (not one line with our newlines defused), problems[] in --json', async () => {
    const bad = `${mkdtempSync(join(tmpdir(), 'automirror-bad-'))}/bad.yaml`;
    writeFileSync(bad, 'rules:\n  - name: x\n');
    const [text, json] = await Promise.all([automirror(['plan', '--region', 'cn-hangzhou', '--policy', bad]), automirror(['plan', '--region', 'cn-hangzhou', '--policy', bad, '--json'])]);
    expect(text.code).toBe(FAILED);
    expect(text.stderr).toBe(
      `automirror plan: invalid policy ${bad}:\n  ${bad}:1:1 version: required field is missing\n  ${bad}:2:5 rules[0].match: required field is missing\n  ${bad}:2:5 rules[0].mirror: required field is missing\n`,
    );
    expect(JSON.parse(json.stdout).error).toEqual({
      kind: 'failed',
      message: `invalid policy ${bad}`,
      problems: [`${bad}:1:1 version: required field is missing`, `${bad}:2:5 rules[0].match: required field is missing`, `${bad}:2:5 rules[0].mirror: required field is missing`],
    });
  });

  it('explain reads ./policy.yaml without --policy, as plan does', async () => {
    const r = await automirror(['explain', 'eni-web01p', '--region', 'cn-hangzhou', '--endpoint', cloud.endpoint], { env });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('policy: mirrored by rule mirror-tagged');
  });

  it('a refused connection: one line, the socket error and the request apart', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const r = await automirror(['explain', 'i-web01', '--region', 'cn-hangzhou', '--endpoint', `127.0.0.1:${port}`], { env });
    expect(r.code).toBe(FAILED);
    expect(r.stderr).toMatch(new RegExp(`^automirror explain: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}; POST http://127\\.0\\.0\\.1:${port}/\\S* failed\\.\n$`));
  });

  it('explain of one that exists: exit 0', async () => {
    const r = await automirror(explain('eni-web01p'), { env });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('policy: mirrored by rule mirror-tagged');
  });

  it('the cloud refusing: exit 1, one line with its code', async () => {
    const r = await automirror(explain('i-web01'), { env: { ...env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-secret' } });
    expect(r.code).toBe(FAILED);
    expect(r.stderr).toMatch(/^automirror explain: SignatureDoesNotMatch: [^\n]*\n$/);
  });
});
