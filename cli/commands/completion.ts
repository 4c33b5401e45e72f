import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { bashCompletion, zshCompletion } from '../completion.js';
import { writeJson } from '../output.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion } as const;

async function completion(argv: string[], commands: readonly CommandSpec[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, COMMON_FLAGS);
  const [shell, ...extra] = positionals;
  if (shell === undefined) throw new UsageError('expected a shell: bash or zsh');
  if (!Object.hasOwn(SHELLS, shell)) throw new UsageError(`unknown shell "${shell}": bash or zsh`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const script = SHELLS[shell as keyof typeof SHELLS](commands);
  if (values.json) writeJson({ shell, script });
  else process.stdout.write(script);
  return 0;
}

/** The completion command over the registry's commands (a function of them, as the registry lists it too). */
export const completionCommand = (commands: () => readonly CommandSpec[]): CommandSpec => ({
  name: 'completion',
  summary: 'a shell completion script for bash or zsh (commands, subcommands, flags)',
  description: [
    'Prints a completion script generated from the same command specs as help: the commands, their subcommands and',
    "flags, and file names after a flag that takes a FILE or DIR. Load it in your shell's startup file.",
  ].join('\n'),
  usage: 'automirror completion bash|zsh',
  flags: COMMON_FLAGS,
  subcommands: [
    { name: 'bash', summary: 'for bash: source <(automirror completion bash)' },
    { name: 'zsh', summary: 'for zsh, after compinit: source <(automirror completion zsh)' },
  ],
  examples: [
    { command: "echo 'source <(automirror completion bash)' >> ~/.bashrc", what: 'completes automirror in every new bash' },
    { command: "echo 'source <(automirror completion zsh)' >> ~/.zshrc", what: 'the same for zsh (after compinit)' },
  ],
  run: (argv) => completion(argv, commands()),
});
