import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkWorld, WORLD_LIMITS, WorldError } from '../../localcloud/world/load.js';

// Issue 11, item 1: the world loader is bounded and total like every other reader of outside data: a hostile
// document is refused with one reason, as a WorldError, never a stack overflow or a flood of problems.

const WORLD = readFileSync(new URL('../../worlds/default.json', import.meta.url), 'utf8');
const world = () => JSON.parse(WORLD) as Record<string, unknown>;

const problemsOf = (raw: unknown): string[] => {
  try {
    checkWorld(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(WorldError);
    return (err as WorldError).problems;
  }
  throw new Error('accepted');
};

describe('world documents past the limits', () => {
  it('refuses nesting 6,000 levels deep, with one reason naming where', () => {
    const deep = JSON.parse(`{"accountId":"1","regions":{"cn-hangzhou":{"vpcs":${'['.repeat(6000)}${']'.repeat(6000)}}}}`);
    expect(problemsOf(deep)).toEqual([expect.stringMatching(/^\/regions\/cn-hangzhou\/vpcs(\/0)+: nested deeper than 32 levels$/)]);
  });

  it('refuses a string longer than the limit', () => {
    expect(problemsOf({ accountId: 'x'.repeat(WORLD_LIMITS.stringChars + 1), regions: {} })).toEqual([
      `/accountId: a string of ${WORLD_LIMITS.stringChars + 1} characters (at most ${WORLD_LIMITS.stringChars})`,
    ]);
  });

  it('lists at most 200 problems of a flood of unknown fields, each clipped', () => {
    const flood = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${i}${'k'.repeat(500)}`, 1]));
    const problems = problemsOf({ ...world(), ...flood });
    expect(problems).toHaveLength(201);
    expect(problems[200]).toMatch(/… and 4800 more problems/);
    expect(Math.max(...problems.map((p) => p.length))).toBeLessThan(120);
  });

  it('reads `__proto__` as a field, which the schema refuses, and pollutes nothing', () => {
    const problems = problemsOf(JSON.parse(WORLD.replace('{', '{"__proto__":{"polluted":true},')));
    expect(problems).toEqual(['/: unknown field "__proto__"']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
