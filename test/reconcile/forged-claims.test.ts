import * as $Vpc from '@alicloud/vpc20160428';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { teardownCommand } from '../../cli/commands/teardown.js';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { INSTANCE_TAG, OWNER_TAG, OWNER_VALUE, ownerTags, PROOF_TAG, RULE_TAG } from '../../shared/engine/ownership.js';
import { loadPolicyFile } from '../../shared/policy/load.js';
import { sessionsIn } from '../engine/cloud.js';
import { ownedSession, RULE } from '../event-path/support.js';
import { invokeOnCloud, REPO_POLICY, sampleEvent } from '../support/invoke.js';
import { DEMO_KEY, defaultWorld, vpcClient, waitFor } from '../support/localcloud.js';
import { OTHER_OWNERSHIP_KEYS, proven } from '../support/ownership.js';
import { quiet, runRegion } from './support.js';

/**
 * Sessions that claim automirror's ownership without a valid proof, made through the VPC API by someone else who
 * may create and tag sessions (their own access key), each pointing its ENI's traffic at their own collector:
 * automirror must touch none of them, in the reconcile, on the event path and in teardown, and report each.
 */

const ATTACKER = { accessKeyId: 'LTAI-attacker', accessKeySecret: 'attacker-secret' };
const REAL = 'tms-real01';
const EDITED = 'tms-edited01';
const LEGACY = 'tms-legacy01';

let cloud: LocalCloud;
/** The forged sessions' ids, by how they were forged. */
const forged: Record<string, string> = {};

function world(): WorldFile {
  const w = defaultWorld();
  w.accessKeys.push(ATTACKER);
  const r = w.regions['cn-hangzhou'];
  r.loadBalancers = [...(r.loadBalancers ?? []), { loadBalancerId: 'lb-netops', addressType: 'intranet', networkType: 'vpc', vpcId: 'vpc-prod01', vSwitchId: 'vsw-prod-h', udpListenerPorts: [4789] }];
  const edited = ownedSession(EDITED, 'eni-web01s', 1200, 'i-web01');
  r.trafficMirrorSessions = [
    // automirror's own session for eni-web01p, its proof the one copied below.
    ownedSession(REAL, 'eni-web01p', 1100, 'i-web01'),
    // A session automirror did make, whose rule tag someone edited afterwards (the proof still names the old rule).
    { ...edited, tags: { ...(edited.tags as Record<string, string>), [RULE_TAG]: 'retired' } },
    // The claim alone, made long ago, on an ENI the policy does not mirror: owned, it would be deleted.
    { ...ownedSession(LEGACY, 'eni-db01p', 1300), tags: ownerTags(RULE), creationTime: '2025-01-01T00:00:00Z' },
  ];
  return w;
}

/** One session made and tagged by the attacker through the VPC SDK, toward their collector. */
async function attackerSession(eniId: string, priority: number, tags: (id: string) => Record<string, string>): Promise<string> {
  const vpc = vpcClient(cloud, ATTACKER);
  const created = await vpc.createTrafficMirrorSession(
    new $Vpc.CreateTrafficMirrorSessionRequest({
      regionId: 'cn-hangzhou',
      trafficMirrorSourceIds: [eniId],
      trafficMirrorTargetId: 'lb-netops',
      trafficMirrorTargetType: 'SLB',
      trafficMirrorFilterId: 'tmf-allipv4',
      priority,
    }),
  );
  const id = created.body?.trafficMirrorSessionId ?? '';
  await waitFor(() => sessionsIn(cloud).find((s) => s.trafficMirrorSessionId === id)?.status === 'Created');
  const tag = Object.entries(tags(id)).map(([key, value]) => new $Vpc.TagResourcesRequestTag({ key, value }));
  await vpc.tagResources(new $Vpc.TagResourcesRequest({ regionId: 'cn-hangzhou', resourceType: 'TRAFFICMIRRORSESSION', resourceId: [id], tag }));
  return id;
}

/** What automirror could have changed on a session: everything but its status. */
const stateOf = (id: string) => {
  const s = sessionsIn(cloud).find((x) => x.trafficMirrorSessionId === id);
  return s && { target: s.trafficMirrorTargetId, filter: s.trafficMirrorFilterId, priority: s.priority, sources: [...s.trafficMirrorSourceIds], enabled: s.enabled, tags: Object.fromEntries(s.tags) };
};

const untouchable = () => [...Object.values(forged), EDITED, LEGACY];
let before: Record<string, ReturnType<typeof stateOf>>;
const snapshot = () => Object.fromEntries(untouchable().map((id) => [id, stateOf(id)]));

beforeAll(async () => {
  cloud = await startLocalCloud({ world: world() });
  const realProof = stateOf(REAL)?.tags[PROOF_TAG] as string;
  const claim = { [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: RULE, [INSTANCE_TAG]: 'i-web01' };
  forged.otherKey = await attackerSession('eni-web01p', 1010, (id) => proven(id, claim, { keys: OTHER_OWNERSHIP_KEYS }));
  forged.copiedProof = await attackerSession('eni-web01s', 1020, () => ({ ...claim, [PROOF_TAG]: realProof }));
  forged.claimOnly = await attackerSession('eni-web01p', 1030, () => claim);
  before = snapshot();
});
afterAll(() => cloud?.close());

describe('sessions claiming automirror’s ownership without a valid proof', () => {
  it('are touched by no reconcile in enforce mode, and each is reported as a forged claim', async () => {
    const { result, report } = await runRegion(cloud, 'enforce', loadPolicyFile(REPO_POLICY));
    await quiet(cloud);
    expect(snapshot()).toEqual(before);
    const touched = result.passes.flatMap((p) => p.plan.actions.flatMap((a) => ('sessionId' in a ? [a.sessionId] : [])));
    expect(touched.filter((id) => untouchable().includes(id))).toEqual([]);
    expect(Object.fromEntries((report.forgedClaims ?? []).map((c) => [c.sessionId, c.verdict]))).toEqual({
      [forged.otherKey]: 'forged',
      [forged.copiedProof]: 'forged',
      // Moments old and without a proof, but toward a target automirror would not pick: forged at once, never waited for.
      [forged.claimOnly]: 'forged',
      [EDITED]: 'forged',
      [LEGACY]: 'forged',
    });
    const byId = new Map((report.forgedClaims ?? []).map((c) => [c.sessionId, c]));
    expect(byId.get(forged.otherKey)?.reason).toContain('kother');
    expect(byId.get(forged.claimOnly)?.reason).toContain('is not what automirror would have made: its target SLB:lb-netops is not in rule');
    expect(byId.get(forged.copiedProof)?.reason).toContain('does not match this session');
    expect(byId.get(EDITED)).toMatchObject({ claimedRule: 'retired', reason: expect.stringContaining('does not match') });
    // eni-web01s is mirrored by a session automirror made and proved itself, not by the forged ones on it.
    const mine = sessionsIn(cloud).filter((s) => s.trafficMirrorSourceIds.includes('eni-web01s') && !untouchable().includes(s.trafficMirrorSessionId));
    expect(mine.map((s) => [s.trafficMirrorTargetId, s.tags.get(PROOF_TAG)?.startsWith('v1.ktest.')])).toEqual([['lb-collector01', true]]);
  });

  it('are touched by no on-event invocation, which logs them at error level', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    try {
      await invokeOnCloud(cloud, 'on-event', sampleEvent('ecs-instance-running.json'), { AUTOMIRROR_LOG_LEVEL: 'error' });
    } finally {
      spy.mockRestore();
    }
    await quiet(cloud);
    expect(snapshot()).toEqual(before);
    const alert = lines.map((l) => JSON.parse(l)).find((l) => l.msg.includes('without a valid proof'));
    expect(alert).toMatchObject({ level: 'error' });
    expect(alert.sessions.map((s: { sessionId: string }) => s.sessionId).sort()).toEqual([forged.otherKey, forged.copiedProof, forged.claimOnly, EDITED].sort());
  });

  it('are deleted by no teardown --delete-sessions, which deletes automirror’s proven sessions only and lists the rest', async () => {
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_KEY.accessKeyId;
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_KEY.accessKeySecret;
    const ours = sessionsIn(cloud).filter((s) => !untouchable().includes(s.trafficMirrorSessionId)).length;
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => printed.push(String(chunk)) > 0);
    let code: number;
    try {
      code = await teardownCommand(['--region', 'cn-hangzhou', '--account-id', cloud.state.accountId, '--endpoint', cloud.endpoint, '--delete-sessions']);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const out = printed.join('');
    for (const id of untouchable()) expect(out).toMatch(new RegExp(`left\\s+${id} \\((forged|pending) claim`));
    expect(out).toContain(`${ours} owned sessions deleted`);
    await quiet(cloud);
    expect(snapshot()).toEqual(before);
    expect(
      sessionsIn(cloud)
        .map((s) => s.trafficMirrorSessionId)
        .sort(),
    ).toEqual(untouchable().sort());
  });
});
