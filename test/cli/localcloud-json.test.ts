import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../reconcile/app.js';
import { ROOT } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  // The repo's s.yaml beside functions built for this test (never the checkout's dist/, which others may be building).
  dir = mkdtempSync(join(tmpdir(), 'automirror-localcloud-json-'));
  buildApp(dir);
  copyFileSync(join(ROOT, 's.yaml'), join(dir, 's.yaml'));
  cpSync(join(ROOT, 'deploy'), join(dir, 'deploy'), { recursive: true });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('automirror localcloud --json', () => {
  it('prints one document once it listens (endpoints, functions), nothing more on stdout, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/automirror.mjs', 'localcloud', '--json', '--world', 'worlds/default.json', '--s-yaml', join(dir, 's.yaml')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const listening = new Promise<{ endpoints: { pop: string; mns: string }; functions: Array<{ name: string; triggers: string[] }> }>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        try {
          resolve(JSON.parse(stdout));
        } catch {
          // Not the whole document yet.
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const doc = await listening;
    expect(doc.endpoints.pop).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(doc.endpoints.mns).toBe(`http://${doc.endpoints.pop}`);
    expect(doc.functions.map((f) => f.name)).toEqual(['automirror-on-event', 'automirror-reconcile', 'automirror-reconcile-region']);
    expect(doc.functions[1].triggers).toEqual(['hourly']);
    const served = await fetch(`http://${doc.endpoints.pop}/`).then((r) => r.status);
    expect(served).toBeGreaterThanOrEqual(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toEqual(doc);
  });
});
