import { ApiError, invalidParameter, missingParameter } from '../core/api-error.js';

/** Typed access to a POP request's flat parameters (`Name.N`, `Name.N.Field`), with the gateway's errors. */
export class Params {
  constructor(private readonly map: ReadonlyMap<string, string>) {}

  static from(pairs: Iterable<[string, string]>): Params {
    return new Params(new Map(pairs));
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  /** The parameters as a plain object, for the call log and ActionTrail's requestParameters. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.map);
  }

  /** Equality filters for the parameters that were sent (non-empty): each compares a resource's field as a string. */
  equalities<T>(fields: Record<string, (t: T) => string | number | boolean>): Array<(t: T) => boolean> {
    return Object.entries(fields).flatMap(([name, field]) => {
      const want = this.map.get(name);
      return want ? [(t: T) => String(field(t)) === want] : [];
    });
  }

  str(name: string): string | undefined {
    return this.map.get(name);
  }

  required(name: string): string {
    const v = this.map.get(name);
    if (v === undefined || v === '') throw missingParameter(name);
    return v;
  }

  int(name: string, range: { min?: number; max?: number; required?: boolean } = {}): number | undefined {
    const raw = this.map.get(name);
    if (raw === undefined || raw === '') {
      if (range.required) throw missingParameter(name);
      return undefined;
    }
    if (!/^-?\d+$/.test(raw)) throw invalidParameter(name, `"${raw}" is not an integer`);
    const n = Number(raw);
    if (range.min !== undefined && n < range.min) throw invalidParameter(name, `${n} is below ${range.min}`);
    if (range.max !== undefined && n > range.max) throw invalidParameter(name, `${n} is above ${range.max}`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const raw = this.map.get(name);
    if (raw === undefined || raw === '') return undefined;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw invalidParameter(name, `"${raw}" is not a boolean`);
  }

  /** One of a fixed set of values. */
  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const raw = this.map.get(name);
    if (raw === undefined || raw === '') return undefined;
    if (!(values as readonly string[]).includes(raw)) throw invalidParameter(name, `"${raw}" is not one of ${values.join(', ')}`);
    return raw as T;
  }

  /** A name or description: the documented length bounds, and no leading http:// or https://. */
  text(name: string, min: number, max: number, code: string): string | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (v.length < min || v.length > max || /^https?:\/\//i.test(v)) {
      throw new ApiError(code, `${name} must be ${min}–${max} characters and must not start with http:// or https://.`);
    }
    return v;
  }

  /** `Name.1`, `Name.2`, … in index order; `max` bounds N as the API documents. */
  list(name: string, max?: number): string[] {
    const out: Array<[number, string]> = [];
    const re = new RegExp(`^${escapeRegExp(name)}\\.(\\d+)$`);
    for (const [k, v] of this.map) {
      const m = re.exec(k);
      if (m) out.push([Number(m[1]), v]);
    }
    out.sort((a, b) => a[0] - b[0]);
    return bounded(
      name,
      out.map(([, v]) => v),
      max,
    );
  }

  /** `Name.N.Field` groups, e.g. `Tag.1.Key` / `Tag.1.Value`; nested lists keep their suffix (`SecurityGroupIds.1`). */
  objects(name: string, max?: number): Array<Record<string, string>> {
    const groups = new Map<number, Record<string, string>>();
    const re = new RegExp(`^${escapeRegExp(name)}\\.(\\d+)\\.(.+)$`);
    for (const [k, v] of this.map) {
      const m = re.exec(k);
      if (!m) continue;
      const i = Number(m[1]);
      const g = groups.get(i) ?? {};
      g[m[2]] = v;
      groups.set(i, g);
    }
    return bounded(
      name,
      [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g),
      max,
    );
  }
}

function bounded<T>(name: string, items: T[], max: number | undefined): T[] {
  if (max !== undefined && items.length > max) throw new ApiError('InvalidParameter', `The number of ${name}.N exceeds the limit of ${max}.`);
  return items;
}

/** The values of a nested list inside one `objects()` group, e.g. `SecurityGroupIds.N` of `NetworkInterface.1`. */
export function nestedList(group: Record<string, string>, name: string): string[] {
  return new Params(new Map(Object.entries(group))).list(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
