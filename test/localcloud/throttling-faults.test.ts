import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import Vpc, * as $Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../localcloud/pop/throttle.js';
import type { WorldFile } from '../../localcloud/world/types.js';
import { closeTestClouds, createSession, expectCode, listSessions, REGION, startTestCloud, testWorld } from '../support/conformance.js';
import { defaultWorld, popConfig } from '../support/localcloud.js';

afterEach(closeTestClouds);

/** A cloud whose VPC client does not retry throttled calls (unlike the harness's): these tests look at the answer itself. */
async function startRaw(world?: WorldFile) {
  const t = await startTestCloud(world);
  return { ...t, vpc: new Vpc(popConfig(t.cloud)), ecs: new Ecs(popConfig(t.cloud)) };
}

const list = (vpc: Vpc) => vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION }));

/** Outcomes of `n` sequential List calls: 'OK' or the error code. */
async function outcomes(vpc: Vpc, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      await list(vpc).then(
        () => 'OK',
        (e: { code: string }) => e.code,
      ),
    );
  return out;
}

describe('throttling: per-operation rate limits, answered as the cloud answers flow control', () => {
  it('CreateTrafficMirrorSession defaults to 600 a minute: a burst is throttled after 600 calls (plus what refilled meanwhile)', async () => {
    const { vpc } = await startRaw();
    const started = Date.now();
    let served = 0;
    for (;;) {
      const code = await vpc.createTrafficMirrorSession(new $Vpc.CreateTrafficMirrorSessionRequest({ regionId: REGION })).then(
        () => 'OK',
        (e: { code: string }) => e.code,
      );
      if (code === 'Throttling.User') break;
      expect(code).toBe('MissingParameter');
      served++;
    }
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * 600);
    expect(served).toBeGreaterThanOrEqual(600);
    expect(served).toBeLessThanOrEqual(600 + refilled);
  });

  it('the SDK raises ThrottlingError with retryAfter from x-acs-retry-after (ms)', async () => {
    const { vpc } = await startRaw(testWorld({ rateLimits: { ListTrafficMirrorSessions: { perMinute: 60, burst: 1 } } }));
    await list(vpc);
    const err = await expectCode(list(vpc), 'Throttling.User', 400);
    expect(err.name).toBe('ThrottlingError');
    expect(err.retryAfter).toBeGreaterThan(900);
    expect(err.retryAfter).toBeLessThanOrEqual(1000);
  });

  it('limits are per operation: throttling List leaves other operations alone', async () => {
    const { vpc } = await startRaw(testWorld({ rateLimits: { ListTrafficMirrorSessions: { perSecond: 1, burst: 1 } } }));
    await list(vpc);
    await expectCode(list(vpc), 'Throttling.User');
    expect(await createSession(vpc)).toMatch(/^tms-/);
  });

  it('a bucket refills at the configured rate', async () => {
    const { vpc } = await startRaw(testWorld({ rateLimits: { ListTrafficMirrorSessions: { perSecond: 20, burst: 1 } } }));
    await list(vpc);
    await expectCode(list(vpc), 'Throttling.User');
    await new Promise((r) => setTimeout(r, 80));
    await list(vpc);
  });

  it('raised limits let a benchmark scan run without throttling (300 calls)', async () => {
    const { vpc } = await startRaw(testWorld({ rateLimits: { ListTrafficMirrorSessions: { perSecond: 1_000_000 } } }));
    expect((await outcomes(vpc, 300)).every((o) => o === 'OK')).toBe(true);
  });

  it('limits change at run time (cloud.controls.setRateLimits); Product.Action keys name one product', async () => {
    const { cloud, vpc } = await startRaw();
    await list(vpc);
    cloud.controls.setRateLimits({ 'Vpc.ListTrafficMirrorSessions': { perMinute: 1, burst: 1 } });
    await list(vpc);
    await expectCode(list(vpc), 'Throttling.User');
  });

  it('every operation localcloud serves has a default limit (worlds/default.json spells them out)', async () => {
    const { cloud } = await startRaw();
    const limits = cloud.controls.getRateLimits();
    const ops = cloud.pop.operations();
    expect(new Set(ops.map((o) => o.product))).toEqual(new Set(['Ecs', 'Vpc', 'Slb', 'Actiontrail', 'eventbridge', 'Ess', 'Cms']));
    expect(ops.filter(({ product, action }) => !limits[`${product}.${action}`] && !limits[action])).toEqual([]);
    expect(defaultWorld().options?.rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    expect(DEFAULT_RATE_LIMITS.CreateTrafficMirrorSession).toEqual({ perMinute: 600 });
  });

  it("by default reads, updates and deletes are throttled too: a burst past one second's worth is refused", async () => {
    const { vpc, ecs } = await startRaw();
    const throttledOf = async (n: number, call: () => Promise<unknown>) => {
      const codes = await Promise.all(
        Array.from({ length: n }, () =>
          call().then(
            () => 'OK',
            (e: { code: string }) => e.code,
          ),
        ),
      );
      return codes.filter((c) => c === 'Throttling.User').length;
    };
    const session = { regionId: REGION, trafficMirrorSessionId: 'tms-none' };
    expect(await throttledOf(260, () => list(vpc))).toBeGreaterThan(0);
    expect(await throttledOf(260, () => ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION })))).toBeGreaterThan(0);
    expect(await throttledOf(20, () => vpc.updateTrafficMirrorSessionAttribute(new $Vpc.UpdateTrafficMirrorSessionAttributeRequest(session)))).toBeGreaterThan(0);
    expect(await throttledOf(20, () => vpc.deleteTrafficMirrorSession(new $Vpc.DeleteTrafficMirrorSessionRequest(session)))).toBeGreaterThan(0);
  });

  it("a world turns flow control off ('*': false, or false for one operation) or sets one limit for all it leaves out ('*')", async () => {
    const off = await startRaw(testWorld({ rateLimits: { '*': false } }));
    expect((await outcomes(off.vpc, 60)).every((o) => o === 'OK')).toBe(true);
    const one = await startRaw(testWorld({ rateLimits: { '*': { perSecond: 1, burst: 1 }, ListTrafficMirrorSessions: false } }));
    expect((await outcomes(one.vpc, 30)).every((o) => o === 'OK')).toBe(true);
    const describe = () => one.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION }));
    await describe();
    await expectCode(describe(), 'Throttling.User');
    expect(one.cloud.controls.getRateLimits()).toEqual({ '*': { perSecond: 1, burst: 1 }, ListTrafficMirrorSessions: false });
  });
});

describe('fault injection: per operation, seeded, changeable at run time', () => {
  it('code and status: every call of the operation answers the injected error (ServiceUnavailable 503 → ServerError)', async () => {
    const { vpc } = await startTestCloud(testWorld({ faults: [{ operation: 'ListTrafficMirrorSessions', code: 'ServiceUnavailable', status: 503 }] }));
    const err = await expectCode(list(vpc), 'ServiceUnavailable', 503);
    expect(err.name).toBe('ServerError');
    expect(await createSession(vpc)).toMatch(/^tms-/);
  });

  it('count: only the first N matching calls fail', async () => {
    const { vpc } = await startTestCloud(testWorld({ faults: [{ operation: 'ListTrafficMirrorSessions', code: 'SystemBusy', count: 2 }] }));
    expect(await outcomes(vpc, 4)).toEqual(['SystemBusy', 'SystemBusy', 'OK', 'OK']);
  });

  it('rate: a fraction of calls fail, and the same seed fails the same calls', async () => {
    const faults = [{ operation: 'ListTrafficMirrorSessions', code: 'SystemBusy', rate: 0.5 }];
    const rateLimits = { ListTrafficMirrorSessions: false as const }; // 40 quick calls: no waits for the bucket
    const runs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const { vpc } = await startTestCloud(testWorld({ faults, seed: 42, rateLimits }));
      runs.push(await outcomes(vpc, 40));
    }
    const failed = runs[0].filter((o) => o !== 'OK').length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(runs[1]).toEqual(runs[0]);
    const { vpc } = await startTestCloud(testWorld({ faults, seed: 43, rateLimits }));
    expect(await outcomes(vpc, 40)).not.toEqual(runs[0]);
  });

  it('latencyMs delays the answer', async () => {
    const { vpc } = await startTestCloud(testWorld({ faults: [{ operation: 'ListTrafficMirrorSessions', latencyMs: 200 }] }));
    const t = Date.now();
    await list(vpc);
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
  });

  it('timeout hangs past the client timeout: the SDK raises RequestTimeoutError', async () => {
    const { cloud } = await startTestCloud(testWorld({ faults: [{ operation: 'ListTrafficMirrorSessions', timeout: true }] }));
    const vpc = new Vpc(Object.assign(popConfig(cloud), { readTimeout: 300, connectTimeout: 300 }));
    const err = await list(vpc).then(
      () => expect.fail('expected a timeout'),
      (e: Error) => e,
    );
    expect(err.name).toBe('RequestTimeoutError');
  });

  it('drop destroys the connection: the SDK sees a socket error, not an API error', async () => {
    const { vpc } = await startTestCloud(testWorld({ faults: [{ operation: 'ListTrafficMirrorSessions', drop: true }] }));
    const err = await list(vpc).then(
      () => expect.fail('expected a dropped connection'),
      (e: { code?: string; statusCode?: number }) => e,
    );
    expect(err.statusCode).toBeUndefined();
    expect(err.code).toMatch(/ECONNRESET|socket hang up/);
  });

  it('faults change at run time through cloud.controls.setFaults, and "*" matches every operation', async () => {
    const { cloud, vpc } = await startTestCloud();
    await list(vpc);
    cloud.controls.setFaults([{ operation: '*', code: 'InternalError' }]);
    await expectCode(createSession(vpc), 'InternalError', 500);
    cloud.controls.setFaults([]);
    expect((await listSessions(vpc)).totalCount).toBe('0');
  });

  it('invalid faults are refused with the problems listed', async () => {
    const { cloud } = await startTestCloud();
    expect(() => cloud.controls.setFaults([{ operation: 'X', rate: 2 }])).toThrow(/rate/);
  });
});
