import { ApiError, invalidParameter, missingParameter } from '../core/api-error.js';

/** Typed access to a POP request's flat parameters (`Name.N`, `Name.N.Field`), with the gateway's errors. */
export class Params {
  constructor(private readonly map: ReadonlyMap<string, string>) {}

  static from(pairs: Array<[string, string]>): Params {
    return new Params(new Map(pairs));
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  str(name: string): string | undefined {
    return this.map.get(name);
  }

  required(name: string): string {
    const v = this.map.get(name);
    if (v === undefined || v === '') throw missingParameter(name);
    return v;
  }

  int(name: string, range?: { min?: number; max?: number }): number | undefined {
    const raw = this.map.get(name);
    if (raw === undefined || raw === '') return undefined;
    if (!/^-?\d+$/.test(raw)) throw invalidParameter(name, `"${raw}" is not an integer`);
    const n = Number(raw);
    if (range?.min !== undefined && n < range.min) throw invalidParameter(name, `${n} is below ${range.min}`);
    if (range?.max !== undefined && n > range.max) throw invalidParameter(name, `${n} is above ${range.max}`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const raw = this.map.get(name);
    if (raw === undefined || raw === '') return undefined;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw invalidParameter(name, `"${raw}" is not a boolean`);
  }

  /** `Name.1`, `Name.2`, … in index order; `max` bounds N as the API documents. */
  list(name: string, max?: number): string[] {
    const out: Array<[number, string]> = [];
    const re = new RegExp(`^${escape(name)}\\.(\\d+)$`);
    for (const [k, v] of this.map) {
      const m = re.exec(k);
      if (m) out.push([Number(m[1]), v]);
    }
    out.sort((a, b) => a[0] - b[0]);
    if (max !== undefined && out.length > max) {
      throw new ApiError('InvalidParameter', `The number of ${name}.N exceeds the limit of ${max}.`);
    }
    return out.map(([, v]) => v);
  }

  /** `Name.N.Field` groups, e.g. `Tag.1.Key` / `Tag.1.Value`. */
  objects(name: string, max?: number): Array<Record<string, string>> {
    const groups = new Map<number, Record<string, string>>();
    const re = new RegExp(`^${escape(name)}\\.(\\d+)\\.(.+)$`);
    for (const [k, v] of this.map) {
      const m = re.exec(k);
      if (!m) continue;
      const i = Number(m[1]);
      const g = groups.get(i) ?? {};
      g[m[2]] = v;
      groups.set(i, g);
    }
    const out = [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
    if (max !== undefined && out.length > max) {
      throw new ApiError('InvalidParameter', `The number of ${name}.N exceeds the limit of ${max}.`);
    }
    return out;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
