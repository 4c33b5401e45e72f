import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's command section shows each example with the output it prints. This runs those `console` blocks as a
 * reader would, top to bottom in one shell session: `$ export …` sets the environment, `$ … &` starts a server in the
 * background (its first lines are checked), every other `$` line runs in bash and its stdout+stderr must be the
 * lines under it. They run in a copy of the checkout (what `npm run build` writes stays there), with the README's
 * port and its `/tmp/` paths mapped to the test's own; values that differ from run to run (times, generated ids and
 * keys) are normalised.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const start = README.indexOf('## The `automirror` command\n');
const SECTION = README.slice(start, README.indexOf('\n## ', start + 1));
const README_PORT = '18080';
/** How the README writes the checkout's path where a command prints it. */
const README_CHECKOUT = '~/automirror';

interface Step {
  readonly command: string;
  readonly expected: string[];
}

function steps(section: string): Step[] {
  const out: Step[] = [];
  for (const [, block] of section.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const line of block.replace(/\n$/, '').split('\n')) {
      if (line.startsWith('$ ')) out.push({ command: line.slice(2), expected: [] });
      else out.at(-1)?.expected.push(line);
    }
  }
  return out;
}

/** The commands of the section's table (`automirror NAME …` in its first column). */
const tableCommands = [...SECTION.matchAll(/^\| `automirror ([a-z-]+)/gm)].map((m) => m[1]);

const VOLATILE: [RegExp, string][] = [
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>'],
  [/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/g, '<time>'],
  [/\btms-[0-9a-z]{6,}\b/g, 'tms-<id>'],
  [/\bk\d{8}-[0-9a-f]{4}:[A-Za-z0-9_-]{43}\b/g, '<key>'],
  [/\bcli-\d{8}T\d{9}Z\b/g, 'cli-<run>'],
  [/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>'],
];
const normalise = (lines: readonly string[]) =>
  lines
    .map((l) => VOLATILE.reduce((s, [re, to]) => s.replace(re, to), l).trimEnd())
    .join('\n')
    .trimEnd();

async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return String(port);
}

/** A copy of the checkout as a reader has it: sources, no build output, the installed node_modules. */
function checkoutCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'automirror-readme-'));
  const skip = new Set(['node_modules', '.git', 'dist', 'automirror-report', '.stryker-tmp']);
  cpSync(ROOT, dir, { recursive: true, filter: (src) => !skip.has(src.slice(ROOT.length).split('/')[0]) });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup) c();
});

/** Starts `command` in the background (its own process group) and resolves with its first `lines` lines. */
function startInBackground(command: string, cwd: string, env: NodeJS.ProcessEnv, lines: number): Promise<string[]> {
  const child: ChildProcess = spawn('bash', ['-c', `exec ${command} 2>&1`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  cleanup.unshift(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const got = out.split('\n');
      if (got.length > lines) resolve(got.slice(0, lines));
    });
    child.on('exit', (code) => reject(new Error(`"${command}" exited ${code} before printing ${lines} lines:\n${out}`)));
    setTimeout(() => reject(new Error(`"${command}" printed only this in 120 s:\n${out}`)), 120_000).unref();
  });
}

describe("README's command examples", () => {
  const all = steps(SECTION);

  it('show at least one example for every command of the table', () => {
    expect(tableCommands.length).toBeGreaterThan(5);
    const shown = new Set(all.map((s) => /automirror ([a-z-]+)/.exec(s.command)?.[1]));
    expect(tableCommands.filter((c) => !shown.has(c))).toEqual([]);
  });

  it('print exactly the output the README shows', { timeout: 600_000 }, async () => {
    const port = await freePort();
    const cwd = checkoutCopy();
    const tmp = join(cwd, '.readme-tmp');
    mkdirSync(tmp);
    cleanup.push(() => rmSync(cwd, { recursive: true, force: true }));
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    for (const step of all) {
      const command = step.command.replaceAll(README_PORT, port).replaceAll('/tmp/', `${tmp}/`);
      const exported = /^export (.+)$/.exec(command);
      if (exported) {
        for (const [, k, v] of exported[1].matchAll(/(\w+)=(\S+)/g)) env[k] = v;
        continue;
      }
      let lines: string[];
      if (command.endsWith(' &')) lines = await startInBackground(command.slice(0, -2), cwd, env, step.expected.length);
      else {
        const r = spawnSync('bash', ['-c', `{ ${command}\n} 2>&1`], { cwd, env, encoding: 'utf8', timeout: 300_000 });
        lines = r.stdout.replace(/\n$/, '').split('\n');
      }
      const actual = lines.map((l) => l.replaceAll(port, README_PORT).replaceAll(`${tmp}/`, '/tmp/').replaceAll(cwd, README_CHECKOUT));
      // Soft: every example that differs is listed in one run, each with what it printed.
      expect.soft(normalise(actual), `$ ${step.command}`).toBe(normalise(step.expected));
    }
  });
});
