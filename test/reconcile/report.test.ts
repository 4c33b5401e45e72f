import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { renderHtml } from '../../shared/report/html.js';
import { parseReport, renderJson } from '../../shared/report/json.js';
import { MARKDOWN_MAX_BYTES, renderMarkdown } from '../../shared/report/markdown.js';
import { type DriftReport, REPORT_SCHEMA, REPORT_VERSION } from '../../shared/report/model.js';
import { eniId, instanceId, worldSession } from '../engine/cloud.js';
import { regionWorld, runRegion } from './support.js';

/**
 * One enforce run over a region with a bit of everything, and the drift report it gives: what a security team
 * reads, field by field.
 */

let cloud: LocalCloud;
let report: DriftReport;

beforeAll(async () => {
  cloud = await startLocalCloud({
    world: regionWorld({
      instances: 5,
      // i-t0003 is not tagged mirror=on; i-t0004's ENI has three sessions of another team.
      instance: (i) => (i === 3 ? { tags: { app: 'batch' } } : {}),
      deleted: ['eni-released'],
      sessions: [
        worldSession('tms-ok', [eniId(0)], 1000),
        worldSession('tms-off', [eniId(2)], 1002, 'web', { enabled: false, virtualNetworkId: 42 }),
        worldSession('tms-orphan', ['eni-released'], 1003),
        ...[1, 2, 3].map((k) => worldSession(`tms-netops${k}`, [eniId(4)], k, null)),
      ],
    }),
  });
  ({ report } = await runRegion(cloud, 'enforce'));
});
afterAll(() => cloud?.close());

describe('the drift report of a region reconcile', () => {
  it('names its schema, version, region, mode and policy, and says the run is complete', () => {
    expect([report.schema, report.version, report.regions, report.mode]).toEqual([REPORT_SCHEMA, REPORT_VERSION, ['cn-hangzhou'], 'enforce']);
    expect(report.policy).toEqual({ source: 'test-policy', revision: expect.stringMatching(/^sha256:[0-9a-f]{12}$/), rules: ['web'] });
    expect(report.run).toMatchObject({ complete: true, truncated: false, continuedFrom: [], handedOff: [], parts: 1 });
  });

  it('has one item per resource that differed, each field with wanted and actual, the action taken and its status', () => {
    expect(report.items.map((i) => [i.kind, i.id, i.rule, i.fields, i.action.kind, i.action.status])).toEqual([
      ['eni', eniId(1), 'web', [{ field: 'session', wanted: 'rule web → SLB:lb-a', actual: null }], 'create', 'applied'],
      ['eni', eniId(4), 'web', [], 'none', 'skipped'],
      ['session', 'tms-netops1', undefined, [], 'none', 'skipped'],
      ['session', 'tms-netops2', undefined, [], 'none', 'skipped'],
      ['session', 'tms-netops3', undefined, [], 'none', 'skipped'],
      ['session', 'tms-off', 'web', [{ field: 'enabled', wanted: true, actual: false }], 'update', 'applied'],
      ['session', 'tms-orphan', 'web', [{ field: 'sourceIds', wanted: [], actual: ['eni-released'] }], 'delete', 'applied'],
    ]);
    const created = report.items[0];
    expect(created.related).toEqual([expect.stringMatching(/^tms-/)]);
    expect(created.action.reason).toBe(`rule web opts ${eniId(1)} in and no session of that rule mirrors it`);
    expect(report.items[1]).toMatchObject({ related: ['tms-netops1', 'tms-netops2', 'tms-netops3'], action: { reason: expect.stringContaining('already a source of 3 sessions') } });
  });

  it('puts every ENI in exactly one coverage list, with the rule and sessions, or the reason', () => {
    const { mirrored, excluded, unmirrored } = report.coverage;
    expect(mirrored.map((m) => [m.eniId, m.instanceId, m.rule, m.sessionIds.length])).toEqual([
      [eniId(0), instanceId(0), 'web', 1],
      [eniId(1), instanceId(1), 'web', 1],
      [eniId(2), instanceId(2), 'web', 1],
    ]);
    expect(mirrored[0].sessionIds).toEqual(['tms-ok']);
    expect(excluded).toEqual([{ eniId: eniId(3), regionId: 'cn-hangzhou', instanceId: instanceId(3), reason: expect.stringMatching(/^no rule matches: web needs mirror/) }]);
    expect(unmirrored).toEqual([
      { eniId: eniId(4), regionId: 'cn-hangzhou', instanceId: instanceId(4), rule: 'web', reason: expect.stringContaining('tms-netops1 (not owned by automirror, priority 1)') },
    ]);
  });

  it('counts its totals from its contents', () => {
    expect(report.totals).toMatchObject({
      enis: 5,
      mirrored: 3,
      excluded: 1,
      unmirrored: 1,
      coveragePercent: 75,
      items: 7,
      fields: 3,
      actions: { create: 1, update: 1, delete: 1, none: 4 },
      statuses: { applied: 3, skipped: 4 },
    });
  });

  it('renders to JSON that reads back as the same report, to a Markdown summary that fits MNS, and to one HTML page', () => {
    expect(parseReport(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
    const md = renderMarkdown(report);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    expect(md).toContain('**Opted-in coverage 75.0% (3 of 4 ENIs a rule selects) · fleet coverage 60.0% (3 of 5 ENIs): 3 mirrored, 1 opted in but unmirrored, 0 opted out, 1 not in scope**');
    expect(md).toContain('| session tms-off | cn-hangzhou | web | enabled: wanted true, actual false |');
    const page = renderHtml(report);
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<svg class="chart"');
    for (const id of ['tms-off', 'tms-orphan', 'tms-netops1', eniId(3), eniId(4)]) expect(page).toContain(id);
  });
});
