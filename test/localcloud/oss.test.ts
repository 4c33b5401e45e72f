import { request } from 'node:http';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { createHistoryBucket, historyKey, OssHistoryStore } from '../../shared/cloud/history-store.js';
import { DEMO_KEY, defaultWorld, withCloud } from '../support/localcloud.js';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await withCloud();
});
afterAll(() => cloud.close());

const client = (opts: Partial<OSS.Options> = {}) => new OSS({ ...DEMO_KEY, bucket: 'am-history', region: 'oss-cn-hangzhou', endpoint: cloud.endpoints.oss, timeout: 5_000, ...opts } as OSS.Options);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 'none', status: 0 }),
    (e: { code: string; status: number }) => ({ code: e.code, status: e.status }),
  );

/** A raw request, for what ali-oss never sends (no signature, a hand-made one). */
function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: cloud.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('localcloud OSS through ali-oss', () => {
  it('creates a private bucket, stores an object and serves it back (Host bucket.oss-<region>.aliyuncs.com, as ali-oss sends to an IP endpoint)', async () => {
    await client().putBucket('am-history');
    expect(cloud.oss.bucket('am-history')).toMatchObject({ regionId: 'cn-hangzhou', acl: 'private' });
    await client().putBucket('am-history'); // the owner's existing bucket: 200, unchanged
    await client().put('automirror/history/1/cn-hangzhou.json', Buffer.from('{"a":1}'));
    const got = await client().get('automirror/history/1/cn-hangzhou.json');
    expect(got.content.toString()).toBe('{"a":1}');
    expect(got.res.status).toBe(200);
  });

  it('serves a byte range, clipped to the object', async () => {
    await client().put('r.txt', Buffer.from('0123456789'));
    const part = await client().get('r.txt', { headers: { Range: 'bytes=0-3' } });
    expect([part.res.status, part.content.toString()]).toEqual([206, '0123']);
    const past = await client().get('r.txt', { headers: { Range: 'bytes=0-100' } });
    expect([past.res.status, past.content.toString()]).toEqual([206, '0123456789']);
  });

  it('answers a missing key NoSuchKey 404 and a missing bucket NoSuchBucket 404, in OSS XML', async () => {
    expect(await failure(client().get('nope.json'))).toEqual({ code: 'NoSuchKey', status: 404 });
    expect(await failure(client({ bucket: 'no-such-bucket' }).get('x'))).toEqual({ code: 'NoSuchBucket', status: 404 });
  });

  it('verifies the V1 signature: a wrong secret is SignatureDoesNotMatch 403, an unknown key InvalidAccessKeyId 403', async () => {
    expect(await failure(client({ accessKeySecret: 'wrong' }).get('r.txt'))).toEqual({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(await failure(client({ accessKeyId: 'LTAI-nobody' }).put('r.txt', Buffer.from('x')))).toEqual({ code: 'InvalidAccessKeyId', status: 403 });
    expect((await client().get('r.txt')).content.toString()).toBe('0123456789');
  });

  it('refuses a request signed more than 15 minutes from its clock: RequestTimeTooSkewed 403', async () => {
    const late = await startLocalCloud({ world: defaultWorld(), signatureClock: () => Date.now() + 16 * 60_000 });
    try {
      const c = new OSS({ ...DEMO_KEY, bucket: 'am-late', region: 'oss-cn-hangzhou', endpoint: late.endpoints.oss, timeout: 5_000 });
      expect(await failure(c.putBucket('am-late'))).toEqual({ code: 'RequestTimeTooSkewed', status: 403 });
    } finally {
      await late.close();
    }
  });

  it('refuses a signed body that was changed on the way (the signature covers Content-MD5, which must match the body)', async () => {
    // ali-oss signs Content-MD5 of the body; a hand-made request with the same headers and another body fails.
    const signed = client() as unknown as { authorization(m: string, r: string, s: unknown, h: Record<string, string>): string };
    const date = new Date().toUTCString();
    const headers: Record<string, string> = { 'x-oss-date': date, 'content-md5': 'ICy5YqxZB1uWSwcVLSNLcA==', 'content-type': 'text/plain' };
    headers.authorization = signed.authorization('PUT', '/am-history/r.txt', undefined, headers);
    const res = await raw('PUT', '/am-history/r.txt', { ...headers, host: `127.0.0.1:${cloud.port}` }, 'tampered');
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>InvalidDigest</Code>');
  });

  it('refuses an unsigned request to a private bucket: AccessDenied 403', async () => {
    const res = await raw('GET', '/r.txt', { host: 'am-history.oss-cn-hangzhou.aliyuncs.com' });
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/<Error><Code>AccessDenied<\/Code>.*<RequestId>[0-9A-F]+<\/RequestId>/);
  });

  it('answers a path it cannot decode InvalidURI 400, in OSS XML', async () => {
    const res = await raw('GET', '/%E0%A4%A', { host: 'am-history.oss-cn-hangzhou.aliyuncs.com' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>InvalidURI</Code>');
  });

  it('refuses a body past its cap with EntityTooLarge, and a bucket addressed through another region’s endpoint', async () => {
    expect(await failure(client().put('big', Buffer.alloc(9 * 1024 * 1024)))).toEqual({ code: 'EntityTooLarge', status: 400 });
    expect(await failure(client({ region: 'oss-cn-shanghai' }).get('r.txt'))).toEqual({ code: 'AccessDenied', status: 403 });
  });
});

describe('the history store adapter', () => {
  const cfg = () => ({ regionId: 'cn-hangzhou', credentials: DEMO_KEY, bucket: 'am-store', ossEndpoint: cloud.endpoints.oss });

  it('creates its bucket, has no history before the first run, and reads back what it wrote', async () => {
    await createHistoryBucket(cfg());
    const store = new OssHistoryStore(cfg(), historyKey('1234', 'cn-hangzhou'));
    expect(store.where).toBe('oss://am-store/automirror/history/1234/cn-hangzhou.json');
    expect(await store.get(100)).toBeUndefined();
    await store.put('{"runs":[]}');
    expect((await store.get(100))?.toString()).toBe('{"runs":[]}');
    // At most maxBytes + 1 bytes are read, whatever the object's size.
    expect((await store.get(3))?.toString()).toBe('{"ru');
  });

  it('turns a refusal into a CloudError with OSS’s code', async () => {
    const store = new OssHistoryStore({ ...cfg(), bucket: 'not-created' }, historyKey('1234', 'cn-hangzhou'));
    await expect(store.get(100)).rejects.toMatchObject({ name: 'CloudError', code: 'NoSuchBucket', status: 404, retryable: false });
  });
});
