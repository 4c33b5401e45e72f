import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EcsApi } from '../../shared/cloud/ecs.js';
import { CloudError, isTransient, serviceError, toCloudError, transportError } from '../../shared/cloud/errors.js';
import { Fc2Invoker, Fc3Invoker } from '../../shared/cloud/invoker.js';
import { MnsQueue } from '../../shared/cloud/mns.js';
import { SlbApi } from '../../shared/cloud/slb.js';
import { VpcMirrorApi } from '../../shared/cloud/vpc.js';

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
    ['ETIMEDOUT', undefined],
    ['EAI_AGAIN', undefined],
    ['EHOSTUNREACH', undefined],
    ['RequestTimeoutError', undefined],
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

/** A server that takes each connection and then fails it the way `fail` says; its port. */
async function failingServer(fail: (s: Socket) => void): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<Socket>();
  const s = createServer((c) => {
    sockets.add(c);
    fail(c);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return {
    port: (s.address() as { port: number }).port,
    close: () => {
      for (const c of sockets) c.destroy();
      s.close();
    },
  };
}

const FAILURES: Record<string, ((s: Socket) => void) | 'closed port'> = {
  'ECONNREFUSED (nothing listens)': 'closed port',
  'ECONNRESET (reset after the request)': (c) => c.once('data', () => c.resetAndDestroy()),
  'socket hang up (closed without an answer)': (c) => c.once('data', () => c.end()),
  'a timeout (never answers)': () => undefined,
};

/** Every adapter, through its real SDK, at `host:port`; MNS waits 40 s for a long poll, so it sits out the timeout. */
function adapters(ep: string, timeout: boolean): Record<string, () => Promise<unknown>> {
  const cfg = { regionId: 'cn-hangzhou', accountId: '1234567890123456', credentials: KEYS, endpoint: ep, fcEndpoint: ep, mnsEndpoint: `http://${ep}`, timeoutMs: 300 };
  return {
    'VPC (openapi-core)': () => new VpcMirrorApi(cfg).list({}),
    'ECS (openapi-core)': () => new EcsApi(cfg).enis({ instanceId: 'i-x' }),
    'SLB (openapi-core)': () => new SlbApi(cfg).existing(['lb-x']),
    'FC 3.0 invoker': () => new Fc3Invoker(cfg).invokeAsync('automirror-reconcile-region', {}),
    'FC 2.0 invoker (@alicloud/fc2)': () => new Fc2Invoker(cfg, 'automirror').invokeAsync('automirror-reconcile-region', {}),
    ...(timeout ? {} : { 'MNS (@alicloud/mns)': () => new MnsQueue(cfg, 'automirror-deferred').send('{}') }),
  };
}

describe('a network failure is transient for every adapter, through the real SDKs', () => {
  for (const [failure, how] of Object.entries(FAILURES)) {
    it(`${failure}: each adapter throws a retryable CloudError`, async () => {
      const server = how === 'closed port' ? { port: await closedPort(), close: () => undefined } : await failingServer(how);
      try {
        const got: Record<string, string> = {};
        for (const [name, call] of Object.entries(adapters(`127.0.0.1:${server.port}`, failure.startsWith('a timeout')))) {
          const err = await call().then(
            () => undefined,
            (e: unknown) => e,
          );
          got[name] = err instanceof CloudError ? `${err.retryable ? 'retryable' : 'PERMANENT'} (${err.code})` : `not a CloudError: ${String(err)}`;
        }
        for (const [name, verdict] of Object.entries(got)) expect(`${name}: ${verdict}`).toMatch(/: retryable \(/);
      } finally {
        server.close();
      }
    }, 30_000);
  }
});
