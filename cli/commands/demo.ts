import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as $Ecs from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import Vpc, * as $Vpc from '@alicloud/vpc20160428';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { REPO_SYAML } from '../../localcloud/platform/serve.js';
import { DEFAULT_LAUNCH } from '../../localcloud/world/default-launch.js';
import { buildFunctions } from '../../scripts/build.js';
import { newOwnershipKey, OWNERSHIP_KEYS_ENV } from '../../shared/cloud/ownership-keys.js';
import type { DriftReport } from '../../shared/report/model.js';
import { coverageHeadline } from '../../shared/report/present.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { describeOnEvent } from '../demo/print-invocation.js';
import { writeReport } from '../region-run.js';
import { writeLines } from '../terminal.js';
import { ensureTrigger } from '../wiring/event-triggers.js';
import { ensureMessaging } from '../wiring/queues.js';

const ROOT = resolve(__dirname, '../..');
const REGION = 'cn-hangzhou';
/** A narrative for people, so no --json (its drift report is in ./automirror-report/report.json). */
const FLAGS = { 'no-color': COMMON_FLAGS['no-color'] };
/** Lines of the demo's own text; a blank line is ''. Each line is defused, so none may hold a line break. */
const out = (...lines: string[]) => writeLines(lines.length > 0 ? lines : ['']);

const TRANSITIONAL = new Set(['Pending', 'Starting', 'Attaching', 'Detaching', 'Creating', 'Modifying', 'Deleting']);

/** Waits (bounded) until no instance is booting, no session is changing, and no event or invocation is in flight. */
async function quiet(cloud: LocalCloud): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    await cloud.platform.idle();
    const r = cloud.state.region(REGION);
    const busy = [...r.instances.values(), ...r.enis.values()].some((x) => TRANSITIONAL.has(x.status)) || [...r.sessions.values()].some((x) => TRANSITIONAL.has(x.status));
    if (!busy || Date.now() > until) return;
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Runs one step of the scenario, waits until the cloud is quiet, and prints what on-event did. */
async function step(cloud: LocalCloud, title: string, act: () => unknown): Promise<void> {
  out('', title);
  const before = cloud.fc.invocations.length;
  await act();
  await quiet(cloud);
  const runs = cloud.fc.invocations.slice(before).filter((i) => i.functionName === DEFAULT_SETTINGS.onEventFunction);
  if (runs.length === 0) out('    (no function ran: no event reached one)');
  for (const r of runs) {
    out(`  on-event ← ${r.source}${r.ok ? '' : ` FAILED (${r.errorMessage})`}`);
    describeOnEvent(r.response).forEach((l) => out(l));
  }
}

/**
 * A step too large to print call by call (a fleet launched or opted out at once): what on-event did in total, and
 * how often localcloud's rate limits answered Throttling, by operation, before the engine's retries got through.
 */
async function burstStep(cloud: LocalCloud, title: string, act: () => unknown): Promise<void> {
  out('', title);
  const before = cloud.fc.invocations.length;
  const since = cloud.controls.calls.list().at(-1)?.seq ?? 0;
  await act();
  await quiet(cloud);
  const runs = cloud.fc.invocations.slice(before).filter((i) => i.functionName === DEFAULT_SETTINGS.onEventFunction);
  const count = (k: 'created' | 'deleted') =>
    runs.reduce((n, r) => n + ((JSON.parse(r.response || '{}') as { results?: Array<Record<string, unknown[]>> }).results ?? []).reduce((m, x) => m + (x[k]?.length ?? 0), 0), 0);
  out(`  on-event ran ${runs.length} times (${runs.filter((r) => !r.ok).length} failed): ${count('created')} sessions created, ${count('deleted')} deleted`);
  const throttled = new Map<string, number>();
  for (const c of cloud.controls.calls.list({ since })) if (c.code.startsWith('Throttling')) throttled.set(c.action, (throttled.get(c.action) ?? 0) + 1);
  if (throttled.size === 0) out('  no call was throttled');
  else out(`  throttled, then retried: ${[...throttled].map(([action, n]) => `${action} ×${n}`).join(', ')}`);
}

/**
 * The scheduled backstop, as the platform runs it: the hourly timer fires reconcile, which fans out one
 * reconcile-region per region; its drift report is written beside the repo and summarised here.
 */
async function reconcileAndReport(cloud: LocalCloud): Promise<DriftReport | undefined> {
  out('', `scheduled reconcile ← timer "hourly" fires ${DEFAULT_SETTINGS.reconcileFunction} (payload {"mode":"enforce"})`);
  const before = cloud.fc.invocations.length;
  cloud.fc.timers.fire(DEFAULT_SETTINGS.reconcileFunction, 'hourly');
  await quiet(cloud);
  const runs = cloud.fc.invocations.slice(before).filter((i) => i.functionName === DEFAULT_SETTINGS.reconcileRegionFunction && i.ok);
  const last = runs[runs.length - 1];
  if (!last) {
    out('  reconcile-region did not complete: see the function log above');
    return undefined;
  }
  const { report } = JSON.parse(last.response) as { report: DriftReport };
  for (const u of report.foreignSessions.unapproved)
    out(`  ! unapproved mirroring: ${u.sessionId} copies ${u.sourceIds.join(', ')} to ${u.target.kind} ${u.target.id}${u.enabled ? '' : ' (disabled)'}`);
  for (const f of report.forgedClaims ?? []) out(`  ! forged ownership claim, left alone: ${f.sessionId} (${f.verdict}: ${f.reason})`);
  for (const item of report.items) out(`  ${item.action.status.padEnd(8)} ${item.action.kind} ${item.id}: ${item.action.reason}`);
  out(`  ${coverageHeadline(report.totals)}`);
  const dir = join(process.cwd(), 'automirror-report');
  writeReport(dir, report);
  out(`  drift report: ${join(dir, 'report.html')} (also report.json, report.md)`);
  return report;
}

/**
 * What someone bending automirror would try: mirror db01 to a box of their own (unapproved: alerted by on-event at
 * once), then dress that session up as automirror's by copying a real session's tags, proof included (a forged
 * claim: the proof is bound to the session id, so automirror leaves it alone and reports it).
 */
async function attackSteps(cloud: LocalCloud, vpc: Vpc): Promise<void> {
  const sessions = () => [...cloud.state.region(REGION).sessions.values()];
  const theirs = [...cloud.state.region(REGION).enis.values()].find((e) => e.status === 'InUse' && !sessions().some((s) => s.trafficMirrorSourceIds.includes(e.networkInterfaceId)));
  const ours = sessions().find((s) => s.trafficMirrorSourceIds.includes('eni-db01p'));
  if (!theirs || !ours) return;
  let made = '';
  await step(cloud, `VPC API ← CreateTrafficMirrorSession eni-db01p → ${theirs.networkInterfaceId} (someone copies db01's traffic to a box of their own)`, async () => {
    const r = await vpc.createTrafficMirrorSession(
      new $Vpc.CreateTrafficMirrorSessionRequest({
        regionId: REGION,
        trafficMirrorSourceIds: ['eni-db01p'],
        trafficMirrorTargetId: theirs.networkInterfaceId,
        trafficMirrorTargetType: 'NetworkInterface',
        trafficMirrorFilterId: ours.trafficMirrorFilterId,
        priority: 7,
        enabled: true,
      }),
    );
    made = r.body?.trafficMirrorSessionId ?? '';
  });
  if (!made) return;
  const copied = [...ours.tags].filter(([k]) => k.startsWith('automirror:')).map(([key, value]) => new $Vpc.TagResourcesRequestTag({ key, value }));
  await step(cloud, `VPC API ← TagResources ${made} with ${ours.trafficMirrorSessionId}'s automirror:* tags, proof included (claiming it is automirror's)`, () =>
    vpc.tagResources(new $Vpc.TagResourcesRequest({ regionId: REGION, resourceType: 'TRAFFICMIRRORSESSION', resourceId: [made], tag: copied })),
  );
}

/**
 * `npm start`: the main job on the embedded localcloud, wired as in production. Builds the functions, serves
 * the default world with the repo's s.yaml and policy, runs the setup step (ECS event trigger, MNS queues), then
 * replays the sample events in events/ on the event bus and drives instances through the ECS API, printing what
 * each on-event invocation did; then a session is deleted by hand and the scheduled reconcile repairs it and
 * writes its drift report.
 */
export async function demoCommand(argv: string[]): Promise<number> {
  const { positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  out('building functions…');
  for (const b of await buildFunctions()) out(`  dist/${b.name}/index.js (${Math.round(b.bytes / 1024)} KiB)`);
  // The functions prove the sessions they create with this key (s.yaml passes it on from this environment).
  if (!process.env[OWNERSHIP_KEYS_ENV]) {
    process.env[OWNERSHIP_KEYS_ENV] = newOwnershipKey();
    out(`ownership key: a fresh one for this run (${OWNERSHIP_KEYS_ENV} was not set)`);
  }
  // A documented "second" (MNS delays, retry backoffs) lasts 50 ms here, so deferred work returns quickly.
  const cloud = await startLocalCloud({
    world: join(ROOT, 'worlds/default.json'),
    platform: { sYaml: REPO_SYAML, policyFile: join(ROOT, 'policy.yaml'), clock: 'real', secondMs: 50 },
  });
  try {
    const key = { accessKeyId: 'LTAI-localcloud-demo', accessKeySecret: 'localcloud-demo-secret' };
    out(`localcloud serving worlds/default.json at ${cloud.endpoint}`);
    const cfg = { regionId: REGION, accountId: cloud.state.accountId, credentials: key, endpoint: cloud.endpoint, mnsEndpoint: cloud.endpoints.mns, fcEndpoint: cloud.endpoints.fc3 };
    await ensureMessaging(cfg, DEFAULT_SETTINGS);
    const ecsTrigger = await ensureTrigger(cfg, 'ecs', DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.ecsTrigger);
    const vpcTrigger = await ensureTrigger(cfg, 'vpc', DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.vpcTrigger);
    out(`setup: ECS event trigger ${ecsTrigger}, VPC event trigger ${vpcTrigger}, MNS queues ready`);

    const samples = readdirSync(join(ROOT, 'events'))
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const file of samples) {
      const body = readFileSync(join(ROOT, 'events', file));
      const doc = JSON.parse(body.toString('utf8')) as { source?: unknown };
      // CloudEvents travel the event bus; a batch or CloudMonitor's own form reaches FC another way, so those go
      // to the function directly, as their triggers would deliver them.
      if (!Array.isArray(doc) && typeof doc.source === 'string') await step(cloud, `event bus ← events/${file}`, () => cloud.bus.put(doc as never));
      else await step(cloud, `FC ← events/${file} (not an EventBridge event: invoked directly)`, () => cloud.fc.invokeAsync(DEFAULT_SETTINGS.onEventFunction, body));
    }

    const ecs = new $Ecs.default(new $OpenApiUtil.Config({ ...key, endpoint: cloud.endpoint, protocol: 'http', regionId: REGION }));
    const tag = (tags: Record<string, string>) => Object.entries(tags).map(([k, v]) => new $Ecs.RunInstancesRequestTag({ key: k, value: v }));
    const run = (name: string, tags: Record<string, string>, amount = 1) =>
      ecs.runInstances(
        new $Ecs.RunInstancesRequest({
          ...DEFAULT_LAUNCH,
          instanceName: name,
          amount,
          tag: tag(tags),
        }),
      );
    await step(cloud, 'ECS API ← RunInstances app-01 (tagged mirror=on)', () => run('app-01', { mirror: 'on', app: 'api' }));
    await step(cloud, 'ECS API ← RunInstances batch-01 (not tagged)', () => run('batch-01', { app: 'batch' }));
    await step(cloud, 'ECS API ← TagResources i-db01 mirror=on (opting an existing instance in)', () =>
      ecs.tagResources(new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: ['i-db01'], tag: [new $Ecs.TagResourcesRequestTag({ key: 'mirror', value: 'on' })] })),
    );
    await step(cloud, 'ECS API ← UntagResources i-web01 mirror (opting it out)', () =>
      ecs.untagResources(new $Ecs.UntagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: ['i-web01'], tagKey: ['mirror'] })),
    );

    // A fleet at once: one RunInstances of 30 tagged instances, then one TagResources opting them all out (RunInstances
    // tags the primary ENIs too, so removing the instances' tag would leave them opted in). Their events arrive
    // together, and the engine's writes meet localcloud's rate limits, as they would the real gateway's.
    const fleet = await (async () => {
      const ids: string[] = [];
      await burstStep(cloud, 'ECS API ← RunInstances fleet-* ×30 (tagged mirror=on, launched in one call)', async () => {
        const r = await run('fleet-', { mirror: 'on', app: 'fleet' }, 30);
        ids.push(...(r.body?.instanceIdSets?.instanceIdSet ?? []));
      });
      return ids;
    })();
    await burstStep(cloud, `ECS API ← TagResources automirror=off on the ${fleet.length} fleet instances (opting them out in one call)`, () =>
      ecs.tagResources(new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: fleet, tag: [new $Ecs.TagResourcesRequestTag({ key: 'automirror', value: 'off' })] })),
    );

    const vpc = new Vpc(new $OpenApiUtil.Config({ ...key, endpoint: cloud.endpoint, protocol: 'http', regionId: REGION }));
    await attackSteps(cloud, vpc);
    const mine = [...cloud.state.region(REGION).sessions.values()].find(
      (x) => x.trafficMirrorSourceIds.includes('eni-db01p') && x.tags.get('automirror:rule') && x.trafficMirrorTargetId === 'lb-collector01',
    );
    if (mine) {
      await step(cloud, `VPC API ← DeleteTrafficMirrorSession ${mine.trafficMirrorSessionId} (someone deletes it by hand: no ECS event follows)`, () =>
        vpc.deleteTrafficMirrorSession(new $Vpc.DeleteTrafficMirrorSessionRequest({ regionId: REGION, trafficMirrorSessionId: mine.trafficMirrorSessionId })),
      );
    }
    const report = await reconcileAndReport(cloud);
    const forged = new Set((report?.forgedClaims ?? []).map((f) => f.sessionId));

    out('', 'sessions in cn-hangzhou now:');
    for (const s of cloud.state.region(REGION).sessions.values()) {
      out(
        `  ${s.trafficMirrorSessionId} ${s.status.padEnd(8)} priority ${s.priority}  ${s.trafficMirrorSourceIds.join(',')} → ${s.trafficMirrorTargetType} ${s.trafficMirrorTargetId}  ${forged.has(s.trafficMirrorSessionId) ? 'forged claim (not ours)' : `rule ${s.tags.get('automirror:rule') ?? '(not ours)'}`}`,
      );
    }
  } finally {
    await cloud.close();
  }
  return 0;
}

export const command: CommandSpec = {
  name: 'demo',
  summary: 'the main job on an embedded localcloud, wired as in production (what npm start runs)',
  description: [
    "Builds the functions, serves the default world with the repo's s.yaml and policy, runs setup, replays the",
    'sample events of events/ and drives instances through the ECS API, printing what each on-event run did; then',
    'someone mirrors a box to their own collector and forges a claim, a session is deleted by hand, and the scheduled',
    'reconcile repairs it and writes its drift report into ./automirror-report.',
  ].join('\n'),
  usage: 'automirror demo',
  flags: FLAGS,
  examples: [{ command: 'npm start', what: 'the same as automirror demo' }],
  run: demoCommand,
};
