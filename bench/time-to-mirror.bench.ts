import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as $Ecs from '@alicloud/ecs20140526';
import { ensureEcsTrigger } from '../cli/wiring/event-triggers.js';
import type { LocalCloud } from '../localcloud/index.js';
import { DEFAULT_SETTINGS } from '../shared/settings.js';
import { buildApp, removeScratch, scratch, startApp } from '../test/reconcile/app.js';
import { DEMO_KEY, defaultWorld, ecsClient } from '../test/support/localcloud.js';
import { type Bench, type Row, verdict } from './bench.js';

/**
 * Time to mirror on localcloud: RunInstances (the call returning) → the instance's session Created, through the
 * deployed path (EventBridge → on-event → VPC), TTM_BENCH_LAUNCHES launches, TTM_BENCH_PARALLEL at a time. The floor
 * is what localcloud itself waits, from its own options: the boot (Pending → Starting → Running, one asynchronous
 * delay each: the Running event is what on-event acts on), event delivery (the bus's reorder window) and the
 * session's Creating → Created (one delay). Everything above the floor is automirror's (and FC's, and the calls').
 * A session's Created moment is seen by polling localcloud's state every POLL_MS, so a figure may be up to that late.
 */

const num = (name: string, dflt: number) => Number(process.env[`TTM_BENCH_${name}`] ?? dflt);
const LAUNCHES = num('LAUNCHES', 200);
const PARALLEL = num('PARALLEL', 4);
const DELAY_MS = num('DELAY_MS', 30);
const POLL_MS = 2;
const REGION = 'cn-hangzhou';
/** A launch not mirrored within this is a failure of the bench, not a figure. */
const GIVE_UP_MS = 30_000;

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

async function launchAndWait(cloud: LocalCloud, i: number): Promise<number> {
  const ecs = ecsClient(cloud);
  const r = await ecs.runInstances(
    new $Ecs.RunInstancesRequest({
      regionId: REGION,
      imageId: 'aliyun_3_x64_20G_alibase_20240819.vhd',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-prod-h',
      securityGroupId: 'sg-prod01',
      instanceName: `ttm-${i}`,
      tag: [new $Ecs.RunInstancesRequestTag({ key: 'mirror', value: 'on' })],
    }),
  );
  const t0 = performance.now();
  const region = cloud.state.region(REGION);
  const instanceId = r.body?.instanceIdSets?.instanceIdSet?.[0] ?? '';
  const eniIds = new Set(region.instances.get(instanceId)?.eniIds ?? []);
  for (;;) {
    for (const s of region.sessions.values()) if (s.status === 'Created' && s.trafficMirrorSourceIds.some((e) => eniIds.has(e))) return performance.now() - t0;
    if (performance.now() - t0 > GIVE_UP_MS) throw new Error(`instance ${instanceId} has no Created session after ${GIVE_UP_MS} ms`);
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

const bench: Bench = {
  name: 'time-to-mirror',
  async run() {
    // The built functions and the repo's policy (opt-in tag mirror=on) on the repo's world, wired as setup wires it.
    const dir = scratch();
    buildApp(dir);
    copyFileSync(join(__dirname, '../policy.yaml'), join(dir, 'policy.yaml'));
    const world = defaultWorld();
    const cloud = await startApp(dir, { world: { ...world, options: { ...world.options, asyncDelayMs: DELAY_MS } } });
    try {
      const cfg = { regionId: REGION, accountId: cloud.state.accountId, credentials: DEMO_KEY, endpoint: cloud.endpoint, mnsEndpoint: cloud.endpoints.mns, fcEndpoint: cloud.endpoints.fc3 };
      await ensureEcsTrigger(cfg, DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.ecsTrigger);
      const o = cloud.state.options;
      const deliveryMs = 0; // startApp sets no reorder window: the bus routes at once
      const floor = 2 * o.asyncDelayMs + deliveryMs + o.asyncDelayMs;
      process.stderr.write(`  ${LAUNCHES} launches, ${PARALLEL} at a time; localcloud delays: boot 2 × ${o.asyncDelayMs} ms, delivery ${deliveryMs} ms, Creating → Created ${o.asyncDelayMs} ms\n`);
      const times: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (next < LAUNCHES) times.push(await launchAndWait(cloud, next++));
        }),
      );
      await cloud.platform.idle();
      const sorted = times.sort((a, b) => a - b);
      const p50 = quantile(sorted, 0.5);
      const p95 = quantile(sorted, 0.95);
      const c = `${LAUNCHES} launches, ${PARALLEL} in parallel`;
      return [
        {
          case: c,
          measure: 'RunInstances → session Created, p50',
          value: p50,
          unit: 'ms',
          baseline: floor,
          target: `localcloud's own delays (${floor} ms) + automirror; ≤ 10× floor: ${verdict(p50 <= 10 * floor)}`,
        },
        { case: c, measure: 'RunInstances → session Created, p95', value: p95, unit: 'ms', baseline: floor, target: `≤ 20× floor: ${verdict(p95 <= 20 * floor)}` },
      ] satisfies Row[];
    } finally {
      await cloud.close();
      removeScratch(dir);
    }
  },
};

export default bench;
