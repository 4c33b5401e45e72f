import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { commandHelp, globalHelp } from '../help-text.js';
import { writeJson } from '../output.js';
import { writeLines } from '../terminal.js';
import { version } from '../version.js';

/** `automirror help [COMMAND]`: the overview, or one command's description, flags and examples (as `COMMAND --help`). */
async function help(argv: string[], commands: readonly CommandSpec[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, COMMON_FLAGS);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const [name] = positionals;
  const spec = name === undefined ? undefined : commands.find((c) => c.name === name);
  if (name !== undefined && !spec) throw new UsageError(`unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}`);
  if (values.json) writeJson(spec ? specJson(spec) : commands.map(specJson));
  else writeLines(spec ? commandHelp(spec) : globalHelp(commands, version()));
  return 0;
}

/** A spec as data (for editors and wrappers): everything but run. */
const specJson = ({ run: _, ...spec }: CommandSpec) => spec;

/** The help command over the registry's commands (a function of them, as the registry lists help itself). */
export const helpCommand = (commands: () => readonly CommandSpec[]): CommandSpec => ({
  name: 'help',
  summary: 'the overview, or one command: what it does, every flag, examples',
  description: 'automirror help COMMAND is the same as automirror COMMAND --help. With --json, the command specs as data.',
  usage: 'automirror help [COMMAND]',
  flags: COMMON_FLAGS,
  examples: [{ command: 'automirror help plan', what: "plan's description, flags and examples" }],
  run: (argv) => help(argv, commands()),
});
