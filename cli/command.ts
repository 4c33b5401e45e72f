/**
 * What a command of `automirror` is: its flags and words for help, and what it runs. Help, usage lines and shell
 * completion are generated from these specs, so a flag is declared in exactly one place.
 *
 * Parsing is node:util parseArgs (cli/args.ts) with our own help table rather than commander or yargs: it costs
 * nothing in the bundle or the dependency tree, its strict mode already refuses unknown flags and missing values,
 * and with the specs as plain data the help, the usage errors and the completion scripts all read the same record.
 */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The placeholder in help, e.g. FILE, PCT, R[,R…]|all. */
  readonly value?: string;
  readonly help: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface CommandSpec {
  readonly name: string;
  /** One line for `automirror --help`. */
  readonly summary: string;
  /** Paragraph(s) for `automirror help CMD` and `CMD --help`; a `\n` starts a new line. */
  readonly description: string;
  readonly usage: string;
  /** Every flag, each with help; parseFlags reads this record. */
  readonly flags: FlagSpecs;
  /** At least one. */
  readonly examples: readonly { readonly command: string; readonly what: string }[];
  readonly subcommands?: readonly { readonly name: string; readonly summary: string }[];
  run(argv: string[]): Promise<number>;
}
