import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldSession } from '../../localcloud/world/types.js';
import { MnsQueue } from '../../shared/cloud/mns.js';
import type { Policy } from '../../shared/policy/types.js';
import { renderHtml } from '../../shared/report/html.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { DEFAULT_SETTINGS as S } from '../../shared/settings.js';
import { eniId, REGION, sessionsIn, webPolicy, worldSession } from '../engine/cloud.js';
import { appWorld, buildApp, clientConfig, regionRuns, removeScratch, scratch, startApp } from './app.js';
import { quiet, regionWorld, runRegion } from './support.js';

// The scheduled path's side of unapproved mirroring: every session of the region automirror does not own is
// classified by the event path's own function; unapproved ones lead the report and, under `unapproved: disable`,
// an enforce run switches them off (and only them, and only that field).

const HOSTILE = '<img src=x onerror=alert(1)>|**bold**';
/** Another team's session on an opted-in ENI, toward lb-b: a CLB the web policy does not name. */
const rogue = (over: Partial<WorldSession> = {}) => worldSession('tms-rogue', [eniId(0)], 5, null, { trafficMirrorTargetId: 'lb-b', trafficMirrorSessionName: HOSTILE, ...over });
/** Another team's session toward the policy's own collector. */
const netops = () => worldSession('tms-netops', [eniId(1)], 6, null);

const disabling = (over: Partial<Policy> = {}): Policy => ({ ...webPolicy(), unapproved: 'disable', ...over });
const updatesOf = (cloud: LocalCloud, sessionId: string) => cloud.controls.calls.list({ action: 'UpdateTrafficMirrorSessionAttribute' }).filter((c) => c.params.TrafficMirrorSessionId === sessionId);

let open: LocalCloud | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});
const started = async (c: Promise<LocalCloud>) => {
  open = await c;
  return open;
};
/** A region of two opted-in instances holding `sessions`, closed after the test. */
const region = (sessions: WorldSession[]) => started(startLocalCloud({ world: regionWorld({ instances: 2, options: { asyncDelayMs: 20 }, sessions }) }));

describe('a region reconcile and unapproved mirroring', () => {
  it('lists unapproved sessions at the top of the report, escaped, and counts approved ones not automirror’s', async () => {
    const cloud = await region([rogue(), netops()]);
    const { report } = await runRegion(cloud, 'report');
    expect(report.foreignSessions).toEqual({
      unapproved: [
        {
          sessionId: 'tms-rogue',
          regionId: REGION,
          name: HOSTILE,
          sourceIds: [eniId(0)],
          target: { kind: 'SLB', id: 'lb-b' },
          enabled: true,
          createdAt: expect.any(String),
          response: 'reported',
        },
      ],
      approved: { [REGION]: 1 },
    });
    const md = renderMarkdown(report);
    expect(md.split('\n').slice(0, 7)).toEqual([
      '## automirror drift report',
      '',
      '### Unapproved mirroring',
      "**1 unapproved session (1 still mirroring); 1 session toward approved collectors, not automirror's**",
      '',
      '| Session | Region | Sources | Target | Who / when | Response |',
      '|---|---|---|---|---|---|',
    ]);
    expect(md).toContain('| tms-rogue (\\<img src=x onerror=alert(1)\\>\\|\\*\\*bold\\*\\*) | cn-hangzhou | eni-t0000p | SLB lb-b |');
    const html = renderHtml(report);
    expect([...html.matchAll(/<h2[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1])[0]).toBe('Unapproved mirroring');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('under unapproved: disable, a report run writes nothing and says it would disable', async () => {
    const cloud = await region([rogue()]);
    const { report } = await runRegion(cloud, 'report', disabling());
    expect(report.foreignSessions.unapproved.map((u) => u.response)).toEqual(['would-disable']);
    expect(cloud.controls.calls.list().filter((c) => !/^(Describe|List)/.test(c.action))).toEqual([]);
  });

  it('under unapproved: disable, an enforce run sets Enabled=false on the unapproved session only, and records it', async () => {
    const cloud = await region([rogue(), netops()]);
    const { report } = await runRegion(cloud, 'enforce', disabling());
    await quiet(cloud);
    expect(report.foreignSessions.unapproved.map((u) => [u.sessionId, u.enabled, u.response])).toEqual([['tms-rogue', true, 'disabled']]);
    const updates = updatesOf(cloud, 'tms-rogue');
    expect(updates.map((c) => [c.params.Enabled, c.code])).toEqual([['false', 'OK']]);
    expect(Object.keys(updates[0].params).sort()).toEqual(['ClientToken', 'Enabled', 'RegionId', 'TrafficMirrorSessionId']);
    const cloudSessions = sessionsIn(cloud);
    expect(cloudSessions.find((s) => s.trafficMirrorSessionId === 'tms-rogue')).toMatchObject({ enabled: false, trafficMirrorTargetId: 'lb-b', trafficMirrorSourceIds: [eniId(0)] });
    expect(cloudSessions.find((s) => s.trafficMirrorSessionId === 'tms-netops')?.enabled).toBe(true);
    expect(updatesOf(cloud, 'tms-netops')).toEqual([]);
  });

  it("lists automirror's own session redirected to an unapproved collector as tampered, and enforce points it back, never disabling it", async () => {
    const bent = () => worldSession('tms-ours', [eniId(0)], 1000, 'web', { trafficMirrorTargetId: 'lb-b' });
    const seen = await runRegion(await region([bent()]), 'report', disabling());
    expect(seen.report.foreignSessions.unapproved.map((u) => [u.sessionId, u.response, u.tampered])).toEqual([['tms-ours', 'reported', true]]);
    expect(renderMarkdown(seen.report)).toContain("| automirror's own session, redirected: reported (the engine puts its target back) |");
    await open?.close();
    const cloud = await region([bent()]);
    await runRegion(cloud, 'enforce', disabling());
    await quiet(cloud);
    expect(updatesOf(cloud, 'tms-ours').map((c) => [c.params.TrafficMirrorTargetId, c.params.Enabled])).toEqual([['lb-a', undefined]]);
    expect(sessionsIn(cloud).find((s) => s.trafficMirrorSessionId === 'tms-ours')).toMatchObject({ enabled: true, trafficMirrorTargetId: 'lb-a' });
  });

  it('a target in approvedTargets makes the session approved: not listed, not disabled', async () => {
    const cloud = await region([rogue()]);
    const { report } = await runRegion(cloud, 'enforce', disabling({ approvedTargets: ['lb-b'] }));
    expect(report.foreignSessions).toEqual({ unapproved: [], approved: { [REGION]: 1 } });
    expect(updatesOf(cloud, 'tms-rogue')).toEqual([]);
  });
});

describe('reconcile-region, as deployed', () => {
  // The functions as `s deploy` ships them, built once for this block.
  const dir = scratch();
  beforeAll(() => buildApp(dir), 60_000);
  afterAll(() => removeScratch(dir));

  it('publishes the alert to the report topic at once, before its report, and the report leads with it', async () => {
    const world = appWorld(1);
    world.regions[REGION].trafficMirrorSessions = [rogue({ trafficMirrorSourceIds: [eniId(0)], trafficMirrorSessionName: 'copy' })];
    const c = await started(startApp(dir, { world, subscriber: 'inbox' }));
    await c.fc.invoke(S.reconcileRegionFunction, Buffer.from(JSON.stringify({ regionId: REGION, mode: 'report', runId: 'alert' })));
    await c.platform.idle();
    const [run] = regionRuns(c);
    const got = (await new MnsQueue(clientConfig(c), 'inbox').receive(16)).map((m) => m.body);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatch(/^## automirror alert: unapproved traffic mirroring in account \d+ \(found by the scheduled scan\)/);
    // No ActionTrail record on this path: who is unknown, when is the session's CreationTime.
    expect(got[0]).toMatch(/\| tms-rogue \(copy\) \| cn-hangzhou \| eni-t0000p \| SLB lb-b \| \d{4}-\d\d-\d\dT[^|]+ \| reported \|/);
    expect(got[1]).toBe(run.markdown);
    expect(run.markdown).toMatch(/^## automirror drift report\n\n### Unapproved mirroring\n\*\*1 unapproved session/);
  });
});
