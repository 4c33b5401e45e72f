import { CREDENTIALS_HELP } from './cloud-flags.js';
import type { CommandSpec, FlagSpec } from './command.js';
import { EXIT_CODES } from './exit-codes.js';

/** Two columns: the left padded to the widest entry (capped, so one long flag doesn't push every help text right). */
function table(rows: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.min(30, Math.max(...rows.map(([l]) => l.length)));
  return rows.flatMap(([l, r]) => (l.length > width ? [`${indent}${l}`, `${indent}${' '.repeat(width)}  ${r}`] : [`${indent}${l.padEnd(width)}  ${r}`]));
}

/** How a flag reads in help: `-o, --out FILE`. */
export function flagLabel(name: string, f: FlagSpec): string {
  const value = f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : '';
  return `${f.short ? `-${f.short}, ` : ''}--${name}${value}`;
}

/** `automirror help CMD` and `CMD --help`: what it does, its usage, every flag, the examples. */
export function commandHelp(c: CommandSpec): string[] {
  const flags = Object.entries(c.flags).map(([name, f]): [string, string] => [flagLabel(name, f), `${f.help}${f.multiple ? ' (repeatable)' : ''}`]);
  return [
    `automirror ${c.name}: ${c.summary}`,
    '',
    `usage: ${c.usage}`,
    '',
    ...c.description.split('\n'),
    ...(c.subcommands ? ['', 'subcommands:', ...table(c.subcommands.map((s) => [s.name, s.summary]))] : []),
    '',
    'flags:',
    ...table([...flags, ['-h, --help', 'this help']]),
    '',
    'examples:',
    ...c.examples.flatMap((e) => [`  ${e.command}`, `      ${e.what}`]),
  ];
}

/** `automirror --help`: every command with its summary, the exit codes, and where credentials come from. */
export function globalHelp(commands: readonly CommandSpec[], version: string): string[] {
  return [
    `automirror ${version}: keeps VPC traffic mirroring on for every ENI a tag policy opts in`,
    '',
    'usage: automirror COMMAND [flags]      automirror help COMMAND (or COMMAND --help) for its flags and examples',
    '',
    'commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'flags of every command (--json and --no-color may also come first: automirror --json plan …):',
    ...table([
      ['--json', 'one JSON document on stdout, errors too (every command but demo); logs on stderr'],
      ['--no-color', 'no colour (also NO_COLOR=1; colour is only ever used on a terminal)'],
      ['-h, --help', 'the help of the command'],
    ]),
    '',
    'without a command:',
    ...table([
      ['automirror -v, --version', 'the version (also: automirror version)'],
      ['automirror -h, --help', 'this overview (also: automirror help)'],
    ]),
    '',
    'exit codes:',
    ...table(EXIT_CODES.map((e) => [String(e.code), e.meaning])),
    '',
    ...CREDENTIALS_HELP.split('\n'),
  ];
}
