import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actionChanges, driftRefusal, listChanges, MAX_PLAN_BYTES, PLAN_SCHEMA, readSavedPlan, stateChanges } from '../../cli/saved-plan.js';
import type { Action } from '../../shared/engine/actions.js';

// The saved plan's own checks: the file is bounded and closed before it is read, and a refusal names what moved.

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const file = (content: string | null) => {
  dir = mkdtempSync(join(tmpdir(), 'automirror-saved-plan-'));
  const f = join(dir, 'plan.json');
  writeFileSync(f, content ?? '');
  return f;
};
const region = { regionId: 'cn-hangzhou', actions: [], unmirrored: [], deferred: [], state: {} };
const doc = (over: object = {}) =>
  JSON.stringify({
    schema: PLAN_SCHEMA,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    policy: { source: 'policy.yaml', revision: 'sha256:0123456789ab' },
    summary: { create: 0, update: 0, replace: 0, delete: 0, unmirrored: 0 },
    regions: [region],
    ...over,
  });

describe('reading a saved plan', () => {
  it('reads a well-formed one', () => {
    expect(readSavedPlan(file(doc())).regions.map((r) => r.regionId)).toEqual(['cn-hangzhou']);
  });

  it('refuses a file past the bound without reading it', () => {
    const f = file(null);
    truncateSync(f, MAX_PLAN_BYTES + 1);
    expect(() => readSavedPlan(f)).toThrow(`${f} is not a saved plan: ${MAX_PLAN_BYTES + 1} bytes, past the ${MAX_PLAN_BYTES} a plan may have`);
  });

  it('refuses what the closed schema does not allow, and a region named twice', () => {
    expect(() => readSavedPlan(file(doc({ extra: true })))).toThrow('/ must NOT have additional properties');
    expect(() => readSavedPlan(file(doc({ regions: [{ ...region, state: { 'eni/x': { tags: 'not-a-hash' } } }] })))).toThrow('/regions/0/state/eni~1x/tags must match pattern');
    expect(() => readSavedPlan(file(doc({ regions: [region, region] })))).toThrow('it names a region twice');
  });
});

describe('what moved', () => {
  it('names each resource added, removed or modified, with the fields', () => {
    const was = { 'eni/a': { tags: '1111111111111111', status: '2222222222222222' }, 'session/s': { name: '3333333333333333' } };
    const now = { 'eni/a': { tags: '9999999999999999', status: '2222222222222222' }, 'session/t': { name: '3333333333333333' } };
    expect(stateChanges(was, now)).toEqual(['eni a modified (tags)', 'session t added', 'session s removed']);
    expect(stateChanges(was, was)).toEqual([]);
  });

  it('compares actions by their content and order', () => {
    const a = { kind: 'delete', id: 'delete:tms-1', sessionId: 'tms-1', eniIds: [], perEni: [], reason: 'r' } as Action;
    const b = { ...a, id: 'delete:tms-2', sessionId: 'tms-2' } as Action;
    expect(actionChanges(JSON.parse(JSON.stringify([a, b])), [a, b])).toEqual([]);
    expect(actionChanges([a], [a, b])).toEqual(['action delete:tms-2 is new']);
    expect(actionChanges([{ ...a, reason: 'other' }], [a])).toEqual(['action delete:tms-1 differs']);
    expect(actionChanges([b, a], [a, b])).toEqual(['the actions are the same but not in the same order']);
  });

  it('blames the cloud for what moved and the file for actions that differ over the same cloud', () => {
    expect(driftRefusal('plan.json', [], [])).toBeUndefined();
    expect(driftRefusal('plan.json', ['cn-hangzhou: eni a modified (tags)'], [])).toBe('the cloud is not as plan.json found it: cn-hangzhou: eni a modified (tags)');
    const edited = "plan.json's actions differ from the plan computed now from the same cloud and policy (edited, or planned by another version or ownership key)";
    expect(driftRefusal('plan.json', [], ['cn-hangzhou: action delete:tms-1 differs'])).toBe(`${edited}: cn-hangzhou: action delete:tms-1 differs`);
    expect(driftRefusal('plan.json', ['cn-hangzhou: session s removed'], ['cn-shanghai: action delete:tms-1 is new'])).toBe(
      `the cloud is not as plan.json found it: cn-hangzhou: session s removed; ${edited}: cn-shanghai: action delete:tms-1 is new`,
    );
  });

  it('names ten and counts the rest', () => {
    expect(listChanges(Array.from({ length: 12 }, (_, i) => `c${i}`))).toBe('c0; c1; c2; c3; c4; c5; c6; c7; c8; c9; and 2 more');
  });
});
