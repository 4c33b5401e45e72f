import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { type BuiltApp, buildApp, ecsOps, eventPathWorld, eventually, ON_EVENT, settledSessionsOn } from '../event-path/support.js';
import { TEST_OWNERSHIP_KEYS } from '../support/ownership.js';
import { documentedApi, offending, type Rehearsal, startRehearsal } from './harness.js';

// The production rehearsal, end to end: the deployed functions and the CLI run with nothing localcloud-specific in
// their configuration (no endpoint override), build the documented public endpoint names themselves, and reach
// localcloud only because the rehearsal's network resolves those names here, over TLS with this run's CA.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin/automirror.mjs');
const run = promisify(execFile);

let app: BuiltApp;
let r: Rehearsal;

beforeAll(async () => {
  app = buildApp();
  r = await startRehearsal({ world: eventPathWorld(), platform: { sYaml: app.sYaml, secondMs: 50 } });
}, 120_000);
afterAll(async () => {
  await r?.close();
  app?.remove();
});

/** The CLI as a user runs it against the real cloud: no --endpoint, keys in the environment. */
const cli = (...args: string[]) =>
  run(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    // The ownership keys too, as the user exports them for the CLI (README, Ownership and its keys).
    env: r.env({ ALIBABA_CLOUD_ACCESS_KEY_ID: r.keys.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: r.keys.accessKeySecret, AUTOMIRROR_OWNERSHIP_KEYS: TEST_OWNERSHIP_KEYS }),
  });

describe('production rehearsal: public endpoint names over TLS', () => {
  it('setup wires the account through the FC, MNS and EventBridge public endpoints', async () => {
    const { stdout } = await cli('setup', '--region', r.region, '--account-id', r.accountId);
    expect(stdout).toContain(`created  rule ${DEFAULT_SETTINGS.ecsTrigger} on the default bus`);
    expect(stdout).toContain(`created  trigger ${DEFAULT_SETTINGS.eventsTrigger}`);
    expect(r.cloud.fc.functions.get(ON_EVENT)?.triggers.has(DEFAULT_SETTINGS.eventsTrigger)).toBe(true);
    expect([...r.cloud.mns.queues.keys()]).toEqual(expect.arrayContaining([DEFAULT_SETTINGS.deferQueue, DEFAULT_SETTINGS.failedQueue]));
  }, 60_000);

  it('a launched, tagged instance is mirrored by on-event running with context credentials only', async () => {
    const { eniIds: enis } = await ecsOps(r.cloud).launch({ mirror: 'on' });
    const sessions = await settledSessionsOn(r.cloud, enis, (s) => s.length === enis.length, 'a session per ENI');
    expect(sessions.map((s) => s.trafficMirrorTargetId)).toEqual(enis.map(() => 'lb-collector01'));
    const runs = r.cloud.fc.invocations.filter((i) => i.functionName === ON_EVENT);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((i) => i.ok)).toBe(true);
  }, 90_000);

  it('the hourly reconcile fans out through FC 3.0 and publishes its report to MNS', async () => {
    const before = r.cloud.fc.invocations.length;
    r.cloud.fc.timers.fire(DEFAULT_SETTINGS.reconcileFunction, 'hourly');
    const region = await eventually(() => r.cloud.fc.invocations.slice(before).find((i) => i.functionName === DEFAULT_SETTINGS.reconcileRegionFunction), 60_000, 'reconcile-region to run');
    expect(region.ok, region.errorMessage).toBe(true);
    expect(r.cloud.fc.invocations.slice(before).every((i) => i.ok)).toBe(true);
  }, 90_000);

  it('report from a laptop reads the region through the public endpoints', async () => {
    const out = mkdtempSync(join(tmpdir(), 'automirror-rehearsal-report-'));
    try {
      await cli('report', '--region', r.region, '--out', out);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      expect(report.schema).toBe('automirror.drift-report');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('automirror invoke runs on-event in-process as FC 3.0 calls it, against the public endpoints', async () => {
    const event = join(ROOT, 'events/ecs-instance-running.json');
    const { stdout } = await cli('invoke', 'on-event', '--event', event, '--region', r.region, '--account-id', r.accountId);
    // The function's own log lines go to stdout before the result (one JSON object per line); the result is last.
    const result = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1));
    expect(result.results?.[0]).toMatchObject({ regionId: r.region });
  }, 60_000);

  it('every connection the product made was TLS to a documented host on 443: no plain HTTP, nothing else', () => {
    const seen = r.connections();
    expect(offending(seen)).toEqual([]);
    // The CLI and all three functions took part, and every API the product uses was reached by its public name.
    expect(new Set(seen.map((c) => documentedApi(c.host)))).toEqual(new Set(['ECS', 'VPC', 'SLB', 'MNS', 'FC', 'EventBridge']));
    // localcloud saw the same: every request of the product arrived over TLS, addressed to the name it asked for.
    const product = r.requests().filter((q) => q.servername);
    expect(product.length).toBeGreaterThan(0);
    expect(product.filter((q) => !q.tls || q.host !== q.servername)).toEqual([]);
  });
});
