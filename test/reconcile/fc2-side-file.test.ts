import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS as S } from '../../shared/settings.js';
import { REGION } from '../engine/cloud.js';
import { appWorld, buildApp, holdings, regionRuns, removeScratch, scratch, startApp } from './app.js';

/**
 * The FC 2.0 client is built into a file of its own beside reconcile's index.js (scripts/bundle-trims.ts): the
 * default path (FC 3.0) runs without it, and AUTOMIRROR_INVOKER=fc2 loads it, so the artifact must carry it.
 */

let dir: string;
beforeAll(() => {
  dir = scratch();
  buildApp(dir);
  rmSync(join(dir, 'dist', 'reconcile', 'fc2-client.cjs'));
}, 60_000);
afterAll(() => removeScratch(dir));

describe("reconcile's artifact without its fc2-client.cjs", () => {
  it('still fans out through FC 3.0: the default path never loads it', async () => {
    const c = await startApp(dir, { world: appWorld(1) });
    try {
      c.fc.timers.fire(S.reconcileFunction, 'hourly');
      await c.platform.idle();
      expect(regionRuns(c).map((r) => [r.task.regionId, r.record.ok])).toEqual([[REGION, true]]);
      expect(holdings(c, 1)).toEqual({ 'eni-t0000p': 1 });
    } finally {
      await c.close();
    }
  });

  it('cannot fan out through FC 2.0, which loads it', async () => {
    const c = await startApp(dir, { world: appWorld(1), env: { reconcile: { AUTOMIRROR_INVOKER: 'fc2', AUTOMIRROR_FC2_SERVICE: 'automirror' } } });
    try {
      c.fc.timers.fire(S.reconcileFunction, 'hourly');
      await c.platform.idle();
      const fanOut = c.fc.invocations.filter((i) => i.functionName === S.reconcileFunction);
      expect(fanOut.length).toBeGreaterThan(0);
      expect(fanOut.every((i) => !i.ok && /fc2-client\.cjs/.test(`${i.errorMessage}`))).toBe(true);
      expect(regionRuns(c)).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
