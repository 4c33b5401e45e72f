import { TAG_PREFIX, TAG_VALUE } from './formats.js';
import { type JsonSchema, list as listSchema, text as textSchema } from './json-schema-parts.js';
import { boolean, list, type Path, type Problems, text } from './problems.js';

/**
 * The tag operators of a policy's conditions (`{ tag: K, <operator>: operand }`), one entry each: how the operand
 * is read from the document, how it tests a tag's value, and how it reads in an explanation. A new operator is one
 * entry here; the schema (schema-match.ts), the evaluation and the sentences (selector.ts), the TagExpr type
 * (types.ts) and policy.schema.json (json-schema.ts) all follow from this table.
 */
export interface TagOperator<V> {
  /** The operand from the document, or undefined with the problem recorded. */
  readonly parse: (p: Problems, at: Path, v: unknown) => V | undefined;
  /** The operand as policy.schema.json states it (what `parse` accepts), with the description editors show. */
  readonly schema: JsonSchema;
  /** A test of the tag's value (undefined when the ENI and its instance have no such tag). */
  readonly test: (operand: V) => (value: string | undefined) => boolean;
  /** What the condition needs, completing "needs …": `env in [prod, staging]`; `q` quotes keys and values. */
  readonly describe: (tag: string, operand: V, q: (s: string) => string) => string;
}

export const TAG_OPERATORS = {
  exists: {
    parse: (p, at, v) => boolean(p, at, v),
    schema: { description: 'true: the tag is present, with any value (even empty); false: it is absent', type: 'boolean' },
    test: (exists) => (exists ? (v) => v !== undefined : (v) => v === undefined),
    describe: (tag, exists, q) => `${exists ? '' : 'no '}tag ${q(tag)}`,
  } satisfies TagOperator<boolean>,
  equals: {
    parse: (p, at, v) => text(p, at, v, TAG_VALUE),
    schema: textSchema(TAG_VALUE, 'the tag\'s value is exactly this (case-sensitive); quote values YAML would read as numbers or booleans ("1", "off")'),
    test: (equals) => (v) => v === equals,
    describe: (tag, equals, q) => `${q(tag)}=${q(equals)}`,
  } satisfies TagOperator<string>,
  in: {
    parse: (p, at, v): readonly string[] | undefined => list(p, at, v, (ip, x) => text(p, ip, x, TAG_VALUE)),
    schema: listSchema(textSchema(TAG_VALUE, 'a tag value'), "the tag's value is one of these"),
    test: (values) => {
      const set = new Set(values);
      return (v) => v !== undefined && set.has(v);
    },
    describe: (tag, values, q) => `${q(tag)} in [${values.map(q).join(', ')}]`,
  } satisfies TagOperator<readonly string[]>,
  prefix: {
    parse: (p, at, v) => text(p, at, v, TAG_PREFIX),
    schema: textSchema(TAG_PREFIX, "the tag's value starts with this"),
    test: (prefix) => (v) => v?.startsWith(prefix) === true,
    describe: (tag, prefix, q) => `${q(tag)} starting with ${q(prefix)}`,
  } satisfies TagOperator<string>,
} as const;

export type OperatorName = keyof typeof TAG_OPERATORS;
type Operand<K extends OperatorName> = (typeof TAG_OPERATORS)[K] extends TagOperator<infer V> ? V : never;

/** One tag condition: the tag and exactly one operator with its operand, e.g. `{ tag: 'env', in: ['prod'] }`. */
export type TagCondition = { [K in OperatorName]: { readonly tag: string } & { readonly [P in K]: Operand<K> } }[OperatorName];

export const OPERATOR_NAMES = Object.keys(TAG_OPERATORS) as OperatorName[];

/** The operator a condition uses. */
export const operatorOf = (c: TagCondition): OperatorName => OPERATOR_NAMES.find((k) => k in c) as OperatorName;

/** A condition's operator entry and operand, typed together. */
export function operation(c: TagCondition): { op: TagOperator<unknown>; operand: unknown } {
  const name = operatorOf(c);
  return { op: TAG_OPERATORS[name] as TagOperator<unknown>, operand: (c as Record<string, unknown>)[name] };
}
