import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { REPO_SYAML } from '../../localcloud/platform/serve.js';
import { automirror } from '../support/cli.js';
import { DEMO_KEY, defaultWorld, waitFor } from '../support/localcloud.js';

let cloud: LocalCloud;
let env: NodeJS.ProcessEnv;
let dir: string;
beforeAll(async () => {
  // s.yaml's functions deployed on localcloud: reconcile hands each region to reconcile-region through FC async invoke.
  cloud = await startLocalCloud({ world: defaultWorld(), platform: { sYaml: REPO_SYAML, secondMs: 20 } });
  env = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret, AUTOMIRROR_LOG_LEVEL: 'info' };
  dir = mkdtempSync(join(tmpdir(), 'automirror-invoke-'));
});
afterAll(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

function eventFile(name: string, event: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(event));
  return path;
}

const invoke = (fn: string, event: string, extra: NodeJS.ProcessEnv = env) =>
  automirror(['invoke', fn, '--event', event, '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint], { env: extra });

/** The function's log lines, on stderr: JSON, one a line. */
const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string });

describe('automirror invoke, through the bin/ launcher as a user runs it', () => {
  it('runs on-event against the endpoint with credentials from the environment; stdout is its result alone, its log on stderr', async () => {
    const r = await invoke('on-event', 'events/ecs-instance-running.json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { results: Array<{ created: Array<{ eniId: string }> }> };
    expect(result.results[0].created.map((c) => c.eniId).sort()).toEqual(['eni-web01p', 'eni-web01s']);
    expect(cloud.state.region('cn-hangzhou').sessions.size).toBe(2);
    expect(logLines(r.stderr).length).toBeGreaterThan(0);
  });

  it('runs reconcile (named by its functionName) on the timer event of events/: one reconcile-region per region, started through FC on the endpoint', async () => {
    const r = await invoke('automirror-reconcile', 'events/reconcile/timer.json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { runId: string; mode: string; regions: Array<{ regionId: string; requestId: string; started: boolean }> };
    // The run is named by the firing (its trigger and time), as FC's retry of the same firing names it.
    expect(result).toMatchObject({ runId: expect.stringMatching(/^20261125T210000Z-[0-9a-f]{6}$/), mode: 'report', regions: [{ regionId: 'cn-hangzhou', started: true }] });
    expect(logLines(r.stderr).map((l) => l.msg)).toContain('reconcile started');
    // localcloud's FC received it: the invocation it ran under the request id it answered with.
    const ran = await waitFor(() => cloud.fc.invocations.find((i) => i.requestId === result.regions[0].requestId), 60_000);
    expect(ran.functionName).toBe('automirror-reconcile-region');
    expect(JSON.parse(ran.event)).toMatchObject({ regionId: 'cn-hangzhou', mode: 'report', runId: expect.any(String) });
  });

  it('runs reconcile-region on the region task of events/ and prints its drift report', async () => {
    const r = await invoke('reconcile-region', 'events/reconcile/region-task.json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { report: { schema: string; regions: string[]; mode: string } };
    expect(result.report).toMatchObject({ schema: 'automirror.drift-report', regions: ['cn-hangzhou'], mode: 'report' });
    expect(logLines(r.stderr).map((l) => l.msg)).toContain('drift report');
  });

  it('drops a region task without its run id as bad input, saying what a task looks like, and changes nothing', async () => {
    const before = cloud.controls.calls.list().length;
    const r = await invoke('reconcile-region', eventFile('no-run.json', { regionId: 'cn-hangzhou', mode: 'report' }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      dropped: expect.stringMatching(/^runId must be .*, got nothing; a reconcile-region task is \{accountId\?, regionId, mode, runId, checkpoint\?\}, e\.g\. /),
    });
    expect(cloud.controls.calls.list().length).toBe(before);
  });

  it('refuses a function s.yaml does not deploy as a usage error, naming those it does', async () => {
    const r = await invoke('nope', 'events/ecs-instance-running.json');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'automirror invoke: unknown function "nope"; s.yaml\'s: on-event (automirror-on-event), reconcile (automirror-reconcile), reconcile-region (automirror-reconcile-region)',
    );
  });

  it('without credentials anywhere (no keys, an empty home, no ECS role) exits 1 naming where it looked, before touching the cloud', async () => {
    const before = cloud.controls.calls.list().length;
    const bare: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ALIBABA_CLOUD_')));
    const home = mkdtempSync(join(tmpdir(), 'automirror-empty-home-'));
    Object.assign(bare, { HOME: home, USERPROFILE: home, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' });
    const r = await invoke('on-event', 'events/ecs-instance-running.json', bare);
    rmSync(home, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no Alibaba Cloud credentials found \(tried ALIBABA_CLOUD_ACCESS_KEY_ID\/SECRET, .*~\/\.alibabacloud\/credentials/);
    expect(cloud.controls.calls.list().length).toBe(before);
  });
});
