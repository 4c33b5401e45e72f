import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_OWNERSHIP_KEYS } from '../test/support/ownership.js';
import type { Bench, Row } from './bench.js';

/** `npm run bench`: runs every bench/*.bench.ts in name order (or those named on the command line) and prints one table. */

const fmt = (n: number | undefined): string => (n === undefined ? '' : Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));

function table(rows: ReadonlyArray<Row & { bench: string }>): string {
  const head = ['bench', 'case', 'measure', 'value', 'baseline', 'ratio', 'target'];
  const cells = rows.map((r) => [
    r.bench,
    r.case,
    r.measure,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline === undefined ? '' : `${fmt(r.baseline)} ${r.unit}`,
    r.baseline ? `${fmt(r.value / r.baseline)}×` : '',
    r.target ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function main(only: string[]): Promise<void> {
  // The functions localcloud runs and the engine prove sessions with the tests' key (s.yaml reads it from here).
  process.env.AUTOMIRROR_OWNERSHIP_KEYS ||= TEST_OWNERSHIP_KEYS;
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
    .sort();
  const rows: Array<Row & { bench: string }> = [];
  for (const f of files) {
    const bench = ((await import(join(__dirname, f))) as { default: Bench }).default;
    process.stderr.write(`running ${bench.name} …\n`);
    for (const r of await bench.run()) rows.push({ bench: bench.name, ...r });
  }
  process.stdout.write(`${table(rows)}\n`);
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
