import { parseArgs } from 'node:util';
import type { FlagSpec, FlagSpecs } from './command.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The flags every command takes (spread into each spec). `--help`/`-h` is main's, before any command runs. */
export const COMMON_FLAGS = {
  json: { type: 'boolean', help: 'one JSON document on stdout (errors too, as {"error":{…}}); logs stay on stderr' },
  'no-color': { type: 'boolean', help: 'no colour even on a terminal (as NO_COLOR=1)' },
} as const satisfies FlagSpecs;

type ValueOf<F extends FlagSpec> = F['type'] extends 'boolean' ? boolean : string;
export type FlagValues<T extends FlagSpecs> = { -readonly [K in keyof T]?: T[K]['multiple'] extends true ? ValueOf<T[K]>[] : ValueOf<T[K]> };

/** parseArgs' errors as one short line each (its own messages add advice about `--` that reads as noise here). */
function rephrase(err: Error & { code?: string }): string {
  // The quoted option, long name preferred: '--foo', '-r, --region <value>'.
  const flag = (/'([^']*)'/.exec(err.message)?.[1] ?? '').match(/-{1,2}[^\s,<]+/g)?.at(-1) ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${flag}`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return /does not take an argument/.test(err.message) ? `${flag} takes no value` : `${flag} needs a value`;
  return err.message;
}

/** Strict flag parsing: an unknown flag or a missing value is a usage error, not silently ignored. */
export function parseFlags<T extends FlagSpecs>(argv: string[], flags: T): { values: FlagValues<T>; positionals: string[] } {
  // parseArgs refuses `short: undefined`: pass only the keys it reads, and only when set.
  const options = Object.fromEntries(Object.entries(flags).map(([name, f]) => [name, { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) }]));
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as FlagValues<T>, positionals };
  } catch (err) {
    throw new UsageError(rephrase(err as Error));
  }
}

export function required(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} is required`);
  return value;
}
