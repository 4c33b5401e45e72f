/**
 * `npx s deploy` with the real Serverless Devs 3 (`@serverless-devs/s`, node_modules/.bin/s) on the repository's
 * s.yaml, offline: the fc3 component is a stand-in this test writes into s's component cache
 * (~/.s/components/devsapp.cn/v3/fc3, where s keeps the components it downloaded), so `component: fc3` resolves to
 * it as written. The stand-in records the inputs s hands it (props, access, getCredential()) and deploys nothing;
 * the rehearsal cloud already holds the functions, as if fc3 had deployed them. The setup step runs for real,
 * against the rehearsal cloud through the public endpoint names, with only the keys of `s config add`.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderServerlessDoc } from '../../localcloud/fc/syaml.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { offending, type Rehearsal, startRehearsal } from '../rehearsal/harness.js';
import { defaultWorld } from '../support/localcloud.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const S = join(ROOT, 'node_modules', '.bin', 's');
/** An STS key of the world (a second access): setup succeeds with it only if the token reaches it too. */
const STS_KEY = { accessKeyId: 'STS.automirror-deployer', accessKeySecret: 'sts-deployer-secret', securityToken: 'CAIS-deployer-token' };

interface Recorded {
  resource: string;
  component: string;
  access: string;
  command: string;
  props: Record<string, unknown>;
  credential: Record<string, string>;
  /** Whether props.code held the built index.js when fc3's deploy was called. */
  codeBuilt: boolean;
}

/** The fc3 stand-in: a Serverless Devs 3 component (a class whose methods take `inputs`), recording each call. */
const standIn = (recordFile: string) => `'use strict';
const fs = require('node:fs');
const path = require('node:path');
module.exports = class Fc3StandIn {
  constructor({ logger } = {}) { this.logger = logger; }
  async deploy(inputs) {
    const credential = await inputs.getCredential();
    const codeBuilt = fs.existsSync(path.resolve(path.dirname(inputs.yaml.path), inputs.props.code, 'index.js'));
    const entry = { resource: inputs.resource.name, component: inputs.resource.component, access: inputs.resource.access,
      command: inputs.command, props: inputs.props, credential, codeBuilt };
    fs.appendFileSync(${JSON.stringify(recordFile)}, JSON.stringify(entry) + '\\n');
    return { region: inputs.props.region, functionName: inputs.props.functionName };
  }
};
`;

let rehearsal: Rehearsal;
let work: string;
let app: string;
let records: string;

/** Runs the real `s` in the app copy, as on a user's machine aimed at the real cloud; no terminal, no stdin. */
function s(args: string[], timeoutMs = 90_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // npm's own update check (npm run build) is not what this test is about, and would try the registry.
    const child = spawn(S, args, { cwd: app, env: rehearsal.env({ npm_config_update_notifier: 'false' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const recorded = (): Recorded[] =>
  existsSync(records)
    ? readFileSync(records, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Recorded)
    : [];

beforeAll(async () => {
  const world = defaultWorld();
  world.accessKeys.push(STS_KEY);
  rehearsal = await startRehearsal({ world, platform: { sYaml: join(ROOT, 's.yaml') } });
  // A space in the path, as a checkout may have one: s splits action lines into words.
  work = mkdtempSync(join(tmpdir(), 'automirror s-deploy '));
  records = join(work, 'fc3-calls.jsonl');
  // The checkout as a user has it (without build output), its dependencies installed.
  app = join(work, 'app');
  const skip = new Set(['node_modules', 'dist', 'automirror-report']);
  for (const name of readdirSync(ROOT)) {
    if (name.startsWith('.') || skip.has(name)) continue;
    cpSync(join(ROOT, name), join(app, name), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');

  // ~/.s as s leaves it once it has installed fc3 and checked for updates: the component and its lock file
  // (lastUpdateCheck: s checks a component for updates 10 minutes after the last check), and the CLI's
  // update-notifier record (checked again after 12 hours).
  const fc3 = join(rehearsal.home, '.s', 'components', 'devsapp.cn', 'v3', 'fc3');
  mkdirSync(fc3, { recursive: true });
  writeFileSync(join(fc3, 'index.js'), standIn(records));
  writeFileSync(join(fc3, 'package.json'), JSON.stringify({ name: 'fc3', version: '0.0.0-stand-in', main: 'index.js' }));
  writeFileSync(join(fc3, '.s.lock'), JSON.stringify({ version: '0.0.0-stand-in', lastUpdateCheck: Date.now() }));
  mkdirSync(join(rehearsal.home, '.s', 'config'), { recursive: true });
  writeFileSync(join(rehearsal.home, '.s', 'config', 'update-notifier.json'), JSON.stringify({ lastUpdateCheck: Date.now() }));

  // The user's one-time configuration, with s's own commands: no usage reporting, and the access s.yaml names.
  for (const args of [
    ['set', 'analysis', 'disable'],
    ['config', 'add', '-a', 'default', '--AccountID', rehearsal.accountId, '--AccessKeyID', rehearsal.keys.accessKeyId, '--AccessKeySecret', rehearsal.keys.accessKeySecret],
    [
      'config',
      'add',
      '-a',
      'deployer-sts',
      '--AccountID',
      rehearsal.accountId,
      '--AccessKeyID',
      STS_KEY.accessKeyId,
      '--AccessKeySecret',
      STS_KEY.accessKeySecret,
      '--SecurityToken',
      STS_KEY.securityToken,
    ],
  ]) {
    const r = await s(args);
    expect(r.code, r.out).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await rehearsal?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const trigger = () => rehearsal.cloud.fc.functions.get(DEFAULT_SETTINGS.onEventFunction)?.triggers.get(DEFAULT_SETTINGS.eventsTrigger);

describe('npx s deploy with the real Serverless Devs 3', () => {
  it('builds, hands fc3 each function as s.yaml declares it with the configured access, then runs setup with that access', async () => {
    expect(trigger()).toBeUndefined();
    const r = await s(['deploy']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toMatch(/action hook .* has been renamed/); // s's warning for 2.x hook names (post-<command>)

    // The build ran once, before fc3 was called.
    expect(r.out.match(/> tsx scripts\/build\.ts/g)).toHaveLength(1);
    const calls = recorded();
    expect(calls.map((c) => c.resource)).toEqual(['on-event', 'reconcile', 'reconcile-region']);
    for (const c of calls) expect(c.codeBuilt, c.resource).toBe(true);

    // Each function's props exactly as written, with ${vars.…} and ${config('AccountID')} resolved (localcloud's
    // renderer reads s.yaml the same way), and the access of `s config add`.
    const doc = renderServerlessDoc(join(app, 's.yaml'), { accountId: rehearsal.accountId, env: {} });
    for (const c of calls) {
      expect(c.props, c.resource).toEqual(doc.resources.find((x) => x.key === c.resource)?.props);
      expect(c).toMatchObject({ component: 'fc3', access: 'default', command: 'deploy' });
      expect(c.credential).toMatchObject({ AccountID: rehearsal.accountId, AccessKeyID: rehearsal.keys.accessKeyId, AccessKeySecret: rehearsal.keys.accessKeySecret });
      expect(c.props.role).toBe(`acs:ram::${rehearsal.accountId}:role/automirror-fc`);
    }

    // setup ran after on-event, against the rehearsal cloud, with the access's keys (nothing else had any).
    expect(r.out).toMatch(/created\s+trigger automirror-events on automirror-on-event/);
    expect(r.out).toMatch(/created\s+rule automirror-ecs-events on the default bus/);
    expect(r.out.indexOf('trigger automirror-events')).toBeLessThan(r.out.indexOf('[reconcile]'));
    expect(trigger()?.triggerType).toBe('eventbridge');
    for (const q of [DEFAULT_SETTINGS.deferQueue, DEFAULT_SETTINGS.failedQueue]) expect(rehearsal.cloud.mns.queues.has(q), q).toBe(true);
    expect(rehearsal.cloud.mns.topics.has(DEFAULT_SETTINGS.reportTopic)).toBe(true);

    // Every connection of s, the build and setup: TLS to a public Alibaba Cloud name; s phoned nowhere else.
    const conns = rehearsal.connections();
    expect(conns.length).toBeGreaterThan(0);
    expect(offending(conns)).toEqual([]);
  }, 120_000);

  it('hands setup an STS access with its token (s config add --SecurityToken), and setup changes nothing the second time', async () => {
    rmSync(records, { force: true });
    const r = await s(['on-event', 'deploy', '-a', 'deployer-sts']);
    expect(r.code, r.out).toBe(0);
    expect(recorded().map((c) => [c.resource, c.access, c.credential.AccessKeyID, c.credential.SecurityToken])).toEqual([['on-event', 'deployer-sts', STS_KEY.accessKeyId, STS_KEY.securityToken]]);
    expect(r.out).toMatch(/unchanged\s+trigger automirror-events/);
  }, 120_000);

  it('fails the deploy, with setup saying why, when the access is refused by the cloud', async () => {
    const bad = await s(['config', 'add', '-a', 'revoked', '--AccountID', rehearsal.accountId, '--AccessKeyID', 'LTAI-revoked', '--AccessKeySecret', 'nope', '-f']);
    expect(bad.code, bad.out).toBe(0);
    const r = await s(['on-event', 'deploy', '-a', 'revoked']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/automirror setup: .*(access key is not found|InvalidAccessKeyId)/);
    expect(r.out).toMatch(/success-action failed to \[deploy\]/);
  }, 120_000);
});
