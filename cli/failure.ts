import { defuse } from '../shared/report/text.js';
import { UsageError } from './args.js';
import type { CommandSpec } from './command.js';
import { FAILED, USAGE } from './exit-codes.js';
import { writeJson } from './output.js';
import { writeErrorLines } from './terminal.js';

/** What `--json` puts on stdout when a command fails: still exactly one JSON document. */
export interface JsonError {
  readonly error: { readonly kind: 'usage' | 'failed'; readonly message: string; readonly code?: string; readonly problems?: readonly string[] };
}

/** A failure of ours (exit 1) with a code for scripts, e.g. `NotFound` for a resource that does not exist. */
export class Failure extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'Failure';
  }
}

/** Whether `--json` was given (before any `--`), for the failures that happen before or outside a command's parse. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * A refusal that lists its problems (an invalid policy, an invalid world): its message's first line says what was
 * refused, `problems` one line each. Told as lines, never as one message with our own newlines in it.
 */
function problemsOf(err: unknown): { readonly head: string; readonly problems: readonly string[] } | undefined {
  const problems = (err as { problems?: unknown } | undefined)?.problems;
  if (!(err instanceof Error) || !Array.isArray(problems) || !problems.every((p) => typeof p === 'string')) return undefined;
  return { head: err.message.split('\n')[0].replace(/:$/, ''), problems };
}

/**
 * A command's failure, told once: a usage error (exit 2) is one line, the usage and where to read more; anything
 * else (the cloud's refusal, a missing file or resource) is one defused line, exit 1, or for a refusal listing
 * problems, a line for each. With --json the same, as {"error":{…}} on stdout too.
 */
export function reportFailure(err: unknown, command: Pick<CommandSpec, 'name' | 'usage'> | undefined, json: boolean): number {
  const usage = err instanceof UsageError;
  const listing = problemsOf(err);
  const message = defuse(listing?.head ?? (err instanceof Error ? err.message : String(err)));
  const problems = listing?.problems.map((p) => defuse(p));
  const where = command ? `automirror ${command.name}` : 'automirror';
  // The cloud's error code (CloudError) or Node's (ENOENT…), for scripts to branch on.
  const code = usage ? undefined : (err as { code?: unknown } | undefined)?.code;
  writeErrorLines(
    usage
      ? [`${where}: ${message}`, `usage: ${command?.usage ?? 'automirror COMMAND [flags]'}`, `see: automirror ${command ? `help ${command.name}` : '--help'}`]
      : problems
        ? [`${where}: ${message}:`, ...problems.map((p) => `  ${p}`)]
        : [`${where}: ${message}`],
  );
  if (json) {
    const doc: JsonError = { error: { kind: usage ? 'usage' : 'failed', message, ...(typeof code === 'string' ? { code: defuse(code) } : {}), ...(problems ? { problems } : {}) } };
    writeJson(doc);
  }
  return usage ? USAGE : FAILED;
}
