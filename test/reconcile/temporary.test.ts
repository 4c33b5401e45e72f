import * as $Ecs from '@alicloud/ecs20140526';
import { afterEach, describe, expect, it } from 'vitest';
import { explanation, explanationLines } from '../../cli/explanation.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { startLocalCloud } from '../../localcloud/index.js';
import type { Subject } from '../../shared/domain.js';
import { type Clock, systemClock } from '../../shared/engine/clock.js';
import { ensure } from '../../shared/engine/ensure.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { renderHtml } from '../../shared/report/html.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { ACCOUNT, engineDeps, engineWorld, eniId, instanceId, REGION, sessionsIn, subject } from '../engine/cloud.js';
import { DEMO_KEY, ecsClient } from '../support/localcloud.js';
import { quiet, runRegion } from './support.js';

// Time-boxed mirroring through the official SDKs on localcloud. The sessions' CreationTime is localcloud's (real)
// time; expiry is judged on the engine's clock, which the test moves forward instead of waiting.

const HOUR = 3_600_000;
const later = (ms: number): Clock => ({ now: () => systemClock.now() + ms, sleep: systemClock.sleep });

const POLICY = (webExtra = '') =>
  parsePolicy(
    [
      'version: 1',
      'rules:',
      '  - name: web',
      '    match: { tag: mirror, equals: "on" }',
      '    mirror: { target: { slb: lb-a }, filter: tmf-allipv4, priority: { min: 1000, max: 1999 } }',
      ...(webExtra ? [`    ${webExtra}`] : []),
      '  - name: incident',
      '    match: { temporary: { maxDuration: 7d } }',
      '    mirror: { target: { slb: lb-b }, filter: tmf-allipv4, priority: { min: 5000, max: 5999 } }',
    ].join('\n'),
    'test-policy',
  );

let cloud: LocalCloud;
afterEach(() => cloud?.close());

/** Three instances: two tagged mirror=on, the third untagged. */
async function world(): Promise<LocalCloud> {
  cloud = await startLocalCloud({ world: engineWorld({ instances: 3, instance: (i) => (i === 2 ? { tags: {} } : {}) }) });
  return cloud;
}

const tag = (i: number, key: string, value: string) =>
  ecsClient(cloud, DEMO_KEY).tagResources(
    new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: [instanceId(i)], tag: [new $Ecs.TagResourcesRequestTag({ key, value })] }),
  );

/** The subject on-event makes of a TagResources event for the instance: with ActionTrail's record of the write. */
const tagEvent = (i: number, time = Date.now()): Subject => ({
  ...subject([instanceId(i)]),
  tagWrites: [{ resourceId: instanceId(i), eventName: 'TagResources', time: new Date(time).toISOString(), by: { type: 'ram-user', accountId: ACCOUNT, name: 'responder' }, keys: ['automirror:for'] }],
});

const mirrored = () =>
  sessionsIn(cloud)
    .map((s) => `${s.trafficMirrorSourceIds.join(',')} ${s.tags.get('automirror:rule')}`)
    .sort();

describe('time-boxed mirroring', () => {
  it('a 6-hour tag on an untagged instance mirrors it (event path); the reconcile after expiry removes exactly that session', async () => {
    await world();
    await runRegion(cloud, 'enforce', POLICY());
    await quiet(cloud);
    expect(mirrored()).toEqual([`${eniId(0)} web`, `${eniId(1)} web`]);

    await tag(2, 'automirror:for', '6h');
    // The reconcile has no record of when the tag was written: it starts nothing, and says why.
    const unanchored = await runRegion(cloud, 'enforce', POLICY(), { runId: 'no-event' });
    expect(unanchored.result.passes[0].plan.actions).toEqual([]);
    expect(unanchored.report.temporary?.map((t) => [t.eniId, t.status, t.reason])).toEqual([[eniId(2), 'invalid', expect.stringContaining('no record of it is at hand')]]);
    // What the TagResources event becomes: the instance to ensure, with the event's record of the write.
    const e = await ensure(tagEvent(2), engineDeps(cloud, POLICY()), { runId: 'tag-event' });
    expect(e.decisions[0]).toMatchObject({ spec: { rule: 'incident' }, temporary: { status: 'active', tag: 'automirror:for=6h' } });
    await quiet(cloud);
    expect(mirrored()).toEqual([`${eniId(0)} web`, `${eniId(1)} web`, `${eniId(2)} incident`]);

    // automirror explain says it is mirrored temporarily, and until when.
    const dry = await ensure(subject([instanceId(2)]), engineDeps(cloud, POLICY()), { runId: 'explain', dryRun: true });
    const lines = explanationLines(explanation(instanceId(2), dry, POLICY(), Date.now()));
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}temporary: active: mirrored temporarily by rule incident until \S+Z \(automirror:for=6h, from its session's creation at /));

    // Within the 6 hours the reconcile keeps it, and reports it with its expiry.
    const within = await runRegion(cloud, 'enforce', POLICY(), { clock: later(5 * HOUR), runId: 'within' });
    expect(within.result.passes[0].plan.actions).toEqual([]);
    const temp = within.report.temporary ?? [];
    expect(temp.map((t) => [t.eniId, t.rule, t.status])).toEqual([[eniId(2), 'incident', 'active']]);
    expect(Date.parse(temp[0].until ?? '') - Date.now()).toBeGreaterThan(5 * HOUR);

    // Re-writing the same tag does not restart the clock: the expiry counts from the session's creation.
    await tag(2, 'automirror:for', '6h');
    const after = await runRegion(cloud, 'enforce', POLICY(), { clock: later(6 * HOUR + 60_000), runId: 'after' });
    const actions = after.result.passes[0].plan.actions;
    expect(actions.map((a) => [a.kind, a.eniIds])).toEqual([['delete', [eniId(2)]]]);
    expect(actions[0].reason).toMatch(new RegExp(`temporary mirroring of ${eniId(2)} expired at \\S+ \\(automirror:for=6h, from its session's creation at`));
    await quiet(cloud);
    expect(mirrored()).toEqual([`${eniId(0)} web`, `${eniId(1)} web`]);
    expect(after.report.temporary?.map((t) => [t.eniId, t.status])).toEqual([[eniId(2), 'expired']]);

    // Expired, the event path creates nothing again.
    const again = await ensure(subject([instanceId(2)]), engineDeps(cloud, POLICY()), { runId: 'tag-event-2', clock: later(7 * HOUR) });
    expect(again.actions).toEqual([]);
    expect(again.decisions[0].temporary?.status).toBe('invalid');
    const replayed = await ensure(tagEvent(2, Date.now() - 7 * HOUR), engineDeps(cloud, POLICY()), { runId: 'tag-event-3' });
    expect(replayed.actions).toEqual([]);
    expect(replayed.decisions[0].temporary?.status).toBe('expired');
  });

  it('a temporary tag on an ENI a rule mirrors full-time changes nothing, and a bad value is reported, not guessed', async () => {
    await world();
    await tag(0, 'automirror:until', new Date(Date.now() + 6 * HOUR).toISOString());
    await tag(2, 'automirror:until', 'tomorrow <img src=x onerror=alert(1)>|**');
    const r = await runRegion(cloud, 'enforce', POLICY());
    await quiet(cloud);
    expect(mirrored()).toEqual([`${eniId(0)} web`, `${eniId(1)} web`]);
    expect(r.report.temporary?.map((t) => [t.eniId, t.status, t.reason])).toEqual([
      [eniId(0), 'superseded', expect.stringContaining('already mirrored by rule web')],
      [eniId(2), 'invalid', expect.stringContaining('automirror:until="tomorrow <img src=x onerror=alert(1)>|**" is refused: expected an RFC 3339 time')],
    ]);
    // Tags are hostile: escaped wherever the report shows them.
    const md = renderMarkdown(r.report);
    expect(md).toContain('### Temporary mirroring');
    expect(md).not.toMatch(/[^\\]<img/);
    const page = renderHtml(r.report);
    expect(page).toContain('Temporary mirroring');
    expect(page).not.toContain('<img');
  });

  it('a rule with expires in the past mirrors nothing new and its sessions are removed', async () => {
    await world();
    await runRegion(cloud, 'enforce', POLICY());
    await quiet(cloud);
    expect(mirrored()).toHaveLength(2);
    await tag(2, 'mirror', 'on');
    const r = await runRegion(cloud, 'enforce', POLICY('expires: "2026-01-01T00:00:00Z"'), { runId: 'expired-rule' });
    const actions = r.result.passes[0].plan.actions;
    expect(actions.map((a) => a.kind)).toEqual(['delete', 'delete']);
    expect(actions[0].reason).toContain('rule web: expired at 2026-01-01T00:00:00Z');
    await quiet(cloud);
    expect(mirrored()).toEqual([]);
  });
});
