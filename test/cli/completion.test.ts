import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/registry.js';
import { automirror } from '../support/cli.js';

/** What bash completes for the words typed so far (COMP_WORDS/COMP_CWORD as bash sets them for <TAB>). */
function bashCompletes(script: string, lines: readonly string[]): string[] {
  const cases = lines.map((typed) => `COMP_WORDS=(${typed}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _automirror; echo "\${COMPREPLY[*]}"`);
  return execFileSync('bash', ['--norc', '-c', [`source ${script}`, ...cases].join('\n')], { encoding: 'utf8' })
    .split('\n')
    .slice(0, -1);
}

describe('automirror completion bash, sourced in bash', () => {
  let script: string;
  beforeAll(async () => {
    const r = await automirror(['completion', 'bash']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    script = join(mkdtempSync(join(tmpdir(), 'automirror-completion-')), 'automirror.bash');
    writeFileSync(script, r.stdout);
  });

  it('completes a partial command, a partial flag, a subcommand and help’s command', () => {
    expect(bashCompletes(script, ['automirror pl', 'automirror plan --reg', 'automirror policy ch', 'automirror help rep', 'automirror completion z', 'automirror te'])).toEqual([
      'plan',
      '--region',
      'check',
      'report',
      'zsh',
      'teardown',
    ]);
  });

  it('offers every command, and every flag of each command’s spec', () => {
    const [all, ...perCommand] = bashCompletes(script, ['automirror ""', ...COMMANDS.map((c) => `automirror ${c.name} --`)]);
    expect(all.split(' ')).toEqual([...COMMANDS.map((c) => c.name), '--help', '--version']);
    expect(perCommand.map((l) => l.split(' '))).toEqual(COMMANDS.map((c) => [...Object.keys(c.flags).map((f) => `--${f}`), '--help']));
  });

  it('completes nothing of its own after a flag that takes a value (bash falls back to file names)', () => {
    expect(bashCompletes(script, ['automirror plan --policy po'])).toEqual(['']);
    expect(execFileSync('bash', ['--norc', '-c', `source ${script}; complete -p automirror`], { encoding: 'utf8' })).toBe('complete -o default -F _automirror automirror\n');
  });
});

describe('automirror completion zsh', () => {
  // zsh is not installed on this project's test machine: the script is checked as text only.
  let text: string;
  beforeAll(async () => {
    const r = await automirror(['completion', 'zsh']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    text = r.stdout;
  });

  it('is a compdef function with every command and, per command, every flag', () => {
    expect(text.startsWith('#compdef automirror\n')).toBe(true);
    expect(text).toContain('\ncompdef _automirror automirror\n');
    for (const c of COMMANDS) {
      expect(text).toContain(`'${c.name}:`);
      const line = text.split('\n').find((l) => l.startsWith(`    ${c.name}) _arguments `));
      for (const [f, spec] of Object.entries(c.flags)) expect(line).toContain(`'${spec.multiple ? '*' : ''}--${f}[`);
    }
  });

  it('escapes the free text: no unescaped colon or bracket inside a description', () => {
    // HOST:PORT in --endpoint's placeholder, "{"error":{…}}" in --json's help.
    expect(text).toContain(':HOST\\:PORT: ');
    expect(text).toContain('{"error"\\:{…}}');
  });
});

describe('completion usage errors', () => {
  it.each([
    [[], 'expected a shell: bash or zsh'],
    [['fish'], 'unknown shell "fish": bash or zsh'],
  ])('%j', async (args, message) => {
    const r = await automirror(['completion', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`automirror completion: ${message}`);
  });
});
