import { defuse } from '../shared/report/text.js';
import type { Paint, Style } from './style.js';

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

/** A piece of a line, painted or not; a line is a string or a list of pieces. */
export type Segment = string | { readonly text: string; readonly paint: Paint };
export type StyledLine = string | readonly Segment[];

/**
 * {@link writeLines} with colour: each piece is defused first and painted after (cli/style.ts), so an escape in the
 * output is always ours. With a plain style (no TTY, NO_COLOR, --no-color) it writes exactly what writeLines would.
 */
export function writeStyled(lines: readonly StyledLine[], style: Style, out: Out = process.stdout): void {
  const piece = (s: Segment) => (typeof s === 'string' ? defuse(s) : style[s.paint](defuse(s.text)));
  out.write(lines.map((l) => `${typeof l === 'string' ? defuse(l) : l.map(piece).join('')}\n`).join(''));
}
