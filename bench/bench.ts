/** What a bench file (bench/*.bench.ts) exports by default, and the rows bench/run.ts prints. */

export interface Row {
  /** What was measured on, e.g. `20,000 ENIs / 5,000 sessions`. */
  readonly case: string;
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  /** The same measure of the baseline, measured in the same run; the table shows value / baseline. */
  readonly baseline?: number;
  /** The figure aimed at, as text (no assertion is made). */
  readonly target?: string;
}

/** How a row's target says whether the figure meets it (issue 13: the bench says which target each figure meets). */
export const verdict = (ok: boolean): string => (ok ? 'meets' : 'misses');

export interface Bench {
  readonly name: string;
  run(): Promise<Row[]>;
}
