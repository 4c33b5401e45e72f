import type { DriftReport } from './model.js';
import { reportSchema } from './schema.js';
import { defuseJson } from './text.js';
import { assertReport } from './validate.js';

interface Shape {
  readonly properties?: Readonly<Record<string, Shape>>;
  readonly items?: Shape;
}

/** Keys in the schema's order, then unknown ones sorted; undefined values dropped, as JSON.stringify would. */
function ordered(value: unknown, shape: Shape | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, shape?.items));
  if (value === null || typeof value !== 'object') return value;
  const rec = value as Record<string, unknown>;
  const known = Object.keys(shape?.properties ?? {});
  const keys = [
    ...known.filter((k) => k in rec),
    ...Object.keys(rec)
      .filter((k) => !known.includes(k))
      .sort(),
  ];
  return Object.fromEntries(keys.filter((k) => rec[k] !== undefined).map((k) => [k, ordered(rec[k], shape?.properties?.[k])]));
}

/**
 * The full report as pretty JSON, byte-for-byte the same for the same report however it was built: keys in the
 * schema's order (`schema` and `version` first), two-space indent, a final newline. Control and bidi characters in
 * values are `\uXXXX` escapes, so printing or `cat`-ing it is safe.
 */
export function renderJson(report: DriftReport): string {
  return `${defuseJson(JSON.stringify(ordered(report, reportSchema as Shape), null, 2))}\n`;
}

/** A drift report read back from JSON, checked against the schema and its own totals. */
export function parseReport(text: string): DriftReport {
  return assertReport(JSON.parse(text));
}
