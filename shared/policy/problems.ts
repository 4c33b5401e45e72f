/** Collecting every problem of a policy document with the path it is at, and the primitive checks that report them. */

export type Path = ReadonlyArray<string | number>;

export interface Problem {
  readonly path: Path;
  readonly message: string;
}

/**
 * The problems of one document: the first `limit` kept, the rest only counted, so a hostile document with
 * thousands of mistakes costs no more to report (each kept problem is located in the text later) than to read.
 */
export class Problems {
  readonly list: Problem[] = [];
  /** Problems found beyond the `limit` kept. */
  more = 0;

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  add(path: Path, message: string): void {
    if (this.list.length < this.limit) this.list.push({ path, message });
    else this.more++;
  }
}

/** `rules[0].mirror.priority.max`; odd or huge keys (a typo with spaces, `__proto__`) are quoted and clipped. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z][A-Za-z0-9]*$/.test(seg) && seg.length <= 40) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(clip(seg))}]`;
  }
  return out;
}

export const clip = (s: string, max = 40): string => (s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s);

/** What was found, for "expected …, got …": quoted and clipped text, so hostile values cannot flood or forge output. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(clip(v));
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

export const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const has = (o: Record<string, unknown>, key: string): boolean => Object.hasOwn(o, key);

/** A mapping with only the listed fields; unknown fields and missing required ones are each a problem. */
export function mapping(p: Problems, path: Path, v: unknown, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> | undefined {
  if (!isMapping(v)) {
    p.add(path, `expected a mapping with ${[...required, ...optional].join(', ')}, got ${show(v)}`);
    return undefined;
  }
  const allowed = [...required, ...optional];
  for (const key of Object.keys(v)) if (!allowed.includes(key)) p.add([...path, key], `unknown field; expected one of ${allowed.join(', ')}`);
  for (const key of required) if (!has(v, key)) p.add([...path, key], 'required field is missing');
  return v;
}

// The primitive checks stay silent on a missing value: mapping() has reported the missing field already.

export function integer(p: Problems, path: Path, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (Number.isInteger(v) && (v as number) >= min && (v as number) <= max) return v as number;
  p.add(path, `expected an integer ${min}–${max}, got ${show(v)}`);
  return undefined;
}

export function boolean(p: Problems, path: Path, v: unknown): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  p.add(path, `expected true or false, got ${show(v)}`);
  return undefined;
}

/** A kind of text the policy accepts: what it is called in messages, its length limits, its shape. */
export interface TextFormat {
  readonly what: string;
  readonly max: number;
  /** 1 when absent: an empty text is refused unless a format allows it. */
  readonly min?: number;
  readonly pattern?: RegExp;
}

// C0/C1 controls, line/paragraph separators, the soft hyphen and every format character (Unicode category Cf:
// zero-width spaces and joiners, bidi marks and overrides, word joiners, the byte order mark): invisible or
// misleading in a file a person reviews, and a tag that holds one looks right and never matches.
export const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u00ad\u2028\u2029\p{Cf}]/u;

/** `U+200B`: a character named by its code point, since it can't be seen. */
export const codePoint = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

export const minLength = (f: TextFormat): number => f.min ?? 1;

export function text(p: Problems, path: Path, v: unknown, f: TextFormat): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    const hint = typeof v === 'number' || typeof v === 'boolean' ? ` (quote it, "${String(v)}", if it is meant as text)` : '';
    p.add(path, `expected ${f.what}, got ${show(v)}${hint}`);
  } else if (UNSAFE_CHARS.test(v)) {
    const bad = UNSAFE_CHARS.exec(v) as RegExpExecArray;
    p.add(path, `expected ${f.what} without control or invisible characters, got ${show(v)} (${codePoint(bad[0])} at character ${bad.index + 1})`);
  } else if (v.length < minLength(f) || v.length > f.max) {
    p.add(path, `expected ${f.what} of ${minLength(f)}–${f.max} characters, got ${v.length}`);
  } else if (f.pattern && !f.pattern.test(v)) {
    p.add(path, `expected ${f.what}, got ${show(v)}`);
  } else {
    return v;
  }
  return undefined;
}

/** A non-empty list whose items each pass `item`; undefined if the list or any item is refused. */
export function list<T>(p: Problems, path: Path, v: unknown, item: (path: Path, v: unknown) => T | undefined): T[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) {
    p.add(path, `expected a non-empty list, got ${Array.isArray(v) ? 'an empty list' : show(v)}`);
    return undefined;
  }
  const out = v.map((x, i) => item([...path, i], x));
  return out.every((x) => x !== undefined) ? (out as T[]) : undefined;
}

/** Exactly one of `keys` present in `o`; reports none or several at `path`. */
export function oneOf(p: Problems, path: Path, o: Record<string, unknown>, keys: readonly string[]): string | undefined {
  const present = keys.filter((k) => has(o, k));
  if (present.length === 1) return present[0];
  p.add(path, `expected exactly one of ${keys.join(', ')}, got ${present.length === 0 ? 'none' : present.join(' and ')}`);
  return undefined;
}
