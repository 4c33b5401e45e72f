import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CloudError, isTransient, serviceError, toCloudError, transportError } from '../../shared/cloud/errors.js';
import { Fc2Invoker } from '../../shared/cloud/invoker.js';
import { MnsQueue } from '../../shared/cloud/mns.js';

// One classification of failures for every adapter: what can succeed when tried again is transient, the rest is not.

const KEYS = { accessKeyId: 'LTAI-x', accessKeySecret: 'secret' };

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('isTransient: the one rule for trying again', () => {
  it.each([
    ['Throttling.User', undefined],
    ['IncorrectStatus.TrafficMirrorSession', 400],
    ['OperationConflict', 400],
    ['ServerBusy', undefined],
    ['InternalServerError', undefined],
    ['ResourceExhausted', undefined],
    ['ECONNREFUSED', undefined],
    ['ECONNRESET', undefined],
    ['AnythingAtAll', 503],
    ['TooManyRequests', 429],
  ])('%s (HTTP %s) is transient', (code, status) => expect(isTransient(code, status)).toBe(true));

  it.each([
    ['InvalidTrafficMirrorFilterId.NotFound', 404],
    ['Forbidden.RAM', 403],
    ['QueueNotExist', 404],
    ['InvalidArgument', 400],
  ])('%s (HTTP %s) is not', (code, status) => expect(isTransient(code, status)).toBe(false));

  it('SDK errors, service answers and transport failures all go through it', () => {
    expect(toCloudError({ code: 'Forbidden.RAM', statusCode: 403, message: 'no' }).retryable).toBe(false);
    expect(toCloudError({ code: 'Whatever', statusCode: 502, message: 'bad gateway' }).retryable).toBe(true);
    expect(serviceError('ServerBusy', 'busy').retryable).toBe(true);
    expect(serviceError('QueueNotExist', 'gone', 404)).toMatchObject({ code: 'QueueNotExist', retryable: false, status: 404 });
    // Nothing answered: whatever the error says, trying again can help.
    expect(transportError(new Error('socket hang up'))).toBeInstanceOf(CloudError);
    expect(transportError(new Error('socket hang up')).retryable).toBe(true);
  });
});

describe('adapters classify a refused connection as transient, through the real SDKs', () => {
  it('FC 2.0 (@alicloud/fc2): ECONNREFUSED is retried, not a dropped hourly reconcile', async () => {
    const port = await closedPort();
    const fc2 = new Fc2Invoker({ regionId: 'cn-hangzhou', accountId: '1234567890123456', credentials: KEYS, fcEndpoint: `127.0.0.1:${port}`, timeoutMs: 2_000 }, 'automirror');
    const err = await fc2.invokeAsync('automirror-reconcile-region', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect((err as CloudError).retryable).toBe(true);
  });

  it('MNS (@alicloud/mns): a connection that never answers is retried', async () => {
    const port = await closedPort();
    const q = new MnsQueue({ regionId: 'cn-hangzhou', accountId: '1234567890123456', credentials: KEYS, mnsEndpoint: `http://127.0.0.1:${port}` }, 'automirror-deferred');
    const err = await q.send('{}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect((err as CloudError).retryable).toBe(true);
  });
});
