import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as $Ecs from '@alicloud/ecs20140526';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { explainCommand } from '../../cli/commands/explain.js';
import { command as plan } from '../../cli/commands/plan.js';
import { command as report } from '../../cli/commands/report.js';
import type { LocalCloud } from '../../localcloud/index.js';
import { ACCOUNT, eniId, instanceId, REGION, startCloud, worldSession } from '../engine/cloud.js';
import { DEMO_KEY, ecsClient } from '../support/localcloud.js';

// Tag values are the cloud's, so anyone who may tag an instance writes them. Set through the ECS SDK, read back by
// the engine through the SDKs, they reach `explain`, `plan` and the report: none may steer a terminal or a page.

const HOSTILE = [
  '\x1b[2J\x1b]8;;file:///etc/passwd\x07click here\x1b]8;;\x07', // clear screen, OSC 8 hyperlink (the cloud refuses http:// in a tag value)
  'on\r\nsessions on it: 0 of 3', // CR/LF forging a line
  'lb-a\u202Eb-bl\u2066x\u2069', // bidi override and isolate
  '\x9b31mred', // C1 CSI
];
/** Anything a terminal or a page could act on, except the line feeds between our own lines. */
const STEERING = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/;

let cloud: LocalCloud;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'automirror-hostile-'));
  writeFileSync(
    join(dir, 'policy.yaml'),
    ['version: 1', 'rules:', '  - name: web', '    match: { tag: mirror, equals: "on" }', '    mirror: { target: { slb: lb-a }, filter: tmf-allipv4, priority: { min: 1000, max: 1999 } }'].join('\n'),
  );
  // Each instance is mirrored by automirror's session, then someone tags it with a hostile value.
  cloud = await startCloud({ instances: HOSTILE.length, sessions: HOSTILE.map((_, i) => worldSession(`tms-m${i}`, [eniId(i)], 1000 + i)) });
  const ecs = ecsClient(cloud);
  for (const [i, value] of HOSTILE.entries()) {
    await ecs.tagResources(
      new $Ecs.TagResourcesRequest({
        regionId: REGION,
        resourceType: 'instance',
        resourceId: [instanceId(i)],
        tag: [
          { key: 'mirror', value },
          { key: 'note', value },
        ],
      }),
    );
  }
  vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', DEMO_KEY.accessKeyId);
  vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', DEMO_KEY.accessKeySecret);
  // The account the sessions' ownership proofs are checked in.
  vi.stubEnv('ALIBABA_CLOUD_ACCOUNT_ID', ACCOUNT);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function printed(run: () => Promise<number>): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  try {
    expect(await run()).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

const flags = () => ['--region', REGION, '--endpoint', cloud.endpoint, '--policy', join(dir, 'policy.yaml')];

describe('hostile tag values never reach a terminal or a page as controls', () => {
  it('the cloud really holds them: the SDK returns them as written', async () => {
    const [inst] = (await ecsClient(cloud).describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify([instanceId(1)]) }))).body?.instances?.instance ?? [];
    expect(inst?.tags?.tag?.find((t) => t.tagKey === 'mirror')?.tagValue).toBe(HOSTILE[1]);
  });

  it('explain: every tag value shown, defused, and no forged line', async () => {
    for (const [i] of HOSTILE.entries()) {
      const text = await printed(() => explainCommand([instanceId(i), ...flags()]));
      expect(text).not.toMatch(STEERING);
      expect(text).toContain('\uFFFD');
      expect(text.split('\n').filter((l) => l.trimStart().startsWith('sessions on it:'))).toHaveLength(1);
    }
    const forged = await printed(() => explainCommand([instanceId(1), ...flags()]));
    expect(forged).toContain('mirror=on\uFFFD\uFFFDsessions on it: 0 of 3 (instance)');
  });

  it('plan: the reasons that quote the values are one defused line each', async () => {
    const text = await printed(() => plan.run(flags()));
    expect(text).not.toMatch(STEERING);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.trimStart().startsWith('- delete tms-m'))).toHaveLength(HOSTILE.length);
    expect(lines.filter((l) => l.startsWith('sessions on it'))).toEqual([]);
    expect(text).toContain('\uFFFD31mred');
  });

  it('the Markdown summary and the HTML page carry them defused', async () => {
    const out = join(dir, 'report');
    await printed(() => report.run([...flags(), '--out', out]));
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(md).not.toMatch(STEERING);
    expect(page).not.toMatch(STEERING);
    expect(md).toContain('\uFFFD31mred');
    expect(page).toContain('\uFFFD31mred');
    // The JSON record keeps every character, as escapes a terminal does not act on.
    const json = readFileSync(join(out, 'report.json'), 'utf8');
    expect(json).not.toMatch(STEERING);
    expect(json).toContain('\\u009b31mred');
  });
});
