import { plan } from '../shared/engine/plan.js';
import { planInput } from './plan-input.js';

/**
 * One measurement in a fresh process (so peak RSS belongs to it alone): `baseline` builds the input and makes one
 * trivial pass over it (index sessions by source, sort decisions); `plan` does the same, then plans. Prints JSON.
 */

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const [mode, enis, sessions, runs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5] ?? 5)];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

let t = process.cpuUsage();
const input = planInput(enis, sessions);
const buildMs = cpuMs(t);

const trivial: number[] = [];
let indexed = 0;
for (let i = 0; i < runs; i++) {
  t = process.cpuUsage();
  const bySource = new Map<string, number>();
  for (const s of input.sessions) for (const src of s.sourceIds) bySource.set(src, (bySource.get(src) ?? 0) + 1);
  const sorted = [...input.decisions].sort((a, b) => (a.eniId < b.eniId ? -1 : 1));
  trivial.push(cpuMs(t));
  indexed = bySource.size + sorted.length;
}

const planned: number[] = [];
let actions = 0;
if (mode === 'plan') {
  plan(input);
  for (let i = 0; i < runs; i++) {
    gc();
    t = process.cpuUsage();
    actions = plan(input).actions.length;
    planned.push(cpuMs(t));
  }
}
process.stdout.write(JSON.stringify({ buildMs, trivialMs: median(trivial), indexed, planMs: planned.length ? median(planned) : undefined, actions, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
