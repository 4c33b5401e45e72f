import * as $Ecs from '@alicloud/ecs20140526';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEcsTrigger } from '../../cli/wiring/event-triggers.js';
import { ensureMessaging } from '../../cli/wiring/queues.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { managedRuleName } from '../../localcloud/platform/triggers.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { type BuiltApp, buildApp } from '../event-path/support.js';
import { DEMO_KEY, defaultWorld, ecsClient } from '../support/localcloud.js';
import { eventually } from './support.js';

// The whole path in production order, with nothing called directly: the repo's s.yaml and its built on-event,
// the setup step's wiring through the FC API, an instance launched through @alicloud/ecs20140526, and the
// EventBridge → FC → engine → VPC chain creating its mirror sessions.
let app: BuiltApp;
let cloud: LocalCloud;

beforeAll(async () => {
  // Built into a scratch app directory (s.yaml beside dist/) so parallel test files never share a dist/.
  app = buildApp();
  cloud = await startLocalCloud({ world: defaultWorld(), platform: { sYaml: app.sYaml, secondMs: 100 } });
  const cfg = {
    regionId: 'cn-hangzhou',
    accountId: cloud.state.accountId,
    credentials: DEMO_KEY,
    endpoint: cloud.endpoint,
    mnsEndpoint: cloud.endpoints.mns,
    fcEndpoint: cloud.endpoints.fc3,
  };
  await ensureMessaging(cfg, DEFAULT_SETTINGS);
  // The setup step's own wiring: the trigger through the FC 3.0 API, as `automirror setup` makes it.
  expect(await ensureEcsTrigger(cfg, DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.ecsTrigger)).toBe('created');
  expect(await ensureEcsTrigger(cfg, DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.ecsTrigger)).toBe('unchanged');
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  app?.remove();
});

const sessionsFor = (eniIds: string[]) => [...cloud.state.region('cn-hangzhou').sessions.values()].filter((s) => s.trafficMirrorSourceIds.some((id) => eniIds.includes(id)));

async function launch(tags: Record<string, string>) {
  const r = await ecsClient(cloud).runInstances(
    new $Ecs.RunInstancesRequest({
      regionId: 'cn-hangzhou',
      imageId: 'aliyun_3_x64_20G_alibase_20240819.vhd',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-prod-h',
      securityGroupId: 'sg-prod01',
      instanceName: 'launched-by-test',
      tag: Object.entries(tags).map(([key, value]) => new $Ecs.RunInstancesRequestTag({ key, value })),
    }),
  );
  const instanceId = r.body!.instanceIdSets!.instanceIdSet![0];
  return { instanceId, eniIds: cloud.state.region('cn-hangzhou').instances.get(instanceId)!.eniIds };
}

describe('an instance launched through the ECS API', () => {
  it('gets its mirror session through EventBridge and on-event, with no direct handler call', async () => {
    const { instanceId, eniIds } = await launch({ mirror: 'on' });
    const made = await eventually(() => sessionsFor(eniIds).length > 0 && sessionsFor(eniIds), 60_000, `a session for ${instanceId}`);
    expect(made[0]).toMatchObject({ trafficMirrorTargetId: 'lb-collector01', enabled: true });
    await cloud.platform.idle(); // the session exists before the invocation that made it has returned
    // Every run of on-event came from the trigger's rule on the default bus, none from a direct call.
    const runs = cloud.fc.invocations.filter((i) => i.functionName === DEFAULT_SETTINGS.onEventFunction);
    expect(runs.length).toBeGreaterThan(0);
    expect(new Set(runs.map((i) => i.source))).toEqual(new Set([`eventbridge:${managedRuleName(DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.ecsTrigger)}`]));
  });

  it('leaves an instance without the opt-in tag alone, although its events reach the function', async () => {
    const before = cloud.fc.invocations.length;
    const { eniIds } = await launch({ app: 'batch' });
    await eventually(() => cloud.fc.invocations.length > before, 30_000, 'on-event to run');
    await cloud.platform.idle();
    expect(sessionsFor(eniIds)).toEqual([]);
  });
});
