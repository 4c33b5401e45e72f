import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLAN_SCHEMA, type SavedPlan } from '../../cli/saved-plan.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { parseReport } from '../../shared/report/json.js';
import { reportSchema } from '../../shared/report/schema.js';
import { ACCOUNT, eniId, instanceId, worldSession } from '../engine/cloud.js';
import { appWorld, POLICY, SHANGHAI } from '../reconcile/app.js';
import { layout, quiet, regionWorld, writes } from '../reconcile/support.js';
import { automirror, ROOT } from '../support/cli.js';
import { DEMO_KEY, ecsClient, vpcClient } from '../support/localcloud.js';

/** `automirror plan|apply|report` as a person or a CI job runs them: bin/automirror.mjs in a child process, against localcloud. */

const ENV = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_KEY.accessKeySecret };
let cloud: LocalCloud;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'automirror-plan-apply-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
});
afterEach(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = async (world: WorldFile) => {
  cloud = await startLocalCloud({ world });
};
const flags = () => ['--endpoint', cloud.endpoint, '--account-id', ACCOUNT, '--policy', join(dir, 'policy.yaml')];
const cli = (...args: string[]) => automirror([...args, ...flags()], { env: ENV, cwd: dir });
/** Every call localcloud answered that is not a read. */
const anyWrites = () => cloud.controls.calls.list().filter((c) => !/^(Describe|List|Get)/.test(c.action));

/**
 * A region with something of every kind to do: eni 0's session disabled (update), ENIs 1 and 2 unmirrored
 * (create; eni 1 also carries a session that is not automirror's), instance 3 opted out of a session it has (delete).
 */
const driftWorld = () =>
  regionWorld({
    instances: 4,
    sessions: [worldSession('tms-w0', [eniId(0)], 1000, 'web', { enabled: false }), worldSession('tms-x', [eniId(1)], 1500, null), worldSession('tms-w3', [eniId(3)], 1003)],
    instance: (i) => (i === 3 ? { tags: { mirror: 'off' } } : {}),
  });

/** driftWorld once applied: every opted-in ENI in a session of rule web; tms-x is still there, untouched. */
const MIRRORED = [`${eniId(0)} → lb-a (web)`, `${eniId(1)} → lb-a (not ours)`, `${eniId(1)} → lb-a (web)`, `${eniId(2)} → lb-a (web)`];

describe('automirror plan', () => {
  it('groups the changes by kind with markers, folds what it leaves alone into a count, and ends with the summary', async () => {
    await start(driftWorld());
    const r = await cli('plan', '--region', 'cn-hangzhou');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe("cn-hangzhou: No unapproved mirroring; 1 session toward approved collectors, not automirror's");
    const marks = lines.slice(1, 5).map((l) => l.trim().split(' ').slice(0, 3).join(' '));
    expect(marks).toEqual([`+ create session`, `+ create session`, '~ update tms-w0:', '- delete tms-w3:']);
    expect(lines[1]).toMatch(new RegExp(`^ {4}\\+ create session for ${eniId(1)} \\(SLB:lb-a, priority \\d+ or the next free one in 1000–1999\\): rule web opts ${eniId(1)} in`));
    expect(lines[3]).toBe('    ~ update tms-w0: tms-w0 differs from rule web: enabled false → true');
    expect(lines[4]).toMatch(new RegExp(`^ {4}- delete tms-w3: no source is left in tms-w3: ${eniId(3)} \\(no longer opted in: `));
    expect(lines.slice(5)).toEqual([
      "    = 1 session not automirror's on ENIs in scope, left alone (--verbose lists them)",
      'cn-hangzhou now: Opted-in coverage 0.0% (0 of 3 ENIs a rule selects) · fleet coverage 0.0% (0 of 4 ENIs): 0 mirrored, 3 opted in but unmirrored, 0 opted out, 1 not in scope',
      '',
      'Plan: 2 to create, 1 to update, 0 to replace, 1 to delete, 0 ENIs still unmirrored',
      'Cost: 2 → 3 sources, +730 source-hours/month (no price for cn-hangzhou: set cost.pricePerSourceHour in the policy; none is shipped)',
      '',
    ]);
    expect(r.stdout).not.toContain('\x1b'); // not a terminal: no colour
    expect(writes(cloud)).toEqual([]);
  }, 90_000);

  it('under unapproved: disable, shows each disable first as an update, and counts it', async () => {
    await start(regionWorld({ instances: 1, sessions: [worldSession('tms-w0', [eniId(0)], 1000), worldSession('tms-rogue', [eniId(0)], 5, null, { trafficMirrorTargetId: 'lb-b' })] }));
    writeFileSync(join(dir, 'policy.yaml'), `${POLICY}\nunapproved: disable\n`);
    const r = await cli('plan', '--region', 'cn-hangzhou', '--detailed-exitcode');
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      "cn-hangzhou: 1 unapproved session (1 still mirroring); 0 sessions toward approved collectors, not automirror's",
      `    ~ disable tms-rogue: unapproved mirroring of ${eniId(0)} → SLB:lb-b; the policy says disable`,
      expect.stringMatching(/^cn-hangzhou now: Opted-in coverage 100\.0% /),
    ]);
    expect(r.stdout).toContain('Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 ENIs still unmirrored');
  }, 90_000);

  it('--verbose lists each session left alone', async () => {
    await start(driftWorld());
    const r = await cli('plan', '--region', 'cn-hangzhou', '--verbose');
    expect(r.stdout).toContain(`    = not automirror's, left alone: tms-x (priority 1500, 1 source(s) → SLB:lb-a)\n`);
    expect(r.stdout).not.toContain('--verbose lists them');
  }, 90_000);

  it('--detailed-exitcode: 2 while there are changes, 0 once applied, 1 on an error', async () => {
    await start(driftWorld());
    expect((await cli('plan', '--region', 'cn-hangzhou', '--detailed-exitcode')).code).toBe(2);
    expect((await cli('plan', '--region', 'cn-hangzhou')).code).toBe(0);
    expect((await cli('apply', '--region', 'cn-hangzhou', '--auto-approve')).code).toBe(0);
    await quiet(cloud);
    const after = await cli('plan', '--region', 'cn-hangzhou', '--detailed-exitcode');
    expect([after.code, after.stdout]).toEqual([0, expect.stringContaining('  no changes\n')]);
    expect(after.stdout).toContain('Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 ENIs still unmirrored');
    const missing = await cli('plan', '--region', 'cn-nowhere', '--detailed-exitcode');
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('InvalidRegionId.NotFound')]);
  }, 180_000);

  it('--json prints the saved-plan document and nothing else', async () => {
    await start(driftWorld());
    const r = await cli('plan', '--region', 'cn-hangzhou', '--json');
    const doc = JSON.parse(r.stdout) as SavedPlan;
    expect([doc.schema, doc.version, doc.accountId, doc.summary]).toEqual([PLAN_SCHEMA, 1, ACCOUNT, { create: 2, update: 1, replace: 0, delete: 1, unmirrored: 0 }]);
    expect(doc.regions.map((x) => [x.regionId, x.actions.map((a) => a.id)])).toEqual([['cn-hangzhou', ['update:tms-w0', `create:web:${eniId(1)}`, `create:web:${eniId(2)}`, 'delete:tms-w3']]]);
    expect(Object.keys(doc.regions[0].state)).toContain(`session/tms-x`);
    expect(doc.regions[0].state[`instance/${instanceId(3)}`]).toEqual({
      regionId: expect.any(String),
      instanceType: expect.any(String),
      status: expect.any(String),
      tags: expect.stringMatching(/^[0-9a-f]{16}$/),
      vSwitchId: expect.any(String),
      vpcId: expect.any(String),
      zoneId: expect.any(String),
    });
  }, 90_000);
});

describe('--region', () => {
  it('takes a comma list: each region planned, the reports merged', async () => {
    await start(appWorld(2, 1));
    const plan = await cli('plan', '--region', `cn-hangzhou,${SHANGHAI}`);
    expect(plan.stdout).toContain('cn-hangzhou: No unapproved mirroring');
    expect(plan.stdout).toContain(`${SHANGHAI} now: Opted-in coverage 0.0% (0 of 1 ENI a rule selects)`);
    expect(plan.stdout).toContain('Plan: 3 to create, 0 to update, 0 to replace, 0 to delete, 0 ENIs still unmirrored');
    const report = parseReport((await cli('report', '--region', `cn-hangzhou,${SHANGHAI}`, '--json', '--out', join(dir, 'r'))).stdout);
    expect([report.regions, report.totals.enis]).toEqual([['cn-hangzhou', SHANGHAI], 3]);
  }, 90_000);

  it('all: every region of DescribeRegions where traffic mirroring is available and GetTrafficMirrorServiceStatus says open', async () => {
    const world = appWorld(1, 1);
    world.regions['cn-beijing'] = { ...world.regions[SHANGHAI], instances: [], trafficMirrorServiceOpened: false };
    // Open, but not among the regions the documentation lists for traffic mirroring: not asked.
    world.regions['xx-nowhere-1'] = { ...world.regions[SHANGHAI], instances: [] };
    await start(world);
    const r = await cli('plan', '--region', 'all', '--json');
    expect((JSON.parse(r.stdout) as SavedPlan).regions.map((x) => x.regionId)).toEqual(['cn-hangzhou', SHANGHAI]);
    expect(cloud.controls.calls.list().filter((c) => c.action === 'GetTrafficMirrorServiceStatus')).toHaveLength(3);
  }, 90_000);

  it('a malformed list is a usage error, before any call', async () => {
    await start(driftWorld());
    for (const bad of ['cn-hangzhou,', 'cn-hangzhou,,cn-shanghai', 'CN_HANGZHOU', 'all,cn-hangzhou']) {
      const r = await cli('plan', '--region', bad);
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/^automirror plan: --region: /)]);
    }
    expect(cloud.controls.calls.list()).toEqual([]);
  }, 90_000);
});

describe('saved plans: plan --out FILE, apply FILE', () => {
  const savedPlan = async () => {
    const r = await cli('plan', '--region', 'cn-hangzhou', '--out', join(dir, 'plan.json'));
    expect(r.stdout).toContain(`Saved the plan to ${join(dir, 'plan.json')}. To apply exactly it: automirror apply ${join(dir, 'plan.json')}`);
    return join(dir, 'plan.json');
  };

  it('applies exactly the saved plan when nothing moved', async () => {
    await start(driftWorld());
    const file = await savedPlan();
    const r = await automirror(['apply', file, ...flags()], { env: ENV, cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('cn-hangzhou: 4 applied, 0 failed, 0 not started');
    await quiet(cloud);
    expect(layout(cloud)).toEqual(MIRRORED);
  }, 90_000);

  it('refuses, exit 1, naming the resource, when a tag changed since', async () => {
    await start(driftWorld());
    const file = await savedPlan();
    await ecsClient(cloud).tagResources(new $Ecs.TagResourcesRequest({ regionId: 'cn-hangzhou', resourceType: 'instance', resourceId: [instanceId(2)], tag: [{ key: 'team', value: 'payments' }] }));
    const tagged = anyWrites().length;
    const r = await cli('apply', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`automirror apply: the cloud is not as ${file} found it: cn-hangzhou: instance ${instanceId(2)} modified (tags); nothing was applied: run automirror plan again\n`);
    expect(anyWrites()).toHaveLength(tagged);
  }, 90_000);

  it('refuses when a session was changed, or made, since', async () => {
    await start(driftWorld());
    const file = await savedPlan();
    const vpc = vpcClient(cloud);
    await vpc.updateTrafficMirrorSessionAttribute(
      new $Vpc.UpdateTrafficMirrorSessionAttributeRequest({ regionId: 'cn-hangzhou', trafficMirrorSessionId: 'tms-x', trafficMirrorSessionName: 'renamed' }),
    );
    await quiet(cloud);
    const ours = anyWrites().length;
    const renamed = await cli('apply', file);
    expect([renamed.code, renamed.stderr]).toEqual([1, expect.stringContaining(`found it: cn-hangzhou: session tms-x modified (name); nothing was applied`)]);
    const made = await vpc.createTrafficMirrorSession(
      new $Vpc.CreateTrafficMirrorSessionRequest({
        regionId: 'cn-hangzhou',
        trafficMirrorSourceIds: [eniId(2)],
        trafficMirrorTargetId: 'lb-b',
        trafficMirrorTargetType: 'SLB',
        trafficMirrorFilterId: 'tmf-allipv4',
        priority: 7,
      }),
    );
    const added = await cli('apply', file);
    // Named in id order: the new session's random id may sort either side of tms-x.
    expect([added.code, added.stderr]).toEqual([1, expect.stringContaining(`cn-hangzhou: session ${made.body?.trafficMirrorSessionId} added`)]);
    expect(added.stderr).toContain('cn-hangzhou: session tms-x modified (name)');
    expect(anyWrites()).toHaveLength(ours + 1); // the create above, nothing of the CLI's
  }, 90_000);

  it('over several regions, refuses everywhere when one region moved: nothing is written in any', async () => {
    await start(appWorld(2, 1));
    const r = await cli('plan', '--region', `cn-hangzhou,${SHANGHAI}`, '--out', join(dir, 'plan.json'));
    expect(r.stdout).toContain('Plan: 3 to create');
    await ecsClient(cloud).tagResources(new $Ecs.TagResourcesRequest({ regionId: SHANGHAI, resourceType: 'instance', resourceId: ['i-sh0'], tag: [{ key: 'team', value: 'x' }] }));
    const tagged = anyWrites().length;
    const refused = await cli('apply', join(dir, 'plan.json'));
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining(`found it: ${SHANGHAI}: instance i-sh0 modified (tags); nothing was applied`)]);
    expect(anyWrites()).toHaveLength(tagged);
    const both = await cli('apply', '--region', `cn-hangzhou,${SHANGHAI}`, '--auto-approve');
    expect([both.code, both.stdout]).toEqual([0, expect.stringContaining(`cn-hangzhou: 2 applied, 0 failed, 0 not started`)]);
    expect(both.stdout).toContain(`${SHANGHAI}: 1 applied, 0 failed, 0 not started`);
    expect(both.stdout).toContain('Apply complete: 3 applied, 0 failed, 0 not started');
  }, 180_000);

  it('refuses when the policy changed since', async () => {
    await start(driftWorld());
    const file = await savedPlan();
    writeFileSync(join(dir, 'policy.yaml'), POLICY.replace('max: 1999', 'max: 1998'));
    const r = await cli('apply', file);
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/was planned under policy sha256:[0-9a-f]{12}; the policy is now sha256:[0-9a-f]{12} \(.*policy\.yaml\); nothing was applied/)]);
    expect(anyWrites()).toEqual([]);
  }, 90_000);

  it('treats the file as input: a plan edited to do more is refused, a file that is no plan is named as such', async () => {
    await start(driftWorld());
    const file = await savedPlan();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { regions: Array<{ actions: Array<{ id: string; kind: string; sessionId?: string }> }> };
    // Someone adds the deletion of a session that is not automirror's.
    doc.regions[0].actions.push({ ...doc.regions[0].actions[3], id: 'delete:tms-x', sessionId: 'tms-x' });
    writeFileSync(file, JSON.stringify(doc));
    const edited = await cli('apply', file);
    // The cloud is as the file found it: what differs is the file, and the refusal says so (not that the cloud moved).
    expect([edited.code, edited.stderr]).toEqual([
      1,
      `automirror apply: ${file}'s actions differ from the plan computed now from the same cloud and policy (edited, or planned by another version or ownership key): cn-hangzhou: action delete:tms-x is no longer planned; nothing was applied: run automirror plan again\n`,
    ]);
    for (const [content, why] of [
      ['{"schema":', 'is not a saved plan: '],
      [JSON.stringify({ ...doc, version: 2 }), 'is not a saved plan of automirror (automirror.plan v1): /version must be equal to constant'],
      [JSON.stringify({ ...doc, regions: [{ ...doc.regions[0], regionId: '../../etc' }] }), '/regions/0/regionId must match pattern'],
    ]) {
      writeFileSync(file, content);
      const r = await cli('apply', file);
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(why)]);
    }
    expect(anyWrites()).toEqual([]);
    const withRegion = await cli('apply', file, '--region', 'cn-hangzhou');
    expect([withRegion.code, withRegion.stderr.split('\n')[0]]).toEqual([2, 'automirror apply: a saved plan names its regions: leave --region out']);
  }, 120_000);
});

describe('automirror apply without a saved plan', () => {
  it('refuses without --auto-approve when stdin is not a terminal, before any call', async () => {
    await start(driftWorld());
    const r = await cli('apply', '--region', 'cn-hangzhou');
    expect([r.code, r.stdout, r.stderr]).toEqual([1, '', 'automirror apply: not applying without approval: stdin is not a terminal; pass --auto-approve, or apply a plan saved with plan --out\n']);
    const json = await cli('apply', '--region', 'cn-hangzhou', '--json');
    expect([json.code, JSON.parse(json.stdout).error.kind]).toEqual([2, 'usage']);
    expect(cloud.controls.calls.list()).toEqual([]);
  }, 90_000);

  it('--auto-approve shows the plan, applies it and prints a text summary, never Markdown', async () => {
    await start(driftWorld());
    const r = await cli('apply', '--region', 'cn-hangzhou', '--auto-approve');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(
      'Plan: 2 to create, 1 to update, 0 to replace, 1 to delete, 0 ENIs still unmirrored\nCost: 2 → 3 sources, +730 source-hours/month (no price for cn-hangzhou: set cost.pricePerSourceHour in the policy; none is shipped)\n\ncn-hangzhou: 4 applied, 0 failed, 0 not started\n',
    );
    expect(
      r.stdout.endsWith(
        'cn-hangzhou: Opted-in coverage 100.0% (3 of 3 ENIs a rule selects) · fleet coverage 75.0% (3 of 4 ENIs): 3 mirrored, 0 opted in but unmirrored, 0 opted out, 1 not in scope\n\nApply complete: 4 applied, 0 failed, 0 not started\n',
      ),
    ).toBe(true);
    expect(r.stdout).not.toMatch(/^#|\*\*|\|/m);
    const json = await cli('apply', '--region', 'cn-hangzhou', '--auto-approve', '--json');
    const report = parseReport(json.stdout);
    expect([report.mode, report.totals.coveragePercent]).toEqual(['enforce', 100]);
  }, 90_000);

  it('a change the cloud refuses: listed with why, the others applied, exit 1', async () => {
    const world = driftWorld();
    world.options = { ...world.options, faults: [{ operation: 'UpdateTrafficMirrorSessionAttribute', code: 'Forbidden.RAM', status: 403, message: 'not allowed' }] };
    await start(world);
    const r = await cli('apply', '--region', 'cn-hangzhou', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\ncn-hangzhou: 3 applied, 1 failed, 0 not started\n {2}! update tms-w0: failed: Forbidden\.RAM: .*not allowed/);
    expect(r.stdout).toContain('\nApply incomplete: 3 applied, 1 failed, 0 not started\n');
  }, 90_000);

  /** The CLI on a pseudo-terminal (util-linux script), answering `answer` to the question. */
  function onTerminal(answer: string, args: string[], noColor = ''): Promise<{ code: number | null; out: string }> {
    const command = [process.execPath, join(ROOT, 'bin/automirror.mjs'), ...args, ...flags()].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: dir, env: { ...ENV, NO_COLOR: noColor } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Enter a value: ')) child.stdin.end(`${answer}\n`);
    });
    return new Promise((done) => child.on('close', (code) => done({ code, out })));
  }

  it('asks on a terminal: anything but yes changes nothing, yes applies', async () => {
    await start(driftWorld());
    const no = await onTerminal('no', ['apply', '--region', 'cn-hangzhou']);
    expect(no.out).toContain("Do you want to perform these actions?\r\n  automirror will perform the actions described above.\r\n  Only 'yes' will be accepted to approve.");
    expect(no.out).toContain('\x1b[32m+\x1b[39m create session'); // a terminal: colour
    // After the question only the answer and the refusal: no progress line drawn again over them.
    expect(no.out.slice(no.out.indexOf('Enter a value: '))).toBe('Enter a value: no\r\nautomirror apply: Apply cancelled: nothing was changed\r\n');
    expect(no.code).toBe(1);
    expect(anyWrites()).toEqual([]);
    // NO_COLOR set (any value but empty) on a terminal: the same plan and question, not a colour escape in it.
    const noColour = await onTerminal('no', ['apply', '--region', 'cn-hangzhou'], '1');
    expect(noColour.out).toContain('+ create session');
    expect(noColour.out).not.toMatch(/\x1b\[[\d;]*m/);
    expect(noColour.code).toBe(1);
    const yes = await onTerminal('yes', ['apply', '--region', 'cn-hangzhou', '--no-color']);
    expect(yes.out).not.toMatch(/\x1b\[[\d;]*m/);
    expect(yes.out).toContain('Apply complete: 4 applied, 0 failed, 0 not started');
    expect(yes.code).toBe(0);
    await quiet(cloud);
    expect(layout(cloud)).toEqual(MIRRORED);
  }, 180_000);
});

describe('automirror report', () => {
  it('--fail-under PCT: exit 3 below the coverage of opted-in ENIs, 0 at or above; a bad PCT is a usage error', async () => {
    await start(driftWorld());
    const out = ['--region', 'cn-hangzhou', '--out', join(dir, 'r')];
    const below = await cli('report', ...out, '--fail-under', '50');
    expect([below.code, below.stderr]).toEqual([3, 'automirror report: coverage 0.0% is below --fail-under 50%\n']);
    expect((await cli('report', ...out, '--fail-under', '0')).code).toBe(0);
    for (const bad of ['101', 'abc', '1e2', '50%']) {
      const r = await cli('report', ...out, '--fail-under', bad);
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, `automirror report: --fail-under must be a percentage from 0 to 100, got "${bad}"`]);
    }
    await cli('apply', '--region', 'cn-hangzhou', '--auto-approve');
    expect((await cli('report', ...out, '--fail-under', '100')).code).toBe(0);
  }, 120_000);

  it("report schema prints the drift report's JSON Schema", async () => {
    const r = await automirror(['report', 'schema'], { env: ENV, cwd: dir });
    expect([r.code, JSON.parse(r.stdout)]).toEqual([0, JSON.parse(JSON.stringify(reportSchema))]);
  }, 90_000);
});
