/**
 * FC timer schedules: a six-field cron (`sec min hour day-of-month month day-of-week`, UTC) or `@every <duration>`.
 * `next(after)` gives the first firing strictly after `after` (epoch ms).
 */
export interface Schedule {
  next(after: number): number;
}

export class CronError extends Error {}

const FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseSchedule(expr: string, anchor: number): Schedule {
  const every = /^@every\s+(.+)$/.exec(expr.trim());
  if (every) {
    const ms = parseDuration(every[1]);
    if (ms < 60_000) throw new CronError(`@every ${every[1]}: the interval must be at least 1m`);
    return { next: (after) => anchor + (Math.floor((after - anchor) / ms) + 1) * ms };
  }
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 6) throw new CronError(`"${expr}" must have six fields (seconds first) or be "@every <duration>"`);
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]));
  const [sec, min, hour, dom, mon, dow] = sets;
  const domAny = parts[3] === '*' || parts[3] === '?';
  const dowAny = parts[5] === '*' || parts[5] === '?';
  const dayMatches = (d: Date) => {
    const a = dom.has(d.getUTCDate());
    const b = dow.has(d.getUTCDay());
    if (domAny && dowAny) return true;
    if (domAny) return b;
    if (dowAny) return a;
    return a || b; // classic cron: either restriction fires
  };
  return {
    next(after: number): number {
      const start = new Date(Math.floor(after / 1000) * 1000 + 1000);
      const day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
      for (let d = 0; d < 366 * 5; d++) {
        const date = new Date(day + d * 86_400_000);
        if (!mon.has(date.getUTCMonth() + 1) || !dayMatches(date)) continue;
        for (const h of [...hour].sort((x, y) => x - y)) {
          for (const m of [...min].sort((x, y) => x - y)) {
            for (const s of [...sec].sort((x, y) => x - y)) {
              const t = date.getTime() + h * 3_600_000 + m * 60_000 + s * 1000;
              if (t > after) return t;
            }
          }
        }
      }
      throw new CronError(`"${expr}" never fires`);
    },
  };
}

function parseDuration(text: string): number {
  let total = 0;
  const re = /(\d+)(ms|s|m|h)/g;
  let consumed = '';
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * UNITS[m[2]];
    consumed += m[0];
  }
  if (consumed !== text.trim() || total === 0) throw new CronError(`"${text}" is not a duration such as 5m or 1h30m`);
  return total;
}

function parseField(text: string, f: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  const value = (s: string) => {
    const i = f.names?.indexOf(s.toUpperCase()) ?? -1;
    const n = i >= 0 ? i + f.min : Number(s);
    if (!Number.isInteger(n) || n < f.min || n > f.max) throw new CronError(`${f.name}: "${s}" is not in ${f.min}..${f.max}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`${f.name}: bad step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [f.min, f.max];
    else if (range.includes('-')) [lo, hi] = range.split('-').map(value) as [number, number];
    else [lo, hi] = [value(range), stepText === undefined ? value(range) : f.max];
    if (lo > hi) throw new CronError(`${f.name}: "${range}" is an empty range`);
    for (let n = lo; n <= hi; n += step) out.add(n);
  }
  return out;
}
