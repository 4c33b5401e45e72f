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

  it('what --help says of the flags of every command holds for each; the lines without a command work as shown', async () => {
    const help = (await automirror(['--help'])).stdout;
    const section = (title: string) => help.slice(help.indexOf(title)).split('\n\n')[0].split('\n').slice(1);
    const flags = section('flags of every command').flatMap((l) => l.trim().split(/ {2,}/)[0].split(', '));
    expect(flags).toEqual(['--json', '--no-color', '-h', '--help']);
    for (const c of COMMANDS.filter((c) => c.name !== 'demo')) expect(Object.keys(c.flags)).toEqual(expect.arrayContaining(['json', 'no-color']));
    // Each flag is taken (what is refused then is --bogus), or is help (exit 0).
    for (const f of flags) expect((await automirror(['keygen', f, '--bogus'])).stderr.split('\n')[0]).toMatch(/^$|unknown flag --bogus$/);
    const bare = section('without a command:').map((l) => l.trim().split(/ {2,}/)[0]);
    expect(bare).toEqual(['automirror -v, --version', 'automirror -h, --help']);
    for (const arg of ['-v', '--version', '-h', '--help']) expect((await automirror([arg])).code).toBe(0);
  });

  it("--json and --no-color before the command are the command's", async () => {
    const [help, noColor, json] = await Promise.all([automirror(['--help']), automirror(['--no-color', '--help']), automirror(['--json', 'plan', '--bogus'])]);
    expect(noColor).toEqual(help);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { kind: 'usage', message: 'unknown flag --bogus' } });
    expect(await automirror(['--json', 'version'])).toEqual(await automirror(['version', '--json']));
  });

  it('plan --help --json prints what help plan --json prints: the spec as JSON', async () => {
    const [flag, help] = await Promise.all([automirror(['plan', '--help', '--json']), automirror(['help', 'plan', '--json'])]);
    expect(flag).toEqual(help);
    expect(JSON.parse(flag.stdout)).toMatchObject({ name: 'plan' });
  });

  it('names every variable of the README credential chain', async () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const start = readme.indexOf('### Credentials\n');
    const names = new Set(readme.slice(start, readme.indexOf('\n#', start + 1)).match(/ALIBABA_CLOUD_[A-Z_]+/g));
    expect(names.size).toBeGreaterThan(5);
    const help = (await automirror(['--help'])).stdout;
    for (const name of names) expect(help).toContain(name);
  });

  it("report --help says where --out's files go", async () => {
    const r = await automirror(['report', '--help']);
    expect(r.stdout).toMatch(/^ {2}--out DIR +where report\.json, report\.md, report\.html and history\.json go \(default \.\/automirror-report\)/m);
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
    // A command working in one region: a list or `all` is refused before any call.
    [['setup', '--region', 'cn-hangzhou,cn-shanghai', '--account-id', '1234567890123456'], 'automirror setup: --region takes one region, got "cn-hangzhou,cn-shanghai"'],
    [['setup', '--region', 'all', '--account-id', '1234567890123456'], 'automirror setup: --region takes one region, got "all"'],
    [['teardown', '--region', 'cn-hangzhou,cn-shanghai', '--account-id', '1234567890123456'], 'automirror teardown: --region takes one region, got "cn-hangzhou,cn-shanghai"'],
    [['explain', 'i-web01', '--region', 'all'], 'automirror explain: --region takes one region, got "all"'],
    [['adopt', '--legacy', '--region', 'cn-hangzhou,cn-shanghai'], 'automirror adopt: --region takes one region, got "cn-hangzhou,cn-shanghai"'],
    [['explain', 'i-web01', '--region', 'cn-hangzhou', '--endpoint', '127.0.0.1:99999'], 'automirror explain: --endpoint must be HOST:PORT with a port 1–65535, got "127.0.0.1:99999"'],
    [['plan', '--region', 'cn-hangzhou', '--endpoint', '127.0.0.1:0'], 'automirror plan: --endpoint must be HOST:PORT with a port 1–65535, got "127.0.0.1:0"'],
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
