/**
 * FC timer schedules: a six-field cron (`sec min hour day-of-month month day-of-week`, UTC) or `@every <duration>`.
 * `next(after)` gives the first firing strictly after `after` (epoch ms). An expression comes from an API caller, so
 * it is read by plain scans, each character once: no regular expression that could backtrack.
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

const EVERY = '@every';

/** An expression as quoted in an error: bounded, whatever the caller sent. */
const quote = (text: string) => JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);

export function parseSchedule(expr: string, anchor: number): Schedule {
  const text = expr.trim();
  if (text.startsWith(EVERY) && (text.length === EVERY.length || isSpace(text[EVERY.length]))) {
    const spec = text.slice(EVERY.length).trim();
    const ms = parseDuration(spec);
    if (ms < 60_000) throw new CronError(`@every ${quote(spec)}: the interval must be at least 1m`);
    return { next: (after) => anchor + (Math.floor((after - anchor) / ms) + 1) * ms };
  }
  const parts = words(text);
  if (parts.length !== 6) throw new CronError(`${quote(expr)} must have six fields (seconds first) or be "@every <duration>"`);
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

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Splits on runs of whitespace; stops counting past seven words (six are wanted). */
function words(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length && out.length < 7; i++) {
    const space = i === text.length || isSpace(text[i]);
    if (!space && start < 0) start = i;
    if (space && start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    }
  }
  return out;
}

/** `1h30m`, `5m`, `90s`, `1500ms`: digit runs each followed by a unit. */
function parseDuration(text: string): number {
  const bad = () => new CronError(`${quote(text)} is not a duration such as 5m or 1h30m`);
  let total = 0;
  let i = 0;
  if (text === '') throw bad();
  while (i < text.length) {
    const start = i;
    while (isDigit(text[i])) i++;
    if (i === start || i - start > 9) throw bad();
    const unit = text.startsWith('ms', i) ? 'ms' : text[i];
    if (unit === undefined || !Object.hasOwn(UNITS, unit)) throw bad();
    total += Number(text.slice(start, i)) * UNITS[unit];
    i += unit.length;
  }
  if (total === 0) throw bad();
  return total;
}

/** A field's number or name: digits only (no sign, no blank), or one of its names. */
function fieldValue(s: string, f: (typeof FIELDS)[number]): number {
  const i = f.names?.indexOf(s.toUpperCase()) ?? -1;
  let n = i >= 0 ? i + f.min : Number.NaN;
  if (i < 0 && s.length > 0 && s.length <= 2 && [...s].every(isDigit)) n = Number(s);
  if (!Number.isInteger(n) || n < f.min || n > f.max) throw new CronError(`${f.name}: ${quote(s)} is not in ${f.min}..${f.max}`);
  return n;
}

function parseField(text: string, f: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const pieces = part.split('/');
    if (pieces.length > 2) throw new CronError(`${f.name}: bad step in ${quote(part)}`);
    const [range, stepText] = pieces;
    const step = stepText === undefined ? 1 : fieldStep(stepText, f, part);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [f.min, f.max];
    else if (range.includes('-')) {
      const ends = range.split('-');
      if (ends.length !== 2) throw new CronError(`${f.name}: ${quote(range)} is not a range`);
      [lo, hi] = [fieldValue(ends[0], f), fieldValue(ends[1], f)];
    } else [lo, hi] = [fieldValue(range, f), stepText === undefined ? fieldValue(range, f) : f.max];
    if (lo > hi) throw new CronError(`${f.name}: ${quote(range)} is an empty range`);
    for (let n = lo; n <= hi; n += step) out.add(n);
  }
  return out;
}

function fieldStep(text: string, f: (typeof FIELDS)[number], part: string): number {
  const step = text.length > 0 && text.length <= 2 && [...text].every(isDigit) ? Number(text) : Number.NaN;
  if (!Number.isInteger(step) || step < 1) throw new CronError(`${f.name}: bad step in ${quote(part)}`);
  return step;
}
