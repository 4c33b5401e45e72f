import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as $Ecs from '@alicloud/ecs20140526';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { parseHistory } from '../../shared/report/history.js';
import { parseReport } from '../../shared/report/json.js';
import { eniId, instanceId, REGION } from '../engine/cloud.js';
import { POLICY } from '../reconcile/app.js';
import { regionWorld } from '../reconcile/support.js';
import { automirror } from '../support/cli.js';
import { DEMO_KEY, ecsClient } from '../support/localcloud.js';

/** `automirror report --out DIR` run twice, as a person runs it (bin/automirror.mjs): DIR/history.json says what changed. */

let cloud: LocalCloud;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'automirror-history-'));
  writeFileSync(join(dir, 'policy.yaml'), `${POLICY}\noptOut: { tag: automirror, value: "off" }\n`);
  cloud = await startLocalCloud({ world: regionWorld({ instances: 3 }) });
});
afterAll(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

function report(out: string) {
  const args = ['report', '--out', out, '--region', REGION, '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint, '--policy', join(dir, 'policy.yaml')];
  return automirror(args, { cwd: dir, env: { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret } });
}

const reportIn = (out: string) => parseReport(readFileSync(join(out, 'report.json'), 'utf8'));

describe('automirror report --out DIR, run again', () => {
  it('shows no change the first time, then the opt-out made in between; DIR/history.json holds both runs', async () => {
    const out = join(dir, 'out');
    const run = await report(out);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`wrote ${out}/report.json, report.md, report.html, history.json`);
    const first = reportIn(out);
    expect(first.change).toBeUndefined();

    await ecsClient(cloud).tagResources(
      new $Ecs.TagResourcesRequest({ regionId: REGION, resourceType: 'instance', resourceId: [instanceId(1)], tag: [new $Ecs.TagResourcesRequestTag({ key: 'automirror', value: 'off' })] }),
    );
    expect((await report(out)).code).toBe(0);
    const second = reportIn(out);
    expect(second.change).toEqual({
      previousRunAt: first.run.finishedAt,
      previousCoveragePercent: 0,
      previousCounts: { mirrored: 0, unmirrored: 3, optedOut: 0 },
      newUnmirrored: [],
      fixed: [],
      newOptOuts: [{ eniId: eniId(1), regionId: REGION, rule: 'web' }],
      counts: { newUnmirrored: 0, fixed: 0, newOptOuts: 1 },
    });
    const history = parseHistory(readFileSync(join(out, 'history.json')));
    expect(history.runs.map((r) => [r.finishedAt, r.optedOut.count])).toEqual([
      [first.run.finishedAt, 0],
      [second.run.finishedAt, 1],
    ]);
  }, 60_000);

  it('reports a history.json that is not one, and starts it afresh', async () => {
    const out = join(dir, 'broken');
    rmSync(out, { recursive: true, force: true });
    expect((await report(out)).code).toBe(0);
    writeFileSync(join(out, 'history.json'), '<html>not a history</html>');
    expect((await report(out)).code).toBe(0);
    const r = reportIn(out);
    expect(r.change).toBeUndefined();
    expect(r.errors).toEqual([{ regionId: REGION, context: `read the report history ${join(out, 'history.json')} (starting a fresh one)`, message: expect.stringMatching(/not JSON/) }]);
    expect(parseHistory(readFileSync(join(out, 'history.json'))).runs).toHaveLength(1);
  }, 60_000);
});
