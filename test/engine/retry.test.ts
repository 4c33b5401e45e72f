import { describe, expect, it } from 'vitest';
import { type CloudError, toCloudError } from '../../shared/cloud/errors.js';
import { backoffMs, type RetryPolicy, withRetry } from '../../shared/engine/retry.js';
import { VirtualClock } from './virtual-clock.js';

const POLICY: RetryPolicy = { maxAttempts: 5, baseMs: 100, capMs: 1_000 };

/** A call that throws the given errors in turn, then answers 'ok'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const call = async () => {
    if (calls < errors.length) throw errors[calls++];
    calls++;
    return 'ok';
  };
  return { call, calls: () => calls };
}

// Errors shaped as @alicloud/openapi-core throws them (dist/client.js, dist/exceptions).
const sdk = {
  throttled: (retryAfter?: number) => Object.assign(new Error('Throttling.User'), { name: 'ThrottlingError', code: 'Throttling.User', statusCode: 400, retryAfter }),
  client: (code: string) => Object.assign(new Error(code), { name: 'ClientError', code, statusCode: 400 }),
  server: (code: string, statusCode = 503) => Object.assign(new Error(code), { name: 'ServerError', code, statusCode }),
  timeout: () => Object.assign(new Error('ReadTimeout'), { name: 'RequestTimeoutError' }),
  reset: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
};

describe('which failures are retried', () => {
  it.each([
    ['Throttling.User', sdk.throttled(), true],
    ['OperationConflict', sdk.client('OperationConflict'), true],
    ['IncorrectStatus.TrafficMirrorSession', sdk.client('IncorrectStatus.TrafficMirrorSession'), true],
    ['IncorrectStatus', sdk.client('IncorrectStatus'), true],
    ['SystemBusy', sdk.client('SystemBusy'), true],
    ['ServiceUnavailable', sdk.server('ServiceUnavailable'), true],
    ['LastTokenProcessing', sdk.client('LastTokenProcessing'), true],
    ['OperationFailed.LastTokenProcessing', sdk.client('OperationFailed.LastTokenProcessing'), true],
    ['any HTTP 5xx', sdk.server('InternalError', 500), true],
    ['a client timeout', sdk.timeout(), true],
    ['a reset connection', sdk.reset(), true],
    ['InvalidParameter', sdk.client('InvalidParameter'), false],
    ['ResourceNotFound.TrafficMirrorFilter', Object.assign(sdk.client('ResourceNotFound.TrafficMirrorFilter'), { statusCode: 404 }), false],
    ['IdempotentParameterMismatch', sdk.client('IdempotentParameterMismatch'), false],
  ])('%s: retryable %s', (_, err, retryable) => {
    expect(toCloudError(err).retryable).toBe(retryable);
  });
});

describe('withRetry', () => {
  it('repeats a retryable failure until the call goes through', async () => {
    const clock = new VirtualClock();
    const f = failing(sdk.client('IncorrectStatus.TrafficMirrorSession'), sdk.server('ServiceUnavailable'));
    await expect(withRetry(f.call, POLICY, { clock, random: () => 0.5 })).resolves.toBe('ok');
    expect(f.calls()).toBe(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('never retries a validation error', async () => {
    const clock = new VirtualClock();
    const f = failing(sdk.client('InvalidParameter'));
    await expect(withRetry(f.call, POLICY, { clock })).rejects.toMatchObject({ code: 'InvalidParameter', retryable: false });
    expect(f.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits at least the server’s retry-after', async () => {
    const clock = new VirtualClock();
    const f = failing(sdk.throttled(1500));
    await withRetry(f.call, POLICY, { clock, random: () => 0 });
    expect(clock.sleeps).toEqual([1500]);
  });

  it('backs off exponentially under a cap, jittered below the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(POLICY, n, undefined, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffMs(POLICY, 3, undefined, () => 0.25)).toBe(100);
  });

  it('gives up after the bounded attempts with the last error, still marked retryable', async () => {
    const clock = new VirtualClock();
    const busy = Array.from({ length: 9 }, () => sdk.client('SystemBusy'));
    const f = failing(...busy);
    const seen: CloudError[] = [];
    await expect(withRetry(f.call, POLICY, { clock, onRetryable: (e) => seen.push(e) })).rejects.toMatchObject({ code: 'SystemBusy', retryable: true });
    expect(f.calls()).toBe(5);
    expect(seen).toHaveLength(4);
  });
});
