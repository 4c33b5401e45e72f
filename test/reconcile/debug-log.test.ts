import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS as S } from '../../shared/settings.js';
import { appWorld, buildApp, removeScratch, scratch, startApp } from './app.js';

// DEBUG=* makes the SDKs' `debug` logs print request headers, the STS token among them (the MNS client's
// `request headers: %j`). The functions clear DEBUG before any SDK loads (shared/middleware/clear-debug.ts).

let dir: string;
beforeAll(() => {
  dir = scratch();
  buildApp(dir);
}, 60_000);
afterAll(() => removeScratch(dir));

const DEBUG_ALL = { DEBUG: '*' };

describe('a function deployed with DEBUG=*', () => {
  it('logs no secret of its role: the hourly run (FC invoke, MNS receive and publish) prints neither token nor key secret', async () => {
    const c = await startApp(dir, { world: appWorld(2), env: { reconcile: DEBUG_ALL, 'reconcile-region': DEBUG_ALL } });
    try {
      c.fc.timers.advance((c.fc.timers.nextFiring(S.reconcileFunction, 'hourly') as number) - c.fc.timers.now());
      await c.platform.idle();
      const runs = c.fc.invocations.filter((i) => i.functionName === S.reconcileRegionFunction);
      expect(runs.map((r) => r.ok)).toEqual([true]);
      const secrets = [S.reconcileFunction, S.reconcileRegionFunction].flatMap((f) => {
        const k = c.fc.get(f).credentials;
        return [k.securityToken, k.accessKeySecret].filter((x): x is string => Boolean(x));
      });
      expect(secrets.length).toBeGreaterThan(2);
      const logs = c.platform.logs.join('\n');
      expect(logs).toContain(`[${S.reconcileRegionFunction}]`);
      for (const s of secrets) expect(logs).not.toContain(s);
    } finally {
      await c.close();
    }
  }, 60_000);
});
