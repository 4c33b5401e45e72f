import { parseDocument } from 'yaml';
import { PolicyError, parsePolicy } from '../shared/policy/load.js';
import type { Bench, Row } from './bench.js';

/**
 * `policy check` on hostile documents near the 256 KB limit: thousands of unknown fields, thousands of repeated keys.
 * Beside each, the baseline: the same text through the YAML parser alone (without its quadratic unique-key check).
 */

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ms(fn: () => void): number {
  return median(
    Array.from({ length: 5 }, () => {
      const t = process.hrtime.bigint();
      fn();
      return Number(process.hrtime.bigint() - t) / 1e6;
    }),
  );
}

const check = (text: string) => () => {
  try {
    parsePolicy(text, 'bench.yaml');
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
  }
};

const bench: Bench = {
  name: 'policy-check',
  async run() {
    const cases: Array<[string, string]> = [
      ['18,000 unknown fields', `version: 1\nrules:\n  - name: web\n${Array.from({ length: 18_000 }, (_, i) => `    k${i}: 1`).join('\n')}\n`],
      ['18,000 repeated keys', `version: 1\nrules:\n  - name: web\n${'    k: 1\n'.repeat(18_000)}`],
    ];
    const rows: Row[] = [];
    for (const [name, text] of cases) {
      rows.push({
        case: `${name} (${Math.round(text.length / 1024)} KB)`,
        measure: 'parse, validate, list 200 problems (median of 5) vs YAML parse alone',
        value: ms(check(text)),
        unit: 'ms',
        baseline: ms(() => parseDocument(text, { uniqueKeys: false })),
        target: 'a small multiple of the parse',
      });
    }
    return rows;
  },
};

export default bench;
