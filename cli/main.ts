import { UsageError } from './args.js';
import { USAGE } from './exit-codes.js';
import { reportFailure, wantsJson } from './failure.js';
import { globalHelp } from './help-text.js';
import { COMMANDS, findCommand } from './registry.js';
import { writeErrorLines } from './terminal.js';
import { version } from './version.js';

/** `--help`/`-h` anywhere before `--`: the command's help, whatever else is on the line. */
const asksHelp = (argv: readonly string[]): boolean => argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).some((a) => a === '--help' || a === '-h');

/** Flags of every command that may also come before it (`automirror --json plan …`): handed to the command. */
const LEADING = new Set(['--json', '--no-color']);

async function main(argv: string[]): Promise<number> {
  const lead = argv.findIndex((a) => !LEADING.has(a));
  const leading = lead === -1 ? argv : argv.slice(0, lead);
  const [name, ...others] = argv.slice(leading.length);
  const rest = [...leading, ...others];
  if (name === undefined) {
    if (wantsJson(leading)) return reportFailure(new UsageError('a command is required'), undefined, true);
    writeErrorLines(globalHelp(COMMANDS, version()));
    return USAGE;
  }
  if (name === '--help' || name === '-h') return main(['help', ...rest]);
  if (name === '--version' || name === '-v') return main(['version', ...rest]);
  const cmd = findCommand(name);
  if (!cmd) return reportFailure(new UsageError(`unknown command "${name}"`), undefined, wantsJson(argv));
  // As `automirror help CMD` prints it, as JSON with --json.
  if (asksHelp(rest)) return main(['help', cmd.name, ...(wantsJson(rest) ? ['--json'] : [])]);
  try {
    return await cmd.run(rest);
  } catch (err) {
    return reportFailure(err, cmd, wantsJson(rest));
  }
}

// A reader that stops early (`automirror policy schema | head`) closes the pipe: the rest of the output has no one to
// read it, which is not a failure of the command (as for cat or grep).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
