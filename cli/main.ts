import { UsageError } from './args.js';
import { OK, USAGE } from './exit-codes.js';
import { reportFailure, wantsJson } from './failure.js';
import { commandHelp, globalHelp } from './help-text.js';
import { COMMANDS, findCommand } from './registry.js';
import { writeErrorLines, writeLines } from './terminal.js';
import { version } from './version.js';

/** `--help`/`-h` anywhere before `--`: the command's help, whatever else is on the line. */
const asksHelp = (argv: readonly string[]): boolean => argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).some((a) => a === '--help' || a === '-h');

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    writeErrorLines(globalHelp(COMMANDS, version()));
    return USAGE;
  }
  if (name === '--help' || name === '-h') return main(['help', ...rest]);
  if (name === '--version' || name === '-v') return main(['version', ...rest]);
  const cmd = findCommand(name);
  if (!cmd) return reportFailure(new UsageError(`unknown command "${name}"`), undefined, wantsJson(argv));
  if (asksHelp(rest)) {
    writeLines(commandHelp(cmd));
    return OK;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    return reportFailure(err, cmd, wantsJson(rest));
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
