import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { writeJson } from '../output.js';
import { version } from '../version.js';

/** `automirror version` (also `--version`, `-v`): package.json's version, alone on stdout. */
async function versionCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, COMMON_FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.json) writeJson({ version: version() });
  else process.stdout.write(`${version()}\n`);
  return 0;
}

export const command: CommandSpec = {
  name: 'version',
  summary: 'the version of automirror (also --version, -v)',
  description: 'The version of this checkout, package.json\'s, alone on stdout; with --json as {"version": …}.',
  usage: 'automirror version',
  flags: COMMON_FLAGS,
  examples: [{ command: 'automirror --version', what: 'prints e.g. 0.1.0' }],
  run: versionCommand,
};
