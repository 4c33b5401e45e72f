import { defuse } from '../shared/report/text.js';
import { UsageError } from './args.js';
import type { CommandSpec } from './command.js';
import { FAILED, USAGE } from './exit-codes.js';
import { writeJson } from './output.js';
import { writeErrorLines } from './terminal.js';

/** What `--json` puts on stdout when a command fails: still exactly one JSON document. */
export interface JsonError {
  readonly error: { readonly kind: 'usage' | 'failed'; readonly message: string; readonly code?: string };
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
 * A command's failure, told once: a usage error (exit 2) is one line, the usage and where to read more; anything
 * else (the cloud's refusal, a missing file or resource) is one defused line, exit 1. With --json the same, as
 * {"error":{…}} on stdout too.
 */
export function reportFailure(err: unknown, command: Pick<CommandSpec, 'name' | 'usage'> | undefined, json: boolean): number {
  const usage = err instanceof UsageError;
  const message = defuse(err instanceof Error ? err.message : String(err));
  const where = command ? `automirror ${command.name}` : 'automirror';
  // The cloud's error code (CloudError) or Node's (ENOENT…), for scripts to branch on.
  const code = usage ? undefined : (err as { code?: unknown } | undefined)?.code;
  writeErrorLines(
    usage ? [`${where}: ${message}`, `usage: ${command?.usage ?? 'automirror COMMAND [flags]'}`, `see: automirror ${command ? `help ${command.name}` : '--help'}`] : [`${where}: ${message}`],
  );
  if (json) {
    const doc: JsonError = { error: { kind: usage ? 'usage' : 'failed', message, ...(typeof code === 'string' ? { code: defuse(code) } : {}) } };
    writeJson(doc);
  }
  return usage ? USAGE : FAILED;
}
