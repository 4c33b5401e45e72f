import { defuseJson } from '../shared/report/text.js';
import { writeLines } from './terminal.js';

/** `--json`: the command's one document on stdout, pretty-printed, defused (no raw bidi or separators from the cloud). */
export function writeJson(doc: unknown): void {
  process.stdout.write(`${defuseJson(JSON.stringify(doc, null, 2))}\n`);
}

/** A command's result: with --json the document alone on stdout, else its text, line by line (cli/terminal.ts). */
export function writeResult<D>(json: boolean | undefined, doc: D, text: (doc: D) => readonly string[]): void {
  if (json) writeJson(doc);
  else writeLines(text(doc));
}
