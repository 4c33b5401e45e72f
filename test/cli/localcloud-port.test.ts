import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the CLI through the bin/ launcher; kills it if it has not exited within `limitMs`. */
function runCli(args: string[], limitMs: number): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; killed: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['bin/automirror.mjs', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started, killed });
    });
  });
}

let holder: Server;
let port: number;
beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
  port = (holder.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((done) => holder.close(() => done())));

describe('automirror localcloud --port N with the port taken', () => {
  it('exits 1 at once with one line saying so, and leaves nothing running', async () => {
    // The launcher compiles the CLI with tsx first (a few seconds on a loaded machine); the limit is far below "forever".
    const r = await runCli(['localcloud', '--world', 'worlds/default.json', '--port', String(port)], 30_000);
    expect(r.killed, `still running after ${r.ms} ms; stderr: ${r.stderr}`).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`automirror localcloud: port ${port} is already in use\n`);
    expect(r.stdout).toBe('');
  });
});
