import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagLabel } from '../../cli/help-text.js';
import { COMMANDS } from '../../cli/registry.js';
import { automirror, ROOT } from '../support/cli.js';

const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

describe('automirror --help and help COMMAND', () => {
  it('lists every command with its summary, exit 0', async () => {
    const r = await automirror(['--help']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s --help exits 0 with its description, every flag and an example', async (name, c) => {
    const r = await automirror([name, '--help']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`usage: ${c.usage}`);
    expect(r.stdout).toContain(c.description.split('\n')[0]);
    for (const [flag, spec] of Object.entries(c.flags)) expect(r.stdout).toMatch(new RegExp(`^  ${flagLabel(flag, spec).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\S`, 'm'));
    expect(c.examples.length).toBeGreaterThan(0);
    expect(r.stdout).toContain(`examples:\n  ${c.examples[0].command}\n`);
  });

  it('help plan and plan -h print the same help, the description included', async () => {
    const [help, short] = await Promise.all([automirror(['help', 'plan']), automirror(['plan', '-h', '--region', 'x'])]);
    expect(help).toEqual({ code: 0, stdout: short.stdout, stderr: '' });
    expect(help.stdout).toMatch(/^automirror plan: .*\n\nusage: automirror plan /);
    expect(help.stdout).toContain('evaluates the policy for every ENI');
  });

  it('help of an unknown command is a usage error', async () => {
    const r = await automirror(['help', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^automirror help: unknown command "nope"; commands: plan, /);
  });
});

describe('automirror --version', () => {
  it.each([['--version'], ['-v'], ['version']])('%s prints package.json version alone, exit 0', async (arg) => {
    expect(await automirror([arg])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('usage errors: exit 2, one line saying what was wrong, then the usage', () => {
  it.each([
    [['plan', '--bogus'], 'automirror plan: unknown flag --bogus'],
    [['explain', '-x'], 'automirror explain: unknown flag -x'],
    [['plan', '--region'], 'automirror plan: --region needs a value'],
    [['keygen', '--json=yes'], 'automirror keygen: --json takes no value'],
    [['nope'], 'automirror: unknown command "nope"'],
  ])('%j', async (args, line) => {
    const r = await automirror(args);
    expect(r.code).toBe(2);
    const [first, usage, see, ...rest] = r.stderr.split('\n');
    expect(first).toBe(line);
    expect(usage).toMatch(/^usage: automirror /);
    expect(see).toMatch(/^see: automirror (help \S+|--help)$/);
    expect(rest).toEqual(['']);
    expect(r.stdout).toBe('');
  });

  it('shows what was typed defused: no escape sequence or bidi mark of it reaches the terminal, nor the JSON error', async () => {
    const typed = '\u001b]0;owned\u0007\u202eplan';
    const [text, json] = await Promise.all([automirror([typed]), automirror(['plan', `--${typed}`, '--json'])]);
    expect(text.code).toBe(2);
    expect(text.stderr.split('\n')[0]).toBe('automirror: unknown command "\uFFFD]0;owned\uFFFD\uFFFDplan"');
    expect(json.code).toBe(2);
    expect(json.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(JSON.parse(json.stdout).error.message).toBe('unknown flag --\uFFFD]0;owned\uFFFD\uFFFDplan');
    expect(json.stderr).not.toMatch(/[\u001b\u0007\u202e]/);
  });

  it('with no command: the overview on stderr, exit 2', async () => {
    const r = await automirror([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^automirror \S+: keeps VPC traffic mirroring on/);
  });
});
