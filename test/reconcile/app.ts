import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { parseDocument } from 'yaml';
import type { InvocationRecord } from '../../localcloud/fc/service.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile, WorldInstance } from '../../localcloud/world/types.js';
import type { FcConfig } from '../../shared/cloud/invoker.js';
import type { MnsConfig } from '../../shared/cloud/mns.js';
import type { DriftReport } from '../../shared/report/model.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { eniId, instanceId, REGION } from '../engine/cloud.js';
import { DEMO_KEY } from '../support/localcloud.js';
import { regionWorld } from './support.js';

/**
 * The repo's s.yaml and functions, built into a scratch directory and run on localcloud: the same artifacts
 * `s deploy` ships, with a test policy and per-test environment on top of the functions' own.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHANGHAI = 'cn-shanghai';
export const POLICY = [
  'version: 1',
  'rules:',
  '  - name: web',
  '    match: { tag: mirror, equals: "on" }',
  '    mirror:',
  '      target: { slb: lb-a }',
  '      filter: tmf-allipv4',
  '      priority: { min: 1000, max: 1999 }',
].join('\n');

/** Builds the functions once into `dir` (esbuild in a child process, as launch.test.ts does). */
export function buildApp(dir: string): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '-e', `require('./scripts/build.ts').buildFunctions(${JSON.stringify(join(dir, 'dist'))})`], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
}

/** cn-hangzhou of the engine tests' world with `n` opted-in instances, plus cn-shanghai with `shanghai` of them. */
export function appWorld(n: number, shanghai = 0, options: WorldFile['options'] = {}): WorldFile {
  const world = regionWorld({ instances: n, options: { asyncDelayMs: 30, ...options } });
  const instances: WorldInstance[] = Array.from({ length: shanghai }, (_, i) => ({
    instanceId: `i-sh${i}`,
    instanceType: 'ecs.g7.large',
    vSwitchId: 'vsw-sh-a',
    tags: { mirror: 'on' },
    networkInterfaces: [{ networkInterfaceId: `eni-sh${i}`, type: 'Primary' }],
  }));
  world.regions[SHANGHAI] = {
    vpcs: [{ vpcId: 'vpc-sh', vSwitches: [{ vSwitchId: 'vsw-sh-a', zoneId: 'cn-shanghai-a' }] }],
    securityGroups: [{ securityGroupId: 'sg-sh', vpcId: 'vpc-sh' }],
    instances,
    loadBalancers: [{ loadBalancerId: 'lb-a', addressType: 'intranet', networkType: 'vpc', vpcId: 'vpc-sh', vSwitchId: 'vsw-sh-a', udpListenerPorts: [4789] }],
    trafficMirrorFilters: [{ trafficMirrorFilterId: 'tmf-allipv4', trafficMirrorFilterName: 'all-ipv4' }],
  };
  return world;
}

export interface AppOptions {
  readonly world: WorldFile;
  /** Environment added to each function (by s.yaml resource key). */
  readonly env?: Record<string, Record<string, string>>;
  /** A subscription to the report topic: a queue of this name receives what the topic publishes. */
  readonly subscriber?: string;
}

/** Starts localcloud on a copy of the repo's s.yaml in `dir` (built by buildApp), with the MNS resources made. */
export async function startApp(dir: string, opts: AppOptions): Promise<LocalCloud> {
  const doc = parseDocument(readFileSync(join(ROOT, 's.yaml'), 'utf8'));
  for (const [key, vars] of Object.entries(opts.env ?? {})) for (const [k, v] of Object.entries(vars)) doc.setIn(['resources', key, 'props', 'environmentVariables', k], v);
  writeFileSync(join(dir, 's.yaml'), doc.toString());
  // s.yaml's component action (a path beside it) must exist where the copy is.
  cpSync(join(ROOT, 'deploy'), join(dir, 'deploy'), { recursive: true });
  const s = DEFAULT_SETTINGS;
  const acct = opts.world.accountId;
  const subscriptions = opts.subscriber ? [{ name: 'test-sub', endpoint: `acs:mns:${REGION}:${acct}:/queues/${opts.subscriber}`, notifyContentFormat: 'SIMPLIFIED' as const }] : [];
  return startLocalCloud({
    world: opts.world,
    platform: {
      sYaml: join(dir, 's.yaml'),
      policyFile: join(dir, 'policy.yaml'),
      secondMs: 50,
      mns: {
        queues: [{ name: s.failedQueue }, { name: s.deferQueue }, ...(opts.subscriber ? [{ name: opts.subscriber }] : [])],
        topics: [{ name: s.reportTopic, subscriptions }],
      },
    },
  });
}

/** Builds the functions once for the test file (into a scratch directory removed after it); returns where. */
export function builtOnce(): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = scratch();
    buildApp(dir);
  }, 60_000);
  afterAll(() => removeScratch(dir));
  return () => dir as string;
}

export const scratch = (): string => mkdtempSync(join(tmpdir(), 'automirror-reconcile-'));
export const removeScratch = (dir: string | undefined): void => {
  if (dir) rmSync(dir, { recursive: true, force: true });
};

/** Where the test's own clients point: the cloud's FC and MNS endpoints, as the demo key. */
export const clientConfig = (cloud: LocalCloud): FcConfig & MnsConfig => ({
  regionId: REGION,
  accountId: cloud.state.accountId,
  credentials: DEMO_KEY,
  fcEndpoint: cloud.endpoints.fc3,
  mnsEndpoint: cloud.endpoints.mns,
});

/** The reconcile-region invocations, in order, each with the payload it got and the report it returned. */
export function regionRuns(cloud: LocalCloud): Array<{ record: InvocationRecord; task: Record<string, any>; report?: DriftReport; markdown?: string }> {
  return cloud.fc.invocations
    .filter((i) => i.functionName === DEFAULT_SETTINGS.reconcileRegionFunction)
    .map((record) => {
      const out = record.ok ? (JSON.parse(record.response) as { report?: DriftReport; markdown?: string }) : {};
      return { record, task: JSON.parse(record.event), report: out.report, markdown: out.markdown };
    });
}

/** Opted-in ENIs of cn-hangzhou in appWorld, and how many sessions hold each. */
export function holdings(cloud: LocalCloud, n: number, regionId = REGION): Record<string, number> {
  const sessions = [...cloud.state.region(regionId).sessions.values()];
  const ids = regionId === REGION ? Array.from({ length: n }, (_, i) => eniId(i)) : Array.from({ length: n }, (_, i) => `eni-sh${i}`);
  return Object.fromEntries(ids.map((e) => [e, sessions.filter((s) => s.trafficMirrorSourceIds.includes(e)).length]));
}

export { eniId, instanceId };
