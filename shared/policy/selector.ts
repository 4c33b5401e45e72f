import { operation } from './operators.js';
import { clip } from './problems.js';
import type { TagExpr } from './types.js';

/** A tag expression compiled once per policy into closures, with the sentence that says why it failed. */

/**
 * The ENI's effective tags (its own over its instance's) in a null-prototype object, so a key such as `__proto__`
 * or `constructor` finds a real tag or nothing, never a property of Object.prototype.
 */
export type TagView = Readonly<Record<string, string | undefined>>;

export interface CompiledExpr {
  readonly test: (tags: TagView) => boolean;
  /** Why `test` is false, for a person: `needs env in [prod, staging], found env=dev`. */
  readonly why: (tags: TagView) => string;
}

export function compileExpr(e: TagExpr): CompiledExpr {
  if ('all' in e) {
    const parts = e.all.map(compileExpr);
    const test = compileTest(e);
    // The first failing part is the deciding one: its own sentence is more precise than the whole conjunction's.
    return { test, why: (tags) => (parts.find((x) => !x.test(tags)) ?? parts[0]).why(tags) };
  }
  const test = compileTest(e);
  const needs = describe(e);
  const keys = [...new Set(keysOf(e))];
  const found = (tags: TagView) => keys.map((k) => (tags[k] === undefined ? `no tag ${q(k)}` : `${q(k)}=${q(tags[k] as string)}`)).join(', ');
  return { test, why: (tags) => `needs ${needs}, found ${found(tags)}` };
}

// Plain loops rather than every/some: this runs for every ENI against every rule.
function compileTest(e: TagExpr): (tags: TagView) => boolean {
  if ('all' in e) {
    const parts = e.all.map(compileTest);
    return (tags) => {
      for (const t of parts) if (!t(tags)) return false;
      return true;
    };
  }
  if ('any' in e) {
    const parts = e.any.map(compileTest);
    return (tags) => {
      for (const t of parts) if (t(tags)) return true;
      return false;
    };
  }
  if ('not' in e) {
    const inner = compileTest(e.not);
    return (tags) => !inner(tags);
  }
  const { op, operand } = operation(e);
  const test = op.test(operand);
  const { tag } = e;
  return (tags) => test(tags[tag]);
}

export function describe(e: TagExpr): string {
  if ('all' in e) return `all of (${e.all.map(describe).join(', ')})`;
  if ('any' in e) return `any of (${e.any.map(describe).join(', ')})`;
  if ('not' in e) return `not ${describe(e.not)}`;
  const { op, operand } = operation(e);
  return op.describe(e.tag, operand, q);
}

export function keysOf(e: TagExpr): string[] {
  if ('all' in e) return e.all.flatMap(keysOf);
  if ('any' in e) return e.any.flatMap(keysOf);
  if ('not' in e) return keysOf(e.not);
  return [e.tag];
}

/** Tag keys and values as a person reads them: bare when plain, else quoted and clipped (values come from anyone). */
export const q = (s: string): string => (/^[\w.:/@+-]+$/.test(s) && s.length <= 64 ? s : JSON.stringify(clip(s, 64)));
