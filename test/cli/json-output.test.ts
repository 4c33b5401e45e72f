import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { REPO_SYAML } from '../../localcloud/platform/serve.js';
import { automirror } from '../support/cli.js';
import { DEMO_KEY, defaultWorld } from '../support/localcloud.js';

/** `--json` through bin/automirror.mjs: stdout is exactly one JSON document (JSON.parse of all of it), logs on stderr. */

let cloud: LocalCloud;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  cloud = await startLocalCloud({ world: defaultWorld(), platform: { sYaml: REPO_SYAML, secondMs: 20 } });
  env = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret, ALIBABA_CLOUD_ACCOUNT_ID: cloud.state.accountId };
});
afterAll(() => cloud?.close());

const on = () => ['--region', 'cn-hangzhou', '--endpoint', cloud.endpoint];

async function json(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const r = await automirror([...args, '--json'], { env: { ...env, ...extraEnv } });
  return { ...r, doc: JSON.parse(r.stdout) };
}

describe('automirror COMMAND --json', () => {
  it('setup: what it ensured', async () => {
    const r = await json(['setup', ...on()]);
    expect(r.code).toBe(0);
    expect(r.doc.messaging).toHaveLength(4);
    expect(r.doc.rules.map((t: { rule: string; change: string }) => [t.rule, t.change])).toEqual([
      ['automirror-ecs-events', 'created'],
      ['automirror-vpc-events', 'created'],
    ]);
    expect(r.doc.triggers.map((t: { trigger: string; change: string }) => [t.trigger, t.change])).toEqual([['automirror-events', 'created']]);
  });

  it('explain: the explanation, one entry per ENI of the instance', async () => {
    const r = await json(['explain', 'i-web01', ...on(), '--policy', 'policy.yaml']);
    expect(r.code).toBe(0);
    expect(r.doc.enis.map((e: { id: string; policy: unknown }) => [e.id, e.policy])).toEqual([
      ['eni-web01p', { mirroredBy: 'mirror-tagged' }],
      ['eni-web01s', { mirroredBy: 'mirror-tagged' }],
    ]);
  });

  it('invoke: the result alone on stdout, the function log lines on stderr', async () => {
    const r = await json(['invoke', 'on-event', '--event', 'events/ecs-instance-running.json', '--endpoint', cloud.endpoint], { AUTOMIRROR_LOG_LEVEL: 'info' });
    expect(r.code).toBe(0);
    expect(r.doc.results[0].created.map((c: { eniId: string }) => c.eniId).sort()).toEqual(['eni-web01p', 'eni-web01s']);
    const logs = r.stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(JSON.parse(l)).toMatchObject({ level: expect.any(String), function: 'automirror-on-event' });
  });

  it('adopt: the verdicts, nothing written without --yes, its lines on stderr', async () => {
    const r = await json(['adopt', '--legacy', ...on()]);
    expect(r.code).toBe(0);
    expect(r.doc).toMatchObject({ regionId: 'cn-hangzhou', written: false, proven: [], failed: [] });
    expect(r.doc.sessions.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/claimed session\(s\) would be proven/);
  });

  it('teardown of a region list: a usage error, the triggers and sessions left', async () => {
    const fn = () => cloud.fc.functions.get('automirror-on-event');
    const before = [fn()?.triggers.size, cloud.state.region('cn-hangzhou').sessions.size];
    const r = await json(['teardown', '--region', 'cn-hangzhou,cn-shanghai', '--endpoint', cloud.endpoint, '--delete-sessions']);
    expect(r.code).toBe(2);
    expect(r.doc).toEqual({ error: { kind: 'usage', message: '--region takes one region, got "cn-hangzhou,cn-shanghai"' } });
    expect([fn()?.triggers.size, cloud.state.region('cn-hangzhou').sessions.size]).toEqual(before);
    expect(fn()?.triggers.has('automirror-events')).toBe(true);
  });

  it('teardown --delete-sessions: the triggers removed and the sessions deleted', async () => {
    const r = await json(['teardown', ...on(), '--delete-sessions']);
    expect(r.code).toBe(0);
    expect(r.doc.rules.map((t: { change: string }) => t.change)).toEqual(['deleted', 'deleted']);
    expect(r.doc.triggers.map((t: { change: string }) => t.change)).toEqual(['deleted']);
    expect(r.doc.queue).toEqual({ queue: 'automirror-events', change: 'deleted' });
    // The two sessions on-event made for i-web01's ENIs above.
    expect(r.doc.sessions.deleted).toHaveLength(2);
    expect(r.doc.sessions.leftUnprovenClaims).toEqual({ count: 0, sessions: [] });
  });

  it('keygen: the key as a document, the advice on stderr', async () => {
    const r = await json(['keygen']);
    expect(r.doc).toEqual({ key: expect.stringMatching(/^k\d{8}-[0-9a-f]{4}:[\w-]{43}$/), env: 'AUTOMIRROR_OWNERSHIP_KEYS' });
    expect(r.stderr).toMatch(/^put it first in AUTOMIRROR_OWNERSHIP_KEYS/);
  });

  it('role-policy, version and help: documents too', async () => {
    const [policy, version, help] = await Promise.all([json(['role-policy', '--region', 'cn-hangzhou', '--account-id', '1234567890123456']), json(['version']), json(['help', 'plan'])]);
    expect(policy.doc.Statement.length).toBeGreaterThan(0);
    expect(version.doc).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(help.doc).toMatchObject({ name: 'plan', flags: { region: { type: 'string' } } });
  });
});

describe('a failure with --json: {"error":{…}} on stdout, the line on stderr', () => {
  it('a usage error', async () => {
    const r = await json(['plan', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.doc).toEqual({ error: { kind: 'usage', message: 'unknown flag --bogus' } });
    expect(r.stderr.split('\n')[0]).toBe('automirror plan: unknown flag --bogus');
  });

  it('a resource that does not exist', async () => {
    const r = await json(['explain', 'i-nope', ...on(), '--policy', 'policy.yaml']);
    expect(r.code).toBe(1);
    expect(r.doc).toEqual({ error: { kind: 'failed', message: 'i-nope does not exist in cn-hangzhou', code: 'NotFound' } });
  });

  it('a refusal of the cloud, with its code', async () => {
    const r = await json(['explain', 'i-web01', ...on(), '--policy', 'policy.yaml'], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-secret' });
    expect(r.code).toBe(1);
    expect(r.doc.error).toMatchObject({ kind: 'failed', code: 'SignatureDoesNotMatch' });
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
