import { clip } from './problems.js';
import type { TagExpr } from './types.js';

/** A tag expression compiled once per policy into closures, with the sentence that says why it failed. */

/** The ENI's effective value of a tag (its own, else its instance's), undefined when absent. */
export type TagLookup = (key: string) => string | undefined;

export interface CompiledExpr {
  readonly test: (get: TagLookup) => boolean;
  /** Why `test` is false, for a person: `needs env in [prod, staging], found env=dev`. */
  readonly why: (get: TagLookup) => string;
}

export function compileExpr(e: TagExpr): CompiledExpr {
  if ('all' in e) {
    const parts = e.all.map(compileExpr);
    const test = (get: TagLookup) => parts.every((x) => x.test(get));
    // The first failing part is the deciding one: its own sentence is more precise than the whole conjunction's.
    return { test, why: (get) => (parts.find((x) => !x.test(get)) ?? parts[0]).why(get) };
  }
  const test = compileTest(e);
  const needs = describe(e);
  const keys = [...new Set(keysOf(e))];
  return { test, why: (get) => `needs ${needs}, found ${keys.map((k) => (get(k) === undefined ? `no tag ${q(k)}` : `${q(k)}=${q(get(k) as string)}`)).join(', ')}` };
}

function compileTest(e: TagExpr): (get: TagLookup) => boolean {
  if ('all' in e || 'any' in e) {
    const parts = ('all' in e ? e.all : e.any).map(compileTest);
    return 'all' in e ? (get) => parts.every((t) => t(get)) : (get) => parts.some((t) => t(get));
  }
  if ('not' in e) {
    const inner = compileTest(e.not);
    return (get) => !inner(get);
  }
  const { tag } = e;
  if ('exists' in e) return (get) => (get(tag) !== undefined) === e.exists;
  if ('equals' in e) return (get) => get(tag) === e.equals;
  if ('in' in e) {
    const values = new Set(e.in);
    return (get) => values.has(get(tag) as string);
  }
  return (get) => get(tag)?.startsWith(e.prefix) === true;
}

export function describe(e: TagExpr): string {
  if ('all' in e) return `all of (${e.all.map(describe).join(', ')})`;
  if ('any' in e) return `any of (${e.any.map(describe).join(', ')})`;
  if ('not' in e) return `not ${describe(e.not)}`;
  if ('exists' in e) return `${e.exists ? '' : 'no '}tag ${q(e.tag)}`;
  if ('equals' in e) return `${q(e.tag)}=${q(e.equals)}`;
  if ('in' in e) return `${q(e.tag)} in [${e.in.map(q).join(', ')}]`;
  return `${q(e.tag)} starting with ${q(e.prefix)}`;
}

function keysOf(e: TagExpr): string[] {
  if ('all' in e) return e.all.flatMap(keysOf);
  if ('any' in e) return e.any.flatMap(keysOf);
  if ('not' in e) return keysOf(e.not);
  return [e.tag];
}

/** Tag keys and values as a person reads them: bare when plain, else quoted and clipped (values come from anyone). */
export const q = (s: string): string => (/^[\w.:/@+-]+$/.test(s) && s.length <= 64 ? s : JSON.stringify(clip(s, 64)));
