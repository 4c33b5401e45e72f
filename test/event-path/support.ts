import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as $Ecs from '@alicloud/ecs20140526';
import * as $FC3 from '@alicloud/fc20230330';
import * as $Vpc from '@alicloud/vpc20160428';
import { afterAll, beforeAll } from 'vitest';
import { parseDocument } from 'yaml';
import { ensureEventRoute } from '../../cli/wiring/event-route.js';
import { ensureEcsTrigger, ensureTrigger } from '../../cli/wiring/event-triggers.js';
import { ensureMessaging } from '../../cli/wiring/queues.js';
import type { DeliveryOptions } from '../../localcloud/eventbridge/bus.js';
import type { InvocationRecord } from '../../localcloud/fc/service.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { managedRuleName } from '../../localcloud/platform/triggers.js';
import { DEFAULT_LAUNCH } from '../../localcloud/world/default-launch.js';
import type { WorldFile, WorldSession } from '../../localcloud/world/types.js';
import { ownerTags } from '../../shared/engine/ownership.js';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings.js';
import { drain, ebClient, eventually, fc3Client, mnsClient, receiveOne } from '../localcloud-platform/support.js';
import { DEMO_KEY, defaultWorld, ecsClient, vpcClient } from '../support/localcloud.js';
import { proven } from '../support/ownership.js';

export { DEMO_KEY, defaultWorld, drain, ebClient, ecsClient, eventually, fc3Client, mnsClient, receiveOne, vpcClient };

// The event path as production runs it: the repo's s.yaml and its built functions on localcloud's platform, wired
// by the setup step's own code (queues and topic, then the ECS trigger through the FC 3.0 API). Tests act through
// the official SDKs and the event bus, and read what happened from the cloud.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const REGION = 'cn-hangzhou';
export const ON_EVENT = DEFAULT_SETTINGS.onEventFunction;
/** The default-bus rule FC makes for the trigger `automirror setup` creates. */
export const ECS_RULE = managedRuleName(DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.ecsTrigger);
/** Invocation sources as localcloud records them. */
export const FROM_RULE = `eventbridge:${ECS_RULE}`;
export const FROM_QUEUE = 'mns:deferred-work';
export const FROM_EVENTS_QUEUE = `mns:${DEFAULT_SETTINGS.eventsTrigger}`;
/** The rule automirror's policy.yaml opts ENIs in with. */
export const RULE = 'mirror-tagged';

/** A built copy of the app: s.yaml (changed by `edit` for scratch variants) beside dist/, in a scratch directory. */
export interface BuiltApp {
  readonly dir: string;
  readonly sYaml: string;
  remove(): void;
}

/**
 * Builds the functions into a scratch app directory (so parallel test files never share a dist/), with a copy of
 * the repo's s.yaml; `edit` may change the on-event function's props (a shorter timeout, say) in the copy only.
 */
export function buildApp(edit?: (onEventProps: Record<string, unknown>) => void): BuiltApp {
  const dir = mkdtempSync(join(tmpdir(), 'automirror-event-path-'));
  const doc = parseDocument(readFileSync(join(ROOT, 's.yaml'), 'utf8'));
  if (edit) {
    const props = (doc.toJS() as { resources: Record<string, { props: Record<string, unknown> }> }).resources['on-event'].props;
    edit(props);
    doc.setIn(['resources', 'on-event', 'props'], doc.createNode(props));
  }
  const sYaml = join(dir, 's.yaml');
  writeFileSync(sYaml, doc.toString());
  // s.yaml's component action (a path beside it) must exist where the copy is.
  cpSync(join(ROOT, 'deploy'), join(dir, 'deploy'), { recursive: true });
  // What s.yaml names by path (the setup hook's component) comes along, so the copy renders as the original does.
  cpSync(join(ROOT, 'deploy/serverless-devs'), join(dir, 'deploy/serverless-devs'), { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '-e', `require('./scripts/build.ts').buildFunctions(${JSON.stringify(join(dir, 'dist'))})`], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  return { dir, sYaml, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface PathOptions {
  world?: WorldFile;
  /** A documented second, in ms (deferral delays, FC retry waits, MNS visibility). Default 50. */
  secondMs?: number;
  delivery?: DeliveryOptions;
  maxInstances?: number;
  /** Function output, besides `cloud.platform.logs`. */
  log?: (line: string) => void;
  /** The policy the functions run with, instead of the repo's policy.yaml. */
  policyFile?: string;
  /** Also wire the VPC trigger (traffic mirror session writes), as `automirror setup` does. */
  vpcTrigger?: boolean;
  /**
   * Wire the ECS and VPC events as `automirror setup` does: rules to the events queue and its batching trigger
   * (these settings' batch window), instead of the direct ECS trigger.
   */
  eventsRoute?: Settings;
}

/** localcloud running the built app, wired by setup's own code, as `automirror setup` leaves a real account. */
export async function startEventPath(app: BuiltApp, opts: PathOptions = {}): Promise<LocalCloud> {
  const cloud = await startLocalCloud({
    world: opts.world ?? eventPathWorld(),
    platform: { sYaml: app.sYaml, secondMs: opts.secondMs ?? 50, delivery: opts.delivery, maxInstances: opts.maxInstances, log: opts.log, policyFile: opts.policyFile },
  });
  try {
    const cfg = { regionId: REGION, accountId: cloud.state.accountId, credentials: DEMO_KEY, endpoint: cloud.endpoint, mnsEndpoint: cloud.endpoints.mns, fcEndpoint: cloud.endpoints.fc3 };
    await ensureMessaging(cfg, DEFAULT_SETTINGS);
    if (opts.eventsRoute) {
      if ((await ensureEventRoute(cfg, opts.eventsRoute)).trigger !== 'created') throw new Error('setup did not create the events trigger');
      return cloud;
    }
    if ((await ensureEcsTrigger(cfg, DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.ecsTrigger)) !== 'created') throw new Error('setup did not create the ECS trigger');
    if (opts.vpcTrigger && (await ensureTrigger(cfg, 'vpc', DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.vpcTrigger)) !== 'created') throw new Error('setup did not create the VPC trigger');
  } catch (err) {
    await cloud.close();
    throw err;
  }
  return cloud;
}

/** One built app and one cloud for a whole test file: made before its tests, closed and removed after them. */
export function eventPathForFile(opts: PathOptions = {}): { readonly app: BuiltApp; readonly cloud: LocalCloud } {
  const ctx = {} as { app: BuiltApp; cloud: LocalCloud };
  beforeAll(async () => {
    ctx.app = buildApp();
    ctx.cloud = await startEventPath(ctx.app, opts);
  }, 120_000);
  afterAll(async () => {
    await ctx.cloud?.close();
    ctx.app?.remove();
  });
  return ctx;
}

/** The repo's world with short asynchronous steps (tests poll), and any option overrides. */
export function eventPathWorld(options: WorldFile['options'] = {}, world: WorldFile = defaultWorld()): WorldFile {
  return { ...world, options: { ...world.options, asyncDelayMs: 30, ...options } };
}

type Region = WorldFile['regions'][string];

/** A copy of the world with the default region changed by `edit` (which may mutate its argument). */
export function editRegion(world: WorldFile, edit: (r: Region) => void): WorldFile {
  const copy = structuredClone(world);
  edit(copy.regions[REGION]);
  return copy;
}

/** A per-ENI session as automirror creates it under the repo's policy (owner tags and their proof, the collector, the filter). */
export function ownedSession(id: string, eniId: string, priority: number, instanceId?: string): WorldSession {
  return {
    trafficMirrorSessionId: id,
    priority,
    packetLength: 1500,
    enabled: true,
    trafficMirrorFilterId: 'tmf-allipv4',
    trafficMirrorSourceIds: [eniId],
    trafficMirrorTargetId: 'lb-collector01',
    trafficMirrorTargetType: 'SLB',
    tags: proven(id, ownerTags(RULE, instanceId)),
  };
}

// ---- Samples ----

export const EVENTS_DIR = join(ROOT, 'events');
/**
 * Every sample of on-event, as a path under events/. What arrives on the event bus sits at the top (the demo replays
 * those on the bus); what reaches on-event another way sits in a folder named for it (mns/: the deferral queue's
 * trigger). reconcile/ holds the scheduled path's (the timer's event, a region task), run by test/cli/invoke.test.ts.
 */
export const sampleFiles = () =>
  readdirSync(EVENTS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json') && !f.startsWith('reconcile'))
    .map((f) => f.split('\\').join('/'))
    .sort();
export const sampleText = (file: string) => readFileSync(join(EVENTS_DIR, file), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- samples are free-form JSON
export const sample = (file: string): any => JSON.parse(sampleText(file));

// ---- Reading what happened ----

/** Sessions as the VPC API lists them (every page). */
export async function listSessions(cloud: LocalCloud, fields: ConstructorParameters<typeof $Vpc.ListTrafficMirrorSessionsRequest>[0] = {}) {
  const vpc = vpcClient(cloud);
  const out: $Vpc.ListTrafficMirrorSessionsResponseBodyTrafficMirrorSessions[] = [];
  let nextToken: string | undefined;
  do {
    const r = await vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION, maxResults: 100, nextToken, ...fields }));
    out.push(...(r.body?.trafficMirrorSessions ?? []));
    nextToken = r.body?.nextToken || undefined;
  } while (nextToken);
  return out;
}

/** Every session naming any of the ENIs, as listed by the VPC API. */
export async function sessionsOn(cloud: LocalCloud, eniIds: readonly string[]) {
  return (await listSessions(cloud)).filter((s) => s.trafficMirrorSourceIds?.some((id) => eniIds.includes(id)));
}

/** Polls until the sessions on the ENIs satisfy `ok` (and are settled), then returns them. */
export function settledSessionsOn(cloud: LocalCloud, eniIds: readonly string[], ok: (s: Awaited<ReturnType<typeof sessionsOn>>) => boolean, what: string, ms = 60_000) {
  return eventually(
    async () => {
      const s = await sessionsOn(cloud, eniIds);
      return ok(s) && s.every((x) => x.trafficMirrorSessionStatus === 'Created') && s;
    },
    ms,
    what,
  );
}

/** on-event's invocation attempts after `since` (an index into cloud.fc.invocations). */
export const onEventRuns = (cloud: LocalCloud, since = 0): InvocationRecord[] => cloud.fc.invocations.slice(since).filter((i) => i.functionName === ON_EVENT);

/** Attempts of invocations whose event text names `needle` (an event id, say). */
export const runsNaming = (cloud: LocalCloud, needle: string, since = 0) => onEventRuns(cloud, since).filter((i) => i.event.includes(needle));

/** Polls until no invocation is pending and at least `n` on-event attempts since `since` are recorded. */
export async function settledRuns(cloud: LocalCloud, since: number, n = 1, ms = 60_000): Promise<InvocationRecord[]> {
  await eventually(() => onEventRuns(cloud, since).length >= n, ms, `${n} on-event run(s)`);
  await cloud.platform.idle();
  return onEventRuns(cloud, since);
}

/** A structured line the function wrote for one invocation (stdout JSON, as localcloud keeps it). */
export interface LogLine {
  level: string;
  msg: string;
  requestId: string;
  [field: string]: unknown;
}

/** The function's structured log lines for one invocation request id. */
export function logLines(cloud: LocalCloud, requestId: string): LogLine[] {
  const prefix = `[${ON_EVENT}] `;
  return cloud.platform.logs
    .filter((l) => l.startsWith(prefix))
    .flatMap((l) => {
      try {
        return [JSON.parse(l.slice(prefix.length)) as LogLine];
      } catch {
        return [];
      }
    })
    .filter((l) => l.requestId === requestId);
}

const READ_ONLY = /^(Describe|List|Get)/;

/** The call log's current end, to look at the calls made after it. */
export const callMark = (cloud: LocalCloud): number => cloud.controls.calls.list().at(-1)?.seq ?? 0;

/** Write operations (anything but Describe/List/Get) that reached localcloud's POP APIs after `mark`. */
export const writesSince = (cloud: LocalCloud, mark: number) =>
  cloud.controls.calls
    .list({ since: mark })
    .filter((c) => !READ_ONLY.test(c.action))
    .map((c) => `${c.product}.${c.action} (${c.code})`);

// ---- Acting ----

/** Invokes on-event through the FC 3.0 API, as a push from another service would (async by default). */
export async function invokeOnEvent(cloud: LocalCloud, body: string | Buffer, type: 'Async' | 'Sync' = 'Async'): Promise<{ requestId: string; status: number; text: string }> {
  const res = await fc3Client(cloud).invokeFunctionWithOptions(
    ON_EVENT,
    new $FC3.InvokeFunctionRequest({ body: Readable.from([Buffer.isBuffer(body) ? body : Buffer.from(body)]) }),
    new $FC3.InvokeFunctionHeaders({ xFcInvocationType: type }),
    {} as never,
  );
  const chunks: Buffer[] = [];
  for await (const c of res.body as Readable) chunks.push(Buffer.from(c));
  return { requestId: (res.headers as Record<string, string>)['x-fc-request-id'], status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') };
}

type RunFields = ConstructorParameters<typeof $Ecs.RunInstancesRequest>[0];

/** RunInstances through the ECS SDK: the launched instance ids. */
export async function runInstances(cloud: LocalCloud, fields: RunFields = {}): Promise<string[]> {
  const r = await ecsClient(cloud).runInstances(new $Ecs.RunInstancesRequest({ ...DEFAULT_LAUNCH, ...fields }));
  return r.body?.instanceIdSets?.instanceIdSet ?? [];
}

export const tags = (t: Record<string, string>) => Object.entries(t).map(([key, value]) => ({ key, value }));

/** The ENIs of an instance, as ECS describes them. */
export async function enisOf(cloud: LocalCloud, instanceId: string): Promise<string[]> {
  const r = await ecsClient(cloud).describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, instanceId, maxResults: 100 }));
  return (r.body?.networkInterfaceSets?.networkInterfaceSet ?? []).map((e) => e.networkInterfaceId!);
}

/** An ENI's status, as ECS describes it (undefined once it is gone). */
export async function eniStatus(cloud: LocalCloud, eniId: string): Promise<string | undefined> {
  const r = await ecsClient(cloud).describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, networkInterfaceId: [eniId] }));
  return r.body?.networkInterfaceSets?.networkInterfaceSet?.[0]?.status;
}

/** ECS writes through the official SDK, each one publishing what the real cloud sends to the default bus. */
export function ecsOps(cloud: LocalCloud) {
  const ecs = ecsClient(cloud);
  return {
    tag: (resourceType: 'instance' | 'eni', resourceId: string[], t: Record<string, string>) =>
      ecs.tagResources(new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType, resourceId, tag: tags(t).map((x) => new $Ecs.TagResourcesRequestTag(x)) })),
    untag: (resourceType: 'instance' | 'eni', resourceId: string[], tagKey: string[]) => ecs.untagResources(new $Ecs.UntagResourcesRequest({ regionId: REGION, resourceType, resourceId, tagKey })),
    createEni: async (t: Record<string, string> = {}, vSwitchId = 'vsw-prod-h') =>
      (
        await ecs.createNetworkInterface(
          new $Ecs.CreateNetworkInterfaceRequest({ regionId: REGION, vSwitchId, securityGroupId: 'sg-prod01', tag: tags(t).map((x) => new $Ecs.CreateNetworkInterfaceRequestTag(x)) }),
        )
      ).body!.networkInterfaceId!,
    attach: (networkInterfaceId: string, instanceId: string) => ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: REGION, networkInterfaceId, instanceId })),
    detach: (networkInterfaceId: string, instanceId: string) => ecs.detachNetworkInterface(new $Ecs.DetachNetworkInterfaceRequest({ regionId: REGION, networkInterfaceId, instanceId })),
    deleteEni: (networkInterfaceId: string) => ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({ regionId: REGION, networkInterfaceId })),
    deleteInstance: (instanceId: string) => ecs.deleteInstance(new $Ecs.DeleteInstanceRequest({ instanceId, force: true })),
    /** One instance with a primary ENI and, when asked, a secondary one, once it is Running: its id and ENI ids. */
    launch: async (t: Record<string, string>, secondary = false) => {
      const [instanceId] = await runInstances(cloud, {
        tag: tags(t).map((x) => new $Ecs.RunInstancesRequestTag(x)),
        networkInterface: secondary
          ? [new $Ecs.RunInstancesRequestNetworkInterface({ instanceType: 'Primary' }), new $Ecs.RunInstancesRequestNetworkInterface({ instanceType: 'Secondary' })]
          : undefined,
      });
      await eventually(
        async () => {
          const r = await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify([instanceId]) }));
          return r.body?.instances?.instance?.[0]?.status === 'Running';
        },
        30_000,
        `${instanceId} to be Running`,
      );
      return { instanceId, eniIds: await enisOf(cloud, instanceId) };
    },
  };
}

/** Records every message sent to an MNS queue from now on (by anyone: the function's deferrals, FC destinations). */
export function recordSends(cloud: LocalCloud, queueName: string): Array<{ body: string; delaySeconds?: number }> {
  const queue = cloud.mns.queue(queueName);
  const sent: Array<{ body: string; delaySeconds?: number }> = [];
  const send = queue.send.bind(queue);
  queue.send = (body, opts = {}) => {
    const r = send(body, opts);
    sent.push({ body, delaySeconds: opts.delaySeconds });
    return r;
  };
  return sent;
}
