import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { ensure } from '../../shared/engine/ensure.js';
import { PROOF_TAG } from '../../shared/engine/ownership.js';
import { waitFor } from '../support/localcloud.js';
import { callCodes, engineDeps, eniId, instanceId, sessionsIn, startCloud, subject, webPolicy, worldSession } from './cloud.js';

/** The apply path through the SDK to localcloud with its fault injection and flow control switched on. */

let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

async function start(instances: number): Promise<LocalCloud> {
  cloud = await startCloud({ instances });
  return cloud;
}

const instances = (n: number) => Array.from({ length: n }, (_, i) => instanceId(i));
const tokens = (c: LocalCloud, action: string) => c.controls.calls.list({ action }).map((x) => x.params.ClientToken);

describe('apply under faults', () => {
  it('converges under the server’s throttling, every create done once', async () => {
    const c = await start(6);
    c.controls.setRateLimits({ CreateTrafficMirrorSession: { perSecond: 2, burst: 1 } });
    const r = await ensure(subject(instances(6)), engineDeps(c), { runId: 'r' });
    expect(r.outcomes.map((o) => o.status)).toEqual(Array(6).fill('done'));
    const codes = callCodes(c, 'CreateTrafficMirrorSession');
    expect(codes).toContain('CreateTrafficMirrorSession Throttling.User');
    expect(codes.filter((x) => x.endsWith(' OK'))).toHaveLength(6);
    expect(sessionsIn(c)).toHaveLength(6);
  });

  it("meets the default world's flow control on updates and deletes from concurrent invocations, and converges", async () => {
    // 40 invocations at once, each with its own adapters (as separate function instances): 20 updates and 20 deletes,
    // past the assumed 10 a second of UpdateTrafficMirrorSessionAttribute and DeleteTrafficMirrorSession
    // (localcloud/README.md), with retries that outlast the queue as FC's retries would.
    const n = 20;
    const patient = { maxAttempts: 12, baseMs: 100, capMs: 1_000 };
    const sessions = Array.from({ length: n }, (_, i) => worldSession(`tms-drift${i}`, [eniId(i)], 1000 + i, 'web', { enabled: false }));
    const gone = Array.from({ length: n }, (_, i) => worldSession(`tms-optout${i}`, [eniId(n + i)], 1100 + i));
    const c = (cloud = await startCloud({ instances: 2 * n, sessions: [...sessions, ...gone], instance: (i) => (i >= n ? { tags: { mirror: 'off' } } : {}) }));
    const results = await Promise.all(Array.from({ length: 2 * n }, (_, i) => ensure(subject([instanceId(i)]), engineDeps(c, webPolicy(), {}, patient), { runId: `evt-${i}` })));
    expect(results.flatMap((r) => r.outcomes.filter((o) => o.status === 'failed'))).toEqual([]);
    for (const action of ['UpdateTrafficMirrorSessionAttribute', 'DeleteTrafficMirrorSession']) {
      const codes = callCodes(c, action);
      expect(codes).toContain(`${action} Throttling.User`);
      expect(codes.filter((x) => x.endsWith(' OK'))).toHaveLength(n);
    }
    await waitFor(() => sessionsIn(c).length === n);
    expect(sessionsIn(c).every((s) => s.enabled)).toBe(true);
  });

  it('retries through an IncorrectStatus window with the same ClientToken', async () => {
    const c = await start(1);
    c.controls.setFaults([{ operation: 'CreateTrafficMirrorSession', code: 'IncorrectStatus.TrafficMirrorSession', status: 400, count: 3 }]);
    const r = await ensure(subject(instances(1)), engineDeps(c), { runId: 'r' });
    expect(r.outcomes.map((o) => o.status)).toEqual(['done']);
    expect(callCodes(c, 'CreateTrafficMirrorSession')).toEqual([...Array(3).fill('CreateTrafficMirrorSession IncorrectStatus.TrafficMirrorSession'), 'CreateTrafficMirrorSession OK']);
    expect(new Set(tokens(c, 'CreateTrafficMirrorSession')).size).toBe(1);
  });

  it('retries a read and a write that time out, and creates the session once', async () => {
    const c = await start(1);
    c.controls.setFaults([
      { operation: 'ListTrafficMirrorSessions', timeout: 600, count: 1 },
      { operation: 'CreateTrafficMirrorSession', timeout: 600, count: 1 },
    ]);
    const r = await ensure(subject(instances(1)), engineDeps(c, webPolicy(), { timeoutMs: 300 }), { runId: 'r' });
    expect(r.outcomes.map((o) => o.status)).toEqual(['done']);
    // The hung call is logged when the server drops it, after the client's retry went through.
    const creates = await waitFor(() => callCodes(c, 'CreateTrafficMirrorSession').length === 2 && callCodes(c, 'CreateTrafficMirrorSession'));
    expect(creates.sort()).toEqual(['CreateTrafficMirrorSession ConnectionDropped', 'CreateTrafficMirrorSession OK']);
    expect(new Set(tokens(c, 'CreateTrafficMirrorSession')).size).toBe(1);
    expect(callCodes(c, 'ListTrafficMirrorSessions')).toContain('ListTrafficMirrorSessions ConnectionDropped');
    expect(sessionsIn(c)).toHaveLength(1);
  });

  it('retries 5xx answers on the ECS reads', async () => {
    const c = await start(1);
    c.controls.setFaults([{ operation: 'DescribeNetworkInterfaces', code: 'ServiceUnavailable', status: 503, count: 2 }]);
    const r = await ensure(subject(instances(1)), engineDeps(c), { runId: 'r' });
    expect(r.outcomes.map((o) => o.status)).toEqual(['done']);
    expect(callCodes(c, 'DescribeNetworkInterfaces')).toEqual(['DescribeNetworkInterfaces ServiceUnavailable', 'DescribeNetworkInterfaces ServiceUnavailable', 'DescribeNetworkInterfaces OK']);
  });

  it('never retries a validation error, and reports it as not retryable', async () => {
    const c = await start(1);
    const r = await ensure(subject(instances(1)), engineDeps(c, webPolicy('filter: tmf-missing')), { runId: 'r' });
    expect(r.outcomes).toMatchObject([{ status: 'failed', code: 'ResourceNotFound.TrafficMirrorFilter', retryable: false }]);
    expect(callCodes(c, 'CreateTrafficMirrorSession')).toEqual(['CreateTrafficMirrorSession ResourceNotFound.TrafficMirrorFilter']);
  });

  it('gives up on a persistent transient failure after the bounded attempts, as retryable', async () => {
    const c = await start(1);
    c.controls.setFaults([{ operation: 'CreateTrafficMirrorSession', code: 'SystemBusy', status: 503 }]);
    const r = await ensure(subject(instances(1)), engineDeps(c, webPolicy(), {}, { maxAttempts: 3, baseMs: 10, capMs: 50 }), { runId: 'r' });
    expect(r.outcomes).toMatchObject([{ status: 'failed', code: 'SystemBusy', retryable: true }]);
    expect(callCodes(c, 'CreateTrafficMirrorSession')).toHaveLength(3);
  });

  it('retries a proof write that fails transiently, as any write: the session it creates ends proven', async () => {
    const c = await start(1);
    c.controls.setFaults([{ operation: 'TagResources', code: 'SystemBusy', status: 503, count: 2 }]);
    const r = await ensure(subject(instances(1)), engineDeps(c), { runId: 'r' });
    expect(r.outcomes.map((o) => o.status)).toEqual(['done']);
    expect(callCodes(c, 'TagResources')).toEqual(['TagResources SystemBusy', 'TagResources SystemBusy', 'TagResources OK']);
    expect(sessionsIn(c).map((s) => s.tags.get(PROOF_TAG)?.startsWith('v1.ktest.'))).toEqual([true]);
  });

  it('deletes a session again whose proof could not be written, and fails the action as retryable', async () => {
    const c = await start(1);
    c.controls.setFaults([{ operation: 'TagResources', code: 'SystemBusy', status: 503 }]);
    const r = await ensure(subject(instances(1)), engineDeps(c, webPolicy(), {}, { maxAttempts: 3, baseMs: 10, capMs: 50 }), { runId: 'r' });
    expect(r.outcomes).toMatchObject([{ status: 'failed', code: 'SystemBusy', retryable: true }]);
    expect(r.result.kind).toBe('retry');
    await waitFor(() => sessionsIn(c).every((s) => s.status === 'Deleting') || sessionsIn(c).length === 0);
    expect(callCodes(c, 'DeleteTrafficMirrorSession').at(-1)).toBe('DeleteTrafficMirrorSession OK');
  });
});
