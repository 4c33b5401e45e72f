import type { LocalCloud } from '../localcloud/index.js';
import { ensure } from '../shared/engine/ensure.js';
import { engineDeps, instanceId, startCloud, subject } from '../test/engine/cloud.js';
import { type Bench, type Row, verdict } from './bench.js';

/**
 * API calls to ensure one launched instance with k opted-in ENIs, counted by localcloud's call log (every HTTP
 * request the SDK made, retries included). The issue's figure is 3 + k: 1 instance read, 1 ENI read, 1 read of the
 * instance's owned sessions, k writes. Each session automirror creates takes a second write, though: TagResources
 * with its ownership proof, which binds the session id that exists only once Create has answered (one proof per
 * session, so a copied proof proves nothing else). The floor with proofs is 3 + 2k (3 + k when the sources join
 * pooled sessions that exist). Measured in a warm process: the first launch a process sees also asks
 * DescribeLoadBalancers whether the collector is still there (kept 5 minutes, shared/engine/observe.ts TARGET_SEEN_MS).
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
      const cloud = await startCloud({ instances: 2, enisPerInstance: k });
      try {
        const deps = engineDeps(cloud);
        // Another instance first: the process has found the collector, as a warm FC instance has.
        await ensure(subject([instanceId(1)]), deps, { runId: 'warm' });
        cloud.controls.calls.clear();
        await ensure(subject([instanceId(0)]), deps, { runId: 'launch' });
        const launch = count(cloud);
        const issue = 3 + k;
        const floor = 3 + 2 * k;
        rows.push({
          case: `launch, k=${k} ENIs`,
          measure: launch.detail,
          value: launch.total,
          unit: 'calls',
          baseline: issue,
          target: `≤ 3 + k = ${issue}: ${verdict(launch.total <= issue)}; with the ${k} proof${k === 1 ? '' : 's'} (after Create: ${k === 1 ? 'it binds' : 'each binds'} the new id) ≤ 3 + 2k = ${floor}: ${verdict(launch.total <= floor)}`,
        });
        cloud.controls.calls.clear();
        await ensure(subject([instanceId(0)]), deps, { runId: 'again' });
        const again = count(cloud);
        rows.push({ case: `same event again, k=${k}`, measure: again.detail, value: again.total, unit: 'calls', baseline: 3, target: `≤ 3 (nothing to write): ${verdict(again.total <= 3)}` });
      } finally {
        await cloud.close();
      }
    }
    return rows;
  },
};

export default bench;
