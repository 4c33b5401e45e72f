import * as $Vpc from '@alicloud/vpc20160428';
import Vpc from '@alicloud/vpc20160428';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestClouds, createSession, expectCode, listSessions, REGION, startTestCloud, testWorld } from '../support/conformance.js';
import { popConfig } from '../support/localcloud.js';

afterEach(closeTestClouds);

const list = (vpc: Vpc) => vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION }));

/** Outcomes of `n` sequential List calls: 'OK' or the error code. */
async function outcomes(vpc: Vpc, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await list(vpc).then(() => 'OK', (e: { code: string }) => e.code));
  return out;
}

describe('throttling: per-operation rate limits, answered as the cloud answers flow control', () => {
  it('CreateTrafficMirrorSession defaults to 600 a minute: a burst is throttled after 600 calls (plus what refilled meanwhile)', async () => {
    const { vpc } = await startTestCloud();
    const started = Date.now();
    let served = 0;
    for (;;) {
      const code = await vpc.createTrafficMirrorSession(new $Vpc.CreateTrafficMirrorSessionRequest({ regionId: REGION })).then(() => 'OK', (e: { code: string }) => e.code);
      if (code === 'Throttling.User') break;
      expect(code).toBe('MissingParameter');
      served++;
    }
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * 600);
    expect(served).toBeGreaterThanOrEqual(600);
    expect(served).toBeLessThanOrEqual(600 + refilled);
  });

  it('the SDK raises ThrottlingError with retryAfter from x-acs-retry-after (ms)', async () => {
    const { vpc } = await startTestCloud(testWorld({ rateLimits: { ListTrafficMirrorSessions: { perMinute: 60, burst: 1 } } }));
    await list(vpc);
    const err = await expectCode(list(vpc), 'Throttling.User', 400);
    expect(err.name).toBe('ThrottlingError');
    expect(err.retryAfter).toBeGreaterThan(900);
    expect(err.retryAfter).toBeLessThanOrEqual(1000);
  });

  it('limits are per operation: throttling List leaves other operations alone', async () => {
    const { vpc } = await startTestCloud(testWorld({ rateLimits: { ListTrafficMirrorSessions: { perSecond: 1, burst: 1 } } }));
    await list(vpc);
    await expectCode(list(vpc), 'Throttling.User');
    expect(await createSession(vpc)).toMatch(/^tms-/);
  });

  it('a bucket refills at the configured rate', async () => {
    const { vpc } = await startTestCloud(testWorld({ rateLimits: { ListTrafficMirrorSessions: { perSecond: 20, burst: 1 } } }));
    await list(vpc);
    await expectCode(list(vpc), 'Throttling.User');
    await new Promise((r) => setTimeout(r, 80));
    await list(vpc);
  });

  it('raised limits let a benchmark scan run without throttling (300 calls)', async () => {
    const { vpc } = await startTestCloud(testWorld({ rateLimits: { ListTrafficMirrorSessions: { perSecond: 1_000_000 } } }));
    expect((await outcomes(vpc, 300)).every((o) => o === 'OK')).toBe(true);
  });

  it('limits change at run time (cloud.controls.setRateLimits); Product.Action keys name one product', async () => {
    const { cloud, vpc } = await startTestCloud();
    await list(vpc);
    cloud.controls.setRateLimits({ 'Vpc.ListTrafficMirrorSessions': { perMinute: 1, burst: 1 } });
    await list(vpc);
    await expectCode(list(vpc), 'Throttling.User');
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
    const runs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const { vpc } = await startTestCloud(testWorld({ faults, seed: 42 }));
      runs.push(await outcomes(vpc, 40));
    }
    const failed = runs[0].filter((o) => o !== 'OK').length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(runs[1]).toEqual(runs[0]);
    const { vpc } = await startTestCloud(testWorld({ faults, seed: 43 }));
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
    const err = await list(vpc).then(() => expect.fail('expected a timeout'), (e: Error) => e);
    expect(err.name).toBe('RequestTimeoutError');
  });

  it('drop destroys the connection: the SDK sees a socket error, not an API error', async () => {
    const { vpc } = await startTestCloud(testWorld({ faults: [{ operation: 'ListTrafficMirrorSessions', drop: true }] }));
    const err = await list(vpc).then(() => expect.fail('expected a dropped connection'), (e: { code?: string; statusCode?: number }) => e);
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
