import { minLength, type TextFormat, UNSAFE_CHARS } from './problems.js';

/**
 * JSON Schema (draft-07) for the validator's primitive checks (problems.ts), built from the same formats and limits,
 * so that policy.schema.json (json-schema.ts) and `policy check` read a field alike.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A RegExp as a JSON Schema pattern. Validators and editors compile patterns with the `u` flag and nothing else, so a
 * format spelled with another flag (`i`, `s`, `m`) would mean something different there: refused here.
 */
export function patternOf(re: RegExp): string {
  if (re.flags !== '' && re.flags !== 'u') throw new Error(`/${re.source}/${re.flags}: a JSON Schema pattern takes no flags`);
  return re.source;
}

/** problems.ts `text()`: a string without unsafe characters, of the format's length and shape. */
export const text = (f: TextFormat, description: string): JsonSchema => ({
  description,
  type: 'string',
  minLength: minLength(f),
  maxLength: f.max,
  ...(f.pattern && { pattern: patternOf(f.pattern) }),
  not: { pattern: patternOf(UNSAFE_CHARS) },
});

/** problems.ts `list()`: a non-empty list. */
export const list = (items: JsonSchema, description: string, extra: JsonSchema = {}): JsonSchema => ({ description, type: 'array', minItems: 1, items, ...extra });

/** problems.ts `integer()`. */
export const integer = (min: number, max: number, description: string, extra: JsonSchema = {}): JsonSchema => ({ description, type: 'integer', minimum: min, maximum: max, ...extra });

/** problems.ts `mapping()`: only the listed fields, the required ones present. */
export const mapping = (description: string, properties: Readonly<Record<string, JsonSchema>>, required: readonly string[] = [], extra: JsonSchema = {}): JsonSchema => ({
  description,
  type: 'object',
  ...(required.length > 0 && { required }),
  properties,
  additionalProperties: false,
  ...extra,
});

/** problems.ts `oneOf()`: exactly one of the keys present. */
export const exactlyOneOf = (keys: readonly string[]): JsonSchema => ({ oneOf: keys.map((k) => ({ required: [k] })) });

/** `if`/`then`/`else`: where what a field allows depends on another field. */
export const when = (condition: JsonSchema, then: JsonSchema, otherwise?: JsonSchema): JsonSchema => ({
  if: condition,
  then,
  ...(otherwise && { else: otherwise }),
});
