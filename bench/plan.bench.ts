import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Bench, Row } from './bench.js';

/** plan() over a region: CPU time and peak memory, each measured in a fresh process beside a baseline one. */

interface Measured {
  buildMs: number;
  trivialMs: number;
  planMs?: number;
  actions: number;
  maxRssMb: number;
}

function measure(mode: 'baseline' | 'plan', enis: number, sessions: number): Measured {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'plan-worker.ts'), mode, String(enis), String(sessions)], {
    encoding: 'utf8',
    cwd: join(__dirname, '..'),
  });
  return JSON.parse(out) as Measured;
}

const bench: Bench = {
  name: 'plan',
  async run() {
    const rows: Row[] = [];
    for (const [enis, sessions] of [
      [5_000, 1_250],
      [10_000, 2_500],
      [20_000, 5_000],
    ]) {
      const c = `${enis.toLocaleString('en')} ENIs / ${sessions.toLocaleString('en')} sessions`;
      const base = measure('baseline', enis, sessions);
      const p = measure('plan', enis, sessions);
      const full = enis === 20_000;
      rows.push({
        case: c,
        measure: `plan() CPU, median of 5 (${p.actions} actions) vs building the input`,
        value: p.planMs ?? 0,
        unit: 'ms',
        baseline: p.buildMs,
        target: full ? '< 1000 ms' : undefined,
      });
      rows.push({ case: c, measure: 'plan() CPU vs one trivial pass (index by source, sort)', value: p.planMs ?? 0, unit: 'ms', baseline: p.trivialMs });
      if (full) {
        rows.push({ case: c, measure: 'peak RSS of the process vs input only', value: p.maxRssMb, unit: 'MB', baseline: base.maxRssMb, target: '< 200 MB' });
        rows.push({ case: c, measure: 'peak RSS added by plan()', value: p.maxRssMb - base.maxRssMb, unit: 'MB' });
      }
    }
    return rows;
  },
};

export default bench;
