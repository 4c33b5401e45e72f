import * as $Ecs from '@alicloud/ecs20140526';
import { ensureEventRoute } from '../cli/wiring/event-route.js';
import type { LocalCloud } from '../localcloud/index.js';
import { DEFAULT_LAUNCH } from '../localcloud/world/default-launch.js';
import { DEFAULT_SETTINGS } from '../shared/settings.js';
import { appWorld, buildApp, clientConfig, removeScratch, scratch, startApp } from '../test/reconcile/app.js';
import { DEMO_KEY, ecsClient } from '../test/support/localcloud.js';
import { type Bench, type Row, verdict } from './bench.js';

/**
 * API calls per launched instance, all of its events together: an instance with k ENIs (its primary and k − 1
 * secondaries) launched through localcloud's ECS RunInstances, the platform emitting the real events (the
 * RunInstances ActionTrail call, StateChange Pending, Starting, Running) to the deployed on-event through the
 * setup step's route (default-bus rules → the events queue → its queue trigger with the default batch window), and
 * automirror's own session writes coming back the same way (each
 * CreateTrafficMirrorSession is checked for unapproved mirroring: one read). Counted: every call the functions made
 * (localcloud's call log, by the functions' own STS keys), per launch, in a warm deployment (one launch before).
 */

const LAUNCHES = 4;
const FROM_EVENTS_QUEUE = `mns:${DEFAULT_SETTINGS.eventsTrigger}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function launch(cloud: LocalCloud, k: number): Promise<void> {
  const secondaries = Array.from({ length: k - 1 }, () => new $Ecs.RunInstancesRequestNetworkInterface({ instanceType: 'Secondary', vSwitchId: DEFAULT_LAUNCH.vSwitchId }));
  const r = await ecsClient(cloud).runInstances(
    new $Ecs.RunInstancesRequest({ ...DEFAULT_LAUNCH, tag: [new $Ecs.RunInstancesRequestTag({ key: 'mirror', value: 'on' })], networkInterface: secondaries }),
  );
  const id = r.body?.instanceIdSets?.instanceIdSet?.[0] ?? '';
  const region = cloud.state.region(DEFAULT_LAUNCH.regionId);
  const eniIds = region.instances.get(id)?.eniIds ?? [];
  // Every event of the launch delivered and handled: Running reached, each ENI mirrored, nothing in flight.
  for (;;) {
    await cloud.platform.idle();
    const mirrored = eniIds.every((e) => [...region.sessions.values()].some((s) => s.trafficMirrorSourceIds.includes(e) && s.tags.has('automirror:proof')));
    if (region.instances.get(id)?.status === 'Running' && mirrored) {
      await sleep(300);
      await cloud.platform.idle();
      return;
    }
    await sleep(50);
  }
}

const bench: Bench = {
  name: 'launch-calls',
  async run() {
    const rows: Row[] = [];
    const dir = scratch();
    try {
      buildApp(dir);
      for (const k of [1, 2]) {
        const cloud = await startApp(dir, { world: appWorld(0) });
        try {
          const cfg = { ...clientConfig(cloud), endpoint: cloud.endpoint };
          // The queues and topic are made by startApp, as setup's ensureMessaging makes them.
          await ensureEventRoute(cfg, DEFAULT_SETTINGS);
          await launch(cloud, k);
          const since = cloud.fc.invocations.length;
          cloud.controls.calls.clear();
          for (let i = 0; i < LAUNCHES; i++) await launch(cloud, k);
          const calls = cloud.controls.calls.list().filter((c) => c.accessKeyId !== DEMO_KEY.accessKeyId);
          const runs = cloud.fc.invocations.slice(since).filter((i) => i.functionName === DEFAULT_SETTINGS.onEventFunction);
          const batches = runs.filter((i) => i.source === FROM_EVENTS_QUEUE);
          const invocations = batches.length / LAUNCHES;
          const events = batches.reduce((n, i) => n + (JSON.parse(i.event) as unknown[]).length, 0) / LAUNCHES;
          const by = new Map<string, number>();
          for (const c of calls) by.set(c.action, (by.get(c.action) ?? 0) + 1);
          const per = (n: number) => Number((n / LAUNCHES).toFixed(2));
          const total = per(calls.length);
          const byId = per(calls.filter((c) => c.action === 'ListTrafficMirrorSessions' && c.params['TrafficMirrorSessionIds.1'] !== undefined).length);
          const issue = 1.5 * (3 + k);
          const floor = 1.5 * (3 + 2 * k);
          rows.push({
            case: `launched instance, k=${k} ENIs (mean of ${LAUNCHES})`,
            measure: `${events} events in ${invocations} invocations (batches of ≤ ${DEFAULT_SETTINGS.eventsBatch} or ${DEFAULT_SETTINGS.eventsWindowSeconds} s): ${[...by].map(([a, n]) => `${per(n)} ${a}`).join(', ')}; ${byId} of the lists by session id (each session created is checked: 1 read)`,
            value: total,
            unit: 'calls',
            baseline: 3 + k,
            target: `≤ 1.5 × (3 + k) = ${issue}: ${verdict(total <= issue)}; with proofs ≤ 1.5 × (3 + 2k) = ${floor}: ${verdict(total <= floor)}`,
          });
        } finally {
          await cloud.close();
        }
      }
    } finally {
      removeScratch(dir);
    }
    return rows;
  },
};

export default bench;
