import { defuse } from '../shared/report/text.js';

type Out = Pick<NodeJS.WriteStream, 'write'>;

/**
 * The one way the CLI writes text to a terminal: line by line, each line defused (shared/report/text.ts), so no
 * value from the cloud or an event inside it can end the line, start an escape sequence or reorder what is shown.
 * Our own line breaks are the array's; a CR/LF inside a line is shown as U+FFFD.
 */
export function writeLines(lines: readonly string[], out: Out = process.stdout): void {
  out.write(lines.map((l) => `${defuse(l)}\n`).join(''));
}

/** {@link writeLines} to stderr: errors and diagnostics. */
export const writeErrorLines = (lines: readonly string[]): void => writeLines(lines, process.stderr);
