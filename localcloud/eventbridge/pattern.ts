/**
 * EventBridge event patterns (EventBridge user guide "Event patterns", and the CreateRule API reference).
 * A pattern mirrors the event's nesting; every leaf is an array of conditions, ORed; keys are ANDed.
 * `checkPattern` validates as CreateRule does; `matches` is the router's test. Both are pure.
 */

export class PatternError extends Error {}

/** At most this many expressions (array elements) per field, as the CreateRule reference states. */
export const MAX_EXPRESSIONS_PER_FIELD = 5;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Condition = Json;
export type Pattern = { [key: string]: Condition[] | Pattern };

const OPERATORS = new Set(['prefix', 'suffix', 'contains', 'anything-but', 'numeric', 'cidr', 'exists']);
const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and validates a FilterPattern string. */
export function parsePattern(text: string): Pattern {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PatternError('The filter pattern is not valid JSON.');
  }
  checkPattern(raw);
  return raw as Pattern;
}

export function checkPattern(raw: unknown, path = ''): void {
  if (!isObject(raw)) throw new PatternError(`${path || 'The pattern'} must be a JSON object.`);
  for (const [key, value] of Object.entries(raw)) {
    const at = path ? `${path}.${key}` : key;
    if (Array.isArray(value)) {
      if (value.length > MAX_EXPRESSIONS_PER_FIELD) {
        throw new PatternError(`${at} has ${value.length} expressions; at most ${MAX_EXPRESSIONS_PER_FIELD} are allowed per field.`);
      }
      for (const c of value) checkCondition(c, at);
    } else if (isObject(value)) {
      checkPattern(value, at);
    } else {
      throw new PatternError(`${at} must be an array of conditions or a nested object.`);
    }
  }
}

function checkCondition(c: unknown, at: string): void {
  if (c === null || ['string', 'number', 'boolean'].includes(typeof c)) return;
  if (!isObject(c) || Object.keys(c).length === 0) throw new PatternError(`${at}: a condition is a value or an operator object.`);
  for (const [op, arg] of Object.entries(c)) {
    if (!OPERATORS.has(op)) throw new PatternError(`${at}: unknown operator "${op}".`);
    const bad = (why: string) => new PatternError(`${at}: "${op}" ${why}.`);
    switch (op) {
      case 'prefix':
      case 'suffix':
      case 'contains':
        if (typeof arg !== 'string') throw bad('takes a string');
        break;
      case 'exists':
        if (typeof arg !== 'boolean') throw bad('takes true or false');
        break;
      case 'cidr':
        if (typeof arg !== 'string' || parseCidr(arg) === undefined) throw bad('takes an IPv4 CIDR block such as "10.0.0.0/24"');
        break;
      case 'numeric':
        checkNumeric(arg, bad);
        break;
      case 'anything-but':
        if (typeof arg === 'string' || typeof arg === 'number') break;
        if (Array.isArray(arg) && arg.length > 0 && arg.every((x) => typeof x === 'string' || typeof x === 'number')) break;
        if (isObject(arg) && Object.keys(arg).length === 1 && (typeof arg.prefix === 'string' || typeof arg.suffix === 'string')) break;
        throw bad('takes a string, a number, a list of them, or {"prefix": …} / {"suffix": …}');
    }
  }
}

function checkNumeric(arg: unknown, bad: (why: string) => Error): void {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) throw bad('takes [op, number, …] pairs');
  for (let i = 0; i < arg.length; i += 2) {
    if (!NUMERIC_OPS.has(arg[i] as string) || typeof arg[i + 1] !== 'number') throw bad(`has an invalid pair at ${i}`);
  }
}

/** True when the event satisfies the pattern. */
export function matches(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, cond]) => {
    const present = isObject(event) && Object.hasOwn(event, key);
    const value = present ? (event as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(cond)) {
      // Nested key: the event must hold an object there (or, by the intersection rule, an array with one that matches).
      if (Array.isArray(value)) return value.some((v) => matches(cond, v));
      return present && matches(cond, value);
    }
    return cond.some((c) => conditionHolds(c, present, value));
  });
}

function conditionHolds(c: Condition, present: boolean, value: unknown): boolean {
  if (isObject(c) && 'exists' in c && Object.keys(c).length === 1) return c.exists === present;
  if (!present) return false;
  // An array-valued field matches when any of its elements does (non-empty intersection).
  if (Array.isArray(value)) return value.some((v) => valueHolds(c, v));
  return valueHolds(c, value);
}

function valueHolds(c: Condition, v: unknown): boolean {
  if (!isObject(c)) return c === v;
  return Object.entries(c).every(([op, arg]) => operatorHolds(op, arg, v));
}

function operatorHolds(op: string, arg: unknown, v: unknown): boolean {
  switch (op) {
    case 'prefix':
      return typeof v === 'string' && v.startsWith(arg as string);
    case 'suffix':
      return typeof v === 'string' && v.endsWith(arg as string);
    case 'contains':
      return typeof v === 'string' && v.includes(arg as string);
    case 'exists':
      return arg === true; // reached only when the field is present
    case 'cidr': {
      const block = parseCidr(arg as string)!;
      const ip = typeof v === 'string' ? parseIpv4(v) : undefined;
      return ip !== undefined && (ip & block.mask) >>> 0 === block.network;
    }
    case 'numeric': {
      if (typeof v !== 'number') return false;
      const pairs = arg as Array<string | number>;
      for (let i = 0; i < pairs.length; i += 2) if (!compare(v, pairs[i] as string, pairs[i + 1] as number)) return false;
      return true;
    }
    case 'anything-but':
      return anythingBut(arg, v);
    default:
      return false;
  }
}

function anythingBut(arg: unknown, v: unknown): boolean {
  if (isObject(arg)) {
    if (typeof v !== 'string') return false;
    if (typeof arg.prefix === 'string') return !v.startsWith(arg.prefix);
    return !v.endsWith(arg.suffix as string);
  }
  const excluded = Array.isArray(arg) ? arg : [arg];
  return !excluded.includes(v as string | number);
}

function compare(v: number, op: string, n: number): boolean {
  switch (op) {
    case '=':
      return v === n;
    case '<':
      return v < n;
    case '<=':
      return v <= n;
    case '>':
      return v > n;
    default:
      return v >= n;
  }
}

function parseIpv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => ((acc << 8) | Number(p)) >>> 0, 0);
}

function parseCidr(s: string): { network: number; mask: number } | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s);
  if (!m || Number(m[2]) > 32) return undefined;
  const ip = parseIpv4(m[1]);
  if (ip === undefined) return undefined;
  const bits = Number(m[2]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { network: (ip & mask) >>> 0, mask };
}
