import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hclString } from '../../cli/terraform-hcl.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { OWNER_TAG, OWNER_VALUE, RULE_TAG } from '../../shared/engine/ownership.js';
import { ACCOUNT, eniId, worldSession } from '../engine/cloud.js';
import { regionWorld } from '../reconcile/support.js';
import { automirror } from '../support/cli.js';
import { DEMO_KEY } from '../support/localcloud.js';

/**
 * `automirror export terraform` through bin/automirror.mjs against localcloud, its output read back by HashiCorp's
 * own HCL parser (@cdktf/hcl2json: the hcl library compiled to wasm), so what Terraform would read is what is checked.
 */

const ENV = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret };
/** A name, description and tag of the kind anyone who can tag or edit a session may write: quotes, templates, line breaks, bidi. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ in a value is what is tested
const HOSTILE = 'x" = 1\n}\nresource "null" "y" {${file("/etc/passwd")} %{if true}\u202Eevil\u0007';

let cloud: LocalCloud;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'automirror-export-'));
});
afterEach(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

const owned = (tags: Record<string, string> = {}) => ({ [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: 'web', ...tags });

async function start() {
  cloud = await startLocalCloud({
    world: regionWorld({
      instances: 4,
      sessions: [
        worldSession('tms-w0', [eniId(0)], 1000, 'web', {
          trafficMirrorSessionName: 'automirror-web-0',
          trafficMirrorSessionDescription: HOSTILE,
          virtualNetworkId: 77,
          packetLength: 1400,
          resourceGroupId: 'rg-acfmteam',
          tags: owned({ 'cost-centre': 'cc-42', owner: HOSTILE }),
        }),
        worldSession('tms-w1', [eniId(1), eniId(2)], 1001, 'web', { enabled: false, trafficMirrorTargetId: eniId(3), trafficMirrorTargetType: 'NetworkInterface' }),
        // Claims automirror's ownership with no proof: not automirror's, so not exported.
        worldSession('tms-forged', [eniId(2)], 1500, null, { tags: owned() }),
        worldSession('tms-x', [eniId(1)], 1600, null),
      ],
    }),
  });
}

const cli = (...args: string[]) => automirror(['export', ...args, '--endpoint', cloud.endpoint, '--account-id', ACCOUNT, '--region', 'cn-hangzhou'], { env: ENV, cwd: dir });

type Block = Record<string, unknown>;
/** hcl2json writes a literal `${` as `$${` (its JSON form is itself a template); back to the value Terraform sees. */
const literal = (v: unknown): unknown =>
  typeof v === 'string'
    ? v.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')
    : Array.isArray(v)
      ? v.map(literal)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [literal(k), literal(x)]))
        : v;

describe('automirror export terraform', () => {
  it('writes an import and a resource block for each owned session, every documented argument, read back by the HCL parser', async () => {
    await start();
    const r = await cli('terraform');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('left out tms-forged: not automirror');
    expect(r.stderr).toContain('2 session(s) automirror owns in cn-hangzhou');
    const doc = literal(await parse('mirror.tf', r.stdout)) as { import: Block[]; resource: { alicloud_vpc_traffic_mirror_session: Record<string, Block[]> } };
    expect(doc.import).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ in a value is what is tested
      { to: '${alicloud_vpc_traffic_mirror_session.tms_w0}', id: 'tms-w0' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ in a value is what is tested
      { to: '${alicloud_vpc_traffic_mirror_session.tms_w1}', id: 'tms-w1' },
    ]);
    const res = doc.resource.alicloud_vpc_traffic_mirror_session;
    expect(Object.keys(res)).toEqual(['tms_w0', 'tms_w1']);
    expect(res.tms_w0).toEqual([
      {
        enabled: true,
        packet_length: 1400,
        priority: 1000,
        resource_group_id: 'rg-acfmteam',
        // automirror's own tags are left out: applying this hands the session to Terraform.
        tags: { 'cost-centre': 'cc-42', owner: HOSTILE },
        traffic_mirror_filter_id: 'tmf-allipv4',
        traffic_mirror_session_description: HOSTILE,
        traffic_mirror_session_name: 'automirror-web-0',
        traffic_mirror_source_ids: [eniId(0)],
        traffic_mirror_target_id: 'lb-a',
        traffic_mirror_target_type: 'SLB',
        virtual_network_id: 77,
      },
    ]);
    expect(res.tms_w1[0]).toMatchObject({
      enabled: false,
      traffic_mirror_source_ids: [eniId(1), eniId(2)].sort(),
      traffic_mirror_target_id: eniId(3),
      traffic_mirror_target_type: 'NetworkInterface',
      tags: {},
    });
    // Nothing hostile reaches the file raw: no control, separator or bidi character, no second resource.
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/);
    expect(r.stdout.match(/^resource /gm)).toHaveLength(2);
    // Reads only.
    expect(cloud.controls.calls.list().filter((c) => !/^(Describe|List|Get)/.test(c.action))).toEqual([]);
  });

  it('--out writes the file and says so; --json is one document naming what was left out', async () => {
    await start();
    const file = join(dir, 'mirror.tf');
    const r = await cli('terraform', '--out', file);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`2 session(s) automirror owns in cn-hangzhou written to ${file}`);
    expect(readFileSync(file, 'utf8')).toMatch(/^# automirror export terraform: 2 traffic mirror session/);
    const j = await cli('terraform', '--json');
    expect(j.code).toBe(0);
    const body = JSON.parse(j.stdout);
    expect(body).toMatchObject({ format: 'terraform', regionId: 'cn-hangzhou', accountId: ACCOUNT, sessions: ['tms-w0', 'tms-w1'] });
    expect(body.left.map((l: { sessionId: string }) => l.sessionId)).toEqual(['tms-forged']);
    expect(body.hcl).toContain('resource "alicloud_vpc_traffic_mirror_session" "tms_w0"');
  });

  it('refuses what it cannot do with one clear usage error (exit 2) before any call', async () => {
    await start();
    for (const [args, message] of [
      [[], 'a format is required: terraform'],
      [['pulumi'], 'unknown format "pulumi"'],
      [['terraform', 'extra'], 'unexpected argument "extra"'],
    ] as const) {
      const r = await cli(...args);
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(message)]);
    }
    expect(cloud.controls.calls.list()).toEqual([]);
  });
});

describe('hclString', () => {
  it('escapes quotes, backslashes, templates and every control or bidi character, and the parser reads back the same value', async () => {
    for (const s of [HOSTILE, 'a\\b', '$${already}', '%%{x}', 'tab\there', 'zw\u200Bj\uFEFF', '']) {
      const parsed = (await parse('t.tf', `v = ${hclString(s)}\n`)) as { v: string };
      expect(literal(parsed.v)).toBe(s);
    }
  });
});
