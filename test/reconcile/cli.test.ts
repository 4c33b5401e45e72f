import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressBar } from '../../cli/progress.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { parseReport } from '../../shared/report/json.js';
import { eniId, worldSession } from '../engine/cloud.js';
import { DEMO_KEY } from '../support/localcloud.js';
import { POLICY } from './app.js';
import { layout, regionWorld, writes } from './support.js';

/** `automirror plan|apply|report` run as a person runs them (bin/automirror.mjs), against localcloud. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let cloud: LocalCloud;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'automirror-cli-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  cloud = await startLocalCloud({ world: regionWorld({ instances: 3, sessions: [worldSession('tms-w0', [eniId(0)], 1000, 'web', { enabled: false })] }) });
});
afterAll(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process, which serves localcloud. */
// --account-id: ownership proofs bind the account, so the CLI verifies them in the one it is told.
const cli = (...args: string[]) => run(...args, '--region', 'cn-hangzhou', '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint, '--policy', join(dir, 'policy.yaml'));

function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret };
  const child = spawn(process.execPath, [join(ROOT, 'bin/automirror.mjs'), ...args], { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe('automirror plan, report and apply', () => {
  it('plan prints each change it would make and why, and writes nothing', async () => {
    const r = await cli('plan');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      "cn-hangzhou: No unapproved mirroring; 0 sessions toward approved collectors, not automirror's",
      'update tms-w0: tms-w0 differs from rule web: enabled false → true',
      `create (SLB:lb-a, priority ${r.stdout.match(/create \(SLB:lb-a, priority (\d+)/)?.[1]} or the next free one in 1000–1999): rule web opts ${eniId(1)} in and no session of that rule mirrors it`,
      expect.stringMatching(new RegExp(`^create \\(SLB:lb-a, .*: rule web opts ${eniId(2)} in`)),
      'cn-hangzhou: Opted-in coverage 0.0% (0 of 3 opted-in ENIs mirrored) · fleet coverage 0.0% (0 of 3 ENIs): 0 mirrored, 3 opted in but unmirrored, 0 opted out, 0 not in scope now; 3 change(s) planned',
      '',
    ]);
    expect(r.stderr).toBe(''); // not a terminal: no progress line
    expect(writes(cloud)).toEqual([]);
  }, 30_000);

  it('report writes the JSON document, the Markdown summary and the HTML page into --out', async () => {
    const r = await cli('report', '--out', join(dir, 'out'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `No unapproved mirroring; 0 sessions toward approved collectors, not automirror's\nOpted-in coverage 0.0% (0 of 3 opted-in ENIs mirrored) · fleet coverage 0.0% (0 of 3 ENIs): 0 mirrored, 3 opted in but unmirrored, 0 opted out, 0 not in scope; 3 drift item(s)\nwrote ${join(dir, 'out')}/report.json, report.md, report.html\n`,
    );
    const report = parseReport(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect([report.mode, report.totals.statuses.proposed, report.policy.source, report.run.apiCalls]).toEqual(['report', 3, join(dir, 'policy.yaml'), expect.any(Number)]);
    expect(readFileSync(join(dir, 'out/report.md'), 'utf8')).toMatch(/^## automirror drift report/);
    expect(readFileSync(join(dir, 'out/report.html'), 'utf8')).toContain('<svg class="chart"');
  }, 30_000);

  it('apply converges the region and prints the summary; --json prints the report', async () => {
    const r = await cli('apply', '--json');
    expect(r.code).toBe(0);
    const report = parseReport(r.stdout);
    expect([report.mode, report.totals.coveragePercent, report.totals.statuses.applied]).toEqual(['enforce', 100, 3]);
    expect(layout(cloud)).toEqual([0, 1, 2].map((i) => `${eniId(i)} → lb-a (web)`));
    const again = await cli('apply');
    expect(again.stdout).toContain(
      '**Opted-in coverage 100.0% (3 of 3 opted-in ENIs mirrored) · fleet coverage 100.0% (3 of 3 ENIs): 3 mirrored, 0 opted in but unmirrored, 0 opted out, 0 not in scope**',
    );
    expect(again.stdout).toContain('No drift items.');
  }, 30_000);

  it('refuses a malformed endpoint as a usage error', async () => {
    const bad = await run('report', '--endpoint', 'http://x');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--endpoint must be HOST:PORT, got "http://x"\nusage: automirror report --region R')]);
  }, 30_000);
});

describe('the progress line', () => {
  const sink = (isTTY: boolean) => {
    const out = { isTTY, text: '', write: (s: string) => ((out.text += s), true) };
    return out;
  };

  it('counts pages while scanning and changes against the plan while applying, on a terminal', () => {
    const out = sink(true);
    let t = 0;
    const p = progressBar(out, 'cn-hangzhou', () => (t += 200));
    p.phase({ phase: 'scan', pass: 1 });
    for (let i = 0; i < 3; i++) p.call('DescribeNetworkInterfaces');
    p.phase({ phase: 'apply', pass: 1, actions: 4 });
    p.call('CreateTrafficMirrorSession');
    p.call('ListTrafficMirrorSessions');
    p.done();
    const frames = out.text.split('\r\x1b[2K').filter(Boolean);
    expect(frames).toContain('cn-hangzhou: scanning, 3 pages read');
    expect(frames[frames.length - 1]).toBe(`cn-hangzhou: applying [${'#'.repeat(7)}${'.'.repeat(21)}] 1/4 changes\n`);
  });

  it('stays silent when stderr is not a terminal', () => {
    const out = sink(false);
    const p = progressBar(out, 'cn-hangzhou');
    p.phase({ phase: 'scan', pass: 1 });
    p.call('DescribeInstances');
    p.done();
    expect(out.text).toBe('');
  });
});
