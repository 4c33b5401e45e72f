import type { LocalCloud } from '../localcloud/index.js';
import { ensure } from '../shared/engine/ensure.js';
import { engineDeps, instanceId, startCloud, subject } from '../test/engine/cloud.js';
import type { Bench, Row } from './bench.js';

/**
 * API calls to ensure one launched instance with k opted-in ENIs, counted by localcloud's call log (every HTTP
 * request the SDK made, retries included), against the minimum: one read of the instance's ENIs, one read of its
 * sessions, k writes and k proofs (a session's ownership proof binds its id, so it is a TagResources after Create).
 */

const WRITE = /^(Create|Update|Add|Remove|Delete|Tag)/;

function count(cloud: LocalCloud): { total: number; detail: string } {
  const calls = cloud.controls.calls.list();
  const by = new Map<string, number>();
  for (const c of calls) by.set(c.action, (by.get(c.action) ?? 0) + 1);
  const writes = calls.filter((c) => WRITE.test(c.action)).length;
  return { total: calls.length, detail: `${[...by].map(([a, n]) => `${n} ${a}`).join(', ')} (${writes} write${writes === 1 ? '' : 's'})` };
}

const bench: Bench = {
  name: 'api-calls',
  async run() {
    const rows: Row[] = [];
    for (const k of [1, 2, 4, 8]) {
      const cloud = await startCloud({ instances: 1, enisPerInstance: k });
      try {
        const deps = engineDeps(cloud);
        await ensure(subject([instanceId(0)]), deps, { runId: 'launch' });
        const launch = count(cloud);
        rows.push({
          case: `launch, k=${k} ENIs`,
          measure: launch.detail,
          value: launch.total,
          unit: 'calls',
          baseline: 2 * k + 2,
          target: `${2 * k + 2} (1 ENI read, 1 session read, ${k} create${k === 1 ? '' : 's'}, ${k} proof${k === 1 ? '' : 's'})`,
        });
        cloud.controls.calls.clear();
        await ensure(subject([instanceId(0)]), deps, { runId: 'again' });
        const again = count(cloud);
        rows.push({ case: `same event again, k=${k}`, measure: again.detail, value: again.total, unit: 'calls', baseline: 2, target: '2 (nothing to write)' });
      } finally {
        await cloud.close();
      }
    }
    return rows;
  },
};

export default bench;
