import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as $Vpc from '@alicloud/vpc20160428';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { managedRuleName } from '../../localcloud/platform/triggers.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { ALERT_TAG } from '../../shared/report/alert.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import {
  defaultWorld,
  drain,
  editRegion,
  eventPathForFile,
  eventPathWorld,
  eventually,
  invokeOnEvent,
  listSessions,
  logLines,
  mnsClient,
  ownedSession,
  REGION,
  receiveOne,
  runsNaming,
  settledRuns,
  vpcClient,
} from './support.js';

// Unapproved mirroring on the event path, as production wires it: a session someone else writes publishes its
// ActionTrail record on the default bus, the VPC trigger setup made sends it to on-event, and that one invocation
// reads the session, classifies it and alerts on the report topic (read here from a queue subscribed to it).

const NETOPS = { accessKeyId: 'LTAI-netops', accessKeySecret: 'netops-secret' };
const INBOX = 'alerts-inbox';
const ROGUE = 'lb-rogue01';
const NETOPS_LB = 'lb-netops01';
const OURS = 'tms-web01p';
const OURS_2 = 'tms-web01s';

function world(): WorldFile {
  const w = editRegion(eventPathWorld({}, defaultWorld()), (r) => {
    const lb = r.loadBalancers?.[0];
    r.loadBalancers = [...(r.loadBalancers ?? []), { ...lb, loadBalancerId: ROGUE, loadBalancerName: 'not-a-collector' }, { ...lb, loadBalancerId: NETOPS_LB, loadBalancerName: 'netops-tap' }];
    // automirror's own (proven) sessions, for someone else to bend.
    r.trafficMirrorSessions = [...(r.trafficMirrorSessions ?? []), ownedSession(OURS, 'eni-web01p', 1029, 'i-web01'), ownedSession(OURS_2, 'eni-web01s', 1172, 'i-web01')];
  });
  return { ...w, accessKeys: [...w.accessKeys, NETOPS] };
}

let priority = 100;
/** CreateTrafficMirrorSession as the netops key: `source` (eni-db01p is not opted in) copied to `targetId`. */
async function theirSession(cloud: LocalCloud, targetId: string, enabled = true, source = 'eni-db01p'): Promise<string> {
  const r = await vpcClient(cloud, NETOPS).createTrafficMirrorSession(
    new $Vpc.CreateTrafficMirrorSessionRequest({
      regionId: REGION,
      trafficMirrorSessionName: 'copy-of-db',
      trafficMirrorSourceIds: [source],
      trafficMirrorTargetId: targetId,
      trafficMirrorTargetType: 'SLB',
      trafficMirrorFilterId: 'tmf-allipv4',
      priority: priority++,
      enabled,
    }),
  );
  return r.body?.trafficMirrorSessionId as string;
}

/** A queue subscribed to the report topic for alerts only (the tag subscribers filter on). */
async function subscribeAlerts(cloud: LocalCloud): Promise<void> {
  await mnsClient(cloud).createQueue(INBOX);
  cloud.mns.subscribe(DEFAULT_SETTINGS.reportTopic, 'alerts', { endpoint: `acs:mns:${REGION}:${cloud.state.accountId}:/queues/${INBOX}`, notifyContentFormat: 'SIMPLIFIED', filterTag: ALERT_TAG });
}

/** The next alert on the inbox, taken off it (undefined when none comes within a second). */
async function takeAlert(cloud: LocalCloud): Promise<string | undefined> {
  const m = await receiveOne(mnsClient(cloud), INBOX, 1);
  if (m) await mnsClient(cloud).deleteMessage(INBOX, m.ReceiptHandle);
  return m?.MessageBody;
}

/** The one on-event run whose event names the session, once the platform is idle. */
async function runFor(cloud: LocalCloud, sessionId: string, since: number) {
  await settledRuns(cloud, since);
  const runs = runsNaming(cloud, sessionId, since);
  expect(runs.map((r) => r.ok)).toEqual([true]);
  return runs[0];
}

/** Writes made with the functions' keys (not the test's, not netops') after `since`. */
const functionWrites = (cloud: LocalCloud, since: number) =>
  cloud.controls.calls.list({ since }).filter((c) => c.accessKeyId !== NETOPS.accessKeyId && c.accessKeyId !== 'LTAI-localcloud-demo' && !/^(Describe|List|Get)/.test(c.action));

/**
 * A session of theirs toward ROGUE made while `operation` fails with a 503 for its first 6 calls: one invocation's
 * in-call attempts (DEFAULT_RETRY) all fail, FC's retry of the invocation finds the cloud back. Faults cleared after.
 */
async function theirSessionWhileFailing(cloud: LocalCloud, operation: string, settled: (id: string) => Promise<boolean> | boolean): Promise<string> {
  cloud.controls.setFaults([{ operation, code: 'ServiceUnavailable', status: 503, message: 'temporary failure', count: 6 }]);
  try {
    const id = await theirSession(cloud, ROGUE);
    await eventually(() => settled(id), 60_000, `${id} handled after a retry`);
    await cloud.platform.idle();
    return id;
  } finally {
    cloud.controls.setFaults([]);
  }
}

/** UpdateTrafficMirrorSessionAttribute as the netops key. */
const netopsUpdate = (cloud: LocalCloud, id: string, fields: Partial<$Vpc.UpdateTrafficMirrorSessionAttributeRequest>) =>
  vpcClient(cloud, NETOPS).updateTrafficMirrorSessionAttribute(new $Vpc.UpdateTrafficMirrorSessionAttributeRequest({ regionId: REGION, trafficMirrorSessionId: id, ...fields }));
const redirect = (cloud: LocalCloud, id: string) => netopsUpdate(cloud, id, { trafficMirrorTargetId: ROGUE, trafficMirrorTargetType: 'SLB' });
const sessionOf = async (cloud: LocalCloud, id: string) => (await listSessions(cloud, { trafficMirrorSessionIds: [id] }))[0];

/**
 * Someone else redirects automirror's session: the one invocation of that call's event alerts it as automirror's
 * session redirected, and ensures its ENI, whose plan points it back at the policy's collector (a second event, of
 * automirror's own update, finds it owned). Nothing disables it, whatever the policy says.
 */
async function expectRedirectRepaired(cloud: LocalCloud, id: string) {
  const at = mark(cloud);
  await redirect(cloud, id);
  await settledRuns(cloud, at.runs, 2);
  // The second run starts while the first is still at work: either may be recorded first.
  const runs = runsNaming(cloud, id, at.runs);
  const outcomes = new Map(runs.map((r) => [JSON.parse(r.response).sessions[0].outcome, r]));
  expect(runs.map((r) => r.ok)).toEqual([true, true]);
  expect([...outcomes.keys()].sort()).toEqual(['owned', 'tampered']);
  const alert = await takeAlert(cloud);
  expect(alert).toContain(`| ${id} |`);
  expect(alert).toContain(`SLB ${ROGUE}`);
  expect(alert).toContain("automirror's own session, redirected: reported");
  expect(alert).toContain('AccessKey LTAI-netops');
  expect(await takeAlert(cloud)).toBeUndefined();
  expect(
    logLines(cloud, outcomes.get('tampered')!.requestId)
      .filter((l) => l.level === 'error')
      .map((l) => l.msg),
  ).toEqual(['unapproved mirroring']);
  const writes = functionWrites(cloud, at.calls);
  expect(writes.map((c) => [c.action, c.params.TrafficMirrorSessionId, c.params.TrafficMirrorTargetId, c.params.Enabled])).toEqual([
    ['UpdateTrafficMirrorSessionAttribute', id, 'lb-collector01', undefined],
  ]);
  const now = await sessionOf(cloud, id);
  expect([now?.trafficMirrorTargetId, now?.enabled]).toEqual(['lb-collector01', true]);
}

const enabledOf = async (cloud: LocalCloud, id: string) => (await listSessions(cloud, { trafficMirrorSessionIds: [id] }))[0]?.enabled;
const mark = (cloud: LocalCloud) => ({ runs: cloud.fc.invocations.length, calls: cloud.controls.calls.list().at(-1)?.seq ?? 0 });

describe('unapproved: report (the default policy)', () => {
  const ctx = eventPathForFile({ world: world(), vpcTrigger: true });
  beforeAll(() => subscribeAlerts(ctx.cloud));

  it('a session another key makes toward its own collector is alerted within the one invocation of its ActionTrail event, and left enabled', async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    const id = await theirSession(cloud, ROGUE);
    const run = await runFor(cloud, id, at.runs);
    expect(run.source).toBe(`eventbridge:${managedRuleName(DEFAULT_SETTINGS.onEventFunction, DEFAULT_SETTINGS.vpcTrigger)}`);
    const alert = await takeAlert(cloud);
    expect(alert).toContain('unapproved traffic mirroring');
    expect(alert).toContain(`| ${id} (copy-of-db) | ${REGION} | eni-db01p | SLB ${ROGUE} |`);
    expect(alert).toContain('AccessKey LTAI-netops');
    expect(alert).toMatch(/\| reported \|/);
    const errors = logLines(cloud, run.requestId).filter((l) => l.level === 'error');
    expect(errors.map((l) => l.msg)).toEqual(['unapproved mirroring']);
    expect(await enabledOf(cloud, id)).toBe(true);
    expect(functionWrites(cloud, at.calls)).toEqual([]);
  });

  it('a read that fails transiently throws so FC retries, and the retry reads, classifies and alerts', async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    const id = await theirSessionWhileFailing(cloud, 'ListTrafficMirrorSessions', (s) => runsNaming(cloud, s, at.runs).some((r) => r.ok));
    expect(runsNaming(cloud, id, at.runs).map((r) => r.ok)).toEqual([false, true]);
    expect(await takeAlert(cloud)).toContain(`| ${id} (copy-of-db) |`);
    expect(await takeAlert(cloud)).toBeUndefined();
  });

  it("automirror's own session redirected by another key is alerted and pointed back in the one invocation of its event", async () => {
    await expectRedirectRepaired(ctx.cloud, OURS);
  });

  it("automirror's own session disabled by another key is enabled again in the one invocation of its event (a warning, no alert)", async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    await netopsUpdate(cloud, OURS_2, { enabled: false });
    await settledRuns(cloud, at.runs, 2);
    // Netops' event and automirror's own (either may be recorded first): both find it owned, the first repairs it.
    const runs = runsNaming(cloud, OURS_2, at.runs);
    expect(runs.map((r) => JSON.parse(r.response).sessions)).toEqual([0, 1].map(() => [{ sessionId: OURS_2, regionId: REGION, outcome: 'owned' }]));
    const warned = runs.map((r) => logLines(cloud, r.requestId).flatMap((l) => (l.level === 'warn' || l.level === 'error' ? [l.msg] : [])));
    expect(warned.flat()).toEqual(['automirror’s session disabled by someone else: repairing']);
    const repairing = runs[warned.findIndex((w) => w.length > 0)];
    expect(JSON.parse(repairing.response).results).toEqual([expect.objectContaining({ result: 'done' })]);
    expect(functionWrites(cloud, at.calls).map((c) => [c.action, c.params.TrafficMirrorSessionId, c.params.Enabled])).toEqual([['UpdateTrafficMirrorSessionAttribute', OURS_2, 'true']]);
    expect(await enabledOf(cloud, OURS_2)).toBe(true);
    expect(await takeAlert(cloud)).toBeUndefined();
  });

  it("a session toward the policy's own collector is not alerted", async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    const id = await theirSession(cloud, 'lb-collector01');
    const run = await runFor(cloud, id, at.runs);
    expect(JSON.parse(run.response).sessions).toEqual([{ sessionId: id, regionId: REGION, outcome: 'approved' }]);
    expect(await takeAlert(cloud)).toBeUndefined();
    expect(logLines(cloud, run.requestId).filter((l) => l.level === 'error')).toEqual([]);
  });

  it('a malformed or hostile VPC event gets one clear error line and changes nothing', async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    const hostile = {
      id: 'evt-hostile',
      source: 'acs.vpc',
      specversion: '1.0',
      type: 'vpc:ActionTrail:ApiCall',
      data: { eventName: 'CreateTrafficMirrorSession', acsRegion: REGION, responseElements: { TrafficMirrorSessionId: 'tms-a\u001b[2J\nforged' }, userIdentity: { type: '\u202Eroot' } },
    };
    const r = await invokeOnEvent(cloud, JSON.stringify(hostile), 'Sync');
    expect(r.status).toBe(200);
    const lines = logLines(cloud, r.requestId);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'events not acted on']]);
    expect(JSON.stringify(lines[0].events)).toContain('must name exactly one traffic mirror session');
    expect(cloud.controls.calls.list({ since: at.calls }).filter((c) => c.accessKeyId !== 'LTAI-localcloud-demo')).toEqual([]);
    expect(await takeAlert(cloud)).toBeUndefined();
  });

  it('a session created disabled is idle (no alert), and enabling it by another key is alerted within that one invocation', async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    // eni-db01p has the 3 sessions a source may have by now: another ENI (the source does not change the class).
    const id = await theirSession(cloud, ROGUE, false, 'eni-web01s');
    const created = await runFor(cloud, id, at.runs);
    expect(JSON.parse(created.response).sessions).toEqual([{ sessionId: id, regionId: REGION, outcome: 'idle' }]);
    expect(await takeAlert(cloud)).toBeUndefined();
    const then = mark(cloud);
    await netopsUpdate(cloud, id, { enabled: true });
    const enabled = await runFor(cloud, id, then.runs);
    expect(JSON.parse(enabled.response).sessions).toEqual([{ sessionId: id, regionId: REGION, outcome: 'unapproved', response: 'reported' }]);
    const alert = await takeAlert(cloud);
    expect(alert).toContain(`| ${id} (copy-of-db) | ${REGION} | eni-web01s | SLB ${ROGUE} |`);
    expect(alert).toContain('UpdateTrafficMirrorSessionAttribute');
  });
});

describe('unapproved: disable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'automirror-unapproved-'));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, `${readFileSync(new URL('../../policy.yaml', import.meta.url), 'utf8')}\napprovedTargets: [${NETOPS_LB}]\nunapproved: disable\n`);
  const ctx = eventPathForFile({ world: world(), vpcTrigger: true, policyFile });
  beforeAll(() => subscribeAlerts(ctx.cloud));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('disables the unapproved session within the one invocation (Enabled=false, its one write) and says so in the alert', async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    const id = await theirSession(cloud, ROGUE);
    // The event of the session's creation, then the event of automirror's own disable, which finds it idle.
    await settledRuns(cloud, at.runs, 2);
    const runs = runsNaming(cloud, id, at.runs);
    expect(runs.map((r) => JSON.parse(r.response).sessions[0].outcome)).toEqual(['unapproved', 'idle']);
    expect(await enabledOf(cloud, id)).toBe(false);
    const writes = functionWrites(cloud, at.calls);
    expect(writes.map((c) => [c.action, c.params.TrafficMirrorSessionId, c.params.Enabled, c.code])).toEqual([['UpdateTrafficMirrorSessionAttribute', id, 'false', 'OK']]);
    expect(Object.keys(writes[0].params).filter((k) => !/^(RegionId|ClientToken|TrafficMirrorSessionId|Enabled)$/.test(k))).toEqual([]);
    const alert = await takeAlert(cloud);
    expect(alert).toContain(id);
    expect(alert).toMatch(/\| disabled \|/);
  });

  it('a disable that fails transiently alerts, throws so FC retries, and the retry disables it', async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    const id = await theirSessionWhileFailing(cloud, 'UpdateTrafficMirrorSessionAttribute', async (s) => (await enabledOf(cloud, s)) === false);
    expect(runsNaming(cloud, id, at.runs).map((r) => r.ok)).toEqual([false, true, true]);
    const alerts = (await drain(mnsClient(cloud), INBOX)).map((b) => b.match(/\| (failed: [^|]*|disabled) \|/)?.[1]);
    expect(alerts).toEqual([expect.stringMatching(/^failed: ServiceUnavailable: .*temporary failure/), 'disabled']);
  });

  it("never disables automirror's own session redirected by another key: it is alerted and pointed back", async () => {
    await expectRedirectRepaired(ctx.cloud, OURS);
  });

  it('leaves a session toward an approvedTargets collector alone, unalerted', async () => {
    const { cloud } = ctx;
    const at = mark(cloud);
    const id = await theirSession(cloud, NETOPS_LB);
    const run = await runFor(cloud, id, at.runs);
    expect(JSON.parse(run.response).sessions).toEqual([{ sessionId: id, regionId: REGION, outcome: 'approved' }]);
    expect(await enabledOf(cloud, id)).toBe(true);
    expect(functionWrites(cloud, at.calls)).toEqual([]);
    expect(await takeAlert(cloud)).toBeUndefined();
  });
});
