import { INSTANCE_TYPE_FAMILY, REGION, TAG_KEY, VPC_ID, VSWITCH_ID, ZONE } from './formats.js';
import { OPERATOR_NAMES, type OperatorName, TAG_OPERATORS } from './operators.js';
import { has, isMapping, list, mapping, oneOf, type Path, type Problems, show, type TextFormat, text } from './problems.js';
import { DEFAULT_MAX_DURATION_MS, MAX_DURATION_CEILING_MS, parseDuration, showDuration } from './temporary.js';
import type { Match, Scope, TagExpr } from './types.js';

const KINDS = ['all', 'any', 'not', 'tag'] as const;
const OPERATORS = OPERATOR_NAMES;
const MATCH_FIELDS = ['scope', 'enis', 'temporary'] as const;
// Deep enough for any real policy; bounds the recursion a hostile document can cause.
export const MAX_DEPTH = 16;
/** A rule's choice of ENIs; the first is the default. */
export const ENIS = ['all', 'primary'] as const;

export const SCOPE_DIMENSIONS: Readonly<Record<keyof Scope, TextFormat>> = {
  regions: REGION,
  vpcs: VPC_ID,
  vSwitches: VSWITCH_ID,
  zones: ZONE,
  instanceTypeFamilies: INSTANCE_TYPE_FAMILY,
};

/** A rule's `match`: a tag expression written directly in it, `scope`, and `enis`. */
export function parseMatch(p: Problems, path: Path, v: unknown): Match | undefined {
  if (!isMapping(v)) {
    p.add(path, `expected a mapping with a tag expression (all, any, not or tag), scope and enis, got ${show(v)}`);
    return undefined;
  }
  const exprKeys = Object.keys(v).filter((k) => !(MATCH_FIELDS as readonly string[]).includes(k));
  const tags = exprKeys.length > 0 ? parseExpr(p, path, v, 0, MATCH_FIELDS) : undefined;
  const scope = has(v, 'scope') ? parseScope(p, [...path, 'scope'], v.scope) : {};
  if (exprKeys.length === 0 && !has(v, 'scope') && !has(v, 'temporary')) {
    p.add(path, 'expected a tag expression (all, any, not or tag), a scope or temporary: a rule never matches every ENI by default');
  }
  const enis = has(v, 'enis') ? parseEnis(p, [...path, 'enis'], v.enis) : ENIS[0];
  const temporary = has(v, 'temporary') ? parseTemporary(p, [...path, 'temporary'], v.temporary) : undefined;
  if ((exprKeys.length > 0 && !tags) || !scope || !enis || (has(v, 'temporary') && !temporary)) return undefined;
  return { tags, scope, enis, ...(temporary && { temporary }) };
}

/** A standalone tag expression (the opt-out's `protected.match`), under the same rules as a rule's. */
export const parseTagExpr = (p: Problems, path: Path, v: unknown): TagExpr | undefined => parseExpr(p, path, v, 0);

/** `temporary: true` or `temporary: { maxDuration: 3d }`: the rule selects ENIs tagged automirror:until / automirror:for. */
function parseTemporary(p: Problems, path: Path, v: unknown): Match['temporary'] {
  if (v === true) return { maxDurationMs: DEFAULT_MAX_DURATION_MS };
  const m = isMapping(v) ? mapping(p, path, v, [], ['maxDuration']) : undefined;
  if (!m) {
    if (!isMapping(v)) p.add(path, `expected true or a mapping with maxDuration, got ${show(v)}`);
    return undefined;
  }
  if (!has(m, 'maxDuration')) return { maxDurationMs: DEFAULT_MAX_DURATION_MS };
  const d = typeof m.maxDuration === 'string' ? parseDuration(m.maxDuration) : { error: 'expected a duration like 12h or 7d' };
  if (typeof d !== 'number' || d > MAX_DURATION_CEILING_MS) {
    p.add([...path, 'maxDuration'], `${typeof d === 'number' ? `at most ${showDuration(MAX_DURATION_CEILING_MS)}` : d.error}, got ${show(m.maxDuration)}`);
    return undefined;
  }
  return { maxDurationMs: d };
}

function parseEnis(p: Problems, path: Path, v: unknown): Match['enis'] | undefined {
  if ((ENIS as readonly unknown[]).includes(v)) return v as Match['enis'];
  p.add(path, `expected primary or all, got ${show(v)}`);
  return undefined;
}

/**
 * One node of a tag expression. `siblings` are fields that share the mapping (a rule's `match` holds the expression
 * beside `scope` and `enis`) and are checked by the caller.
 */
function parseExpr(p: Problems, path: Path, v: unknown, depth: number, siblings: readonly string[] = []): TagExpr | undefined {
  if (!isMapping(v)) {
    p.add(path, `expected a tag condition {tag, ${OPERATOR_NAMES.join('|')}} or all, any, not; got ${show(v)}`);
    return undefined;
  }
  if (depth > MAX_DEPTH) {
    p.add(path, `expressions nest at most ${MAX_DEPTH} deep`);
    return undefined;
  }
  const kinds = KINDS.filter((k) => has(v, k));
  const kind = kinds.length === 1 ? kinds[0] : undefined;
  const allowed: readonly string[] = kind === undefined ? [...KINDS, ...OPERATORS] : kind === 'tag' ? ['tag', ...OPERATORS] : [kind];
  const unknown = Object.keys(v).filter((k) => !allowed.includes(k) && !siblings.includes(k));
  for (const key of unknown) p.add([...path, key], `unknown field; expected ${[...allowed, ...siblings].join(', ')}`);
  if (!kind) {
    if (kinds.length > 1) p.add(path, `expected one of all, any, not, tag, got ${kinds.join(' and ')}; combine several conditions under all or any`);
    else if (unknown.length === 0) p.add(path, `expected a tag condition {tag, ${OPERATOR_NAMES.join('|')}} or all, any, not`);
    return undefined;
  }
  const at = [...path, kind];
  if (kind === 'all' || kind === 'any') {
    const items = list(p, at, v[kind], (ip, x) => parseExpr(p, ip, x, depth + 1));
    return items && (kind === 'all' ? { all: items } : { any: items });
  }
  if (kind === 'not') {
    const inner = parseExpr(p, at, v.not, depth + 1);
    return inner && { not: inner };
  }
  return parseCondition(p, path, v);
}

function parseCondition(p: Problems, path: Path, v: Record<string, unknown>): TagExpr | undefined {
  const tag = text(p, [...path, 'tag'], v.tag, TAG_KEY);
  const op = oneOf(p, path, v, OPERATORS);
  if (!op) return undefined;
  const operand = TAG_OPERATORS[op as OperatorName].parse(p, [...path, op], v[op]);
  return tag !== undefined && operand !== undefined ? ({ tag, [op]: operand } as TagExpr) : undefined;
}

function parseScope(p: Problems, path: Path, v: unknown): Scope | undefined {
  const dims = Object.keys(SCOPE_DIMENSIONS) as Array<keyof Scope>;
  const m = mapping(p, path, v, [], dims);
  if (!m) return undefined;
  if (Object.keys(m).length === 0) {
    p.add(path, `expected at least one of ${dims.join(', ')}: an empty scope would match every ENI`);
    return undefined;
  }
  const scope: Record<string, readonly string[]> = {};
  let ok = true;
  for (const dim of dims) {
    if (!has(m, dim)) continue;
    const values = list(p, [...path, dim], m[dim], (ip, x) => text(p, ip, x, SCOPE_DIMENSIONS[dim]));
    if (values) scope[dim] = values;
    else ok = false;
  }
  return ok ? scope : undefined;
}
