import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type OSS from 'ali-oss';
import { type CloudConfig, resolveKeys } from './config.js';
import { serviceError, transportError } from './errors.js';

/**
 * Where the drift report's history document is kept (shared/report/history.ts): one OSS object per account and
 * region for the functions, a file for the CLI. Bytes only; reading it as hostile is the core's job.
 */
export interface HistoryStore {
  /** At most `maxBytes + 1` bytes of the stored document (so the reader can tell it is too large), or undefined when there is none. */
  get(maxBytes: number): Promise<Buffer | undefined>;
  put(body: string): Promise<void>;
  /** Where it is, for messages: `oss://bucket/key` or the file's path. */
  readonly where: string;
}

export interface OssHistoryConfig extends CloudConfig {
  /** The bucket, in the deployment's region (`regionId`). */
  bucket: string;
  /** With scheme, e.g. `http://127.0.0.1:8080`; without it the region's public endpoint over HTTPS. */
  ossEndpoint?: string;
}

/** The object of one account's region: `automirror/history/<account>/<region>.json` (what the RAM grant is scoped to). */
export const historyKey = (accountId: string, regionId: string): string => `automirror/history/${accountId}/${regionId}.json`;

/** ali-oss errors carry OSS's code and HTTP status; a status of -1/-2 (or none) is a transport failure. */
function ossError(err: unknown): Error {
  const e = err as { code?: unknown; status?: unknown; message?: unknown };
  if (typeof e.code === 'string' && typeof e.status === 'number' && e.status > 0) return serviceError(e.code, String(e.message ?? e.code), e.status);
  return transportError(err);
}

/**
 * An ali-oss client for the bucket. The public endpoint `oss-<region>.aliyuncs.com` over TLS, not `-internal`: the
 * same name serves the functions (FC reaches it without a VPC), the CLI's `setup` and `report` from a laptop, and
 * a region other than the bucket's; the history is a few KB per run, so the internal network's lower cost does not
 * matter (https://www.alibabacloud.com/help/en/oss/user-guide/regions-and-endpoints). STS keys (FC's context) are
 * passed as `stsToken`; they are resolved per client, so expiry is the caller's one invocation.
 */
export async function ossClient(cfg: OssHistoryConfig): Promise<OSS> {
  const k = await resolveKeys(cfg);
  // Loaded on first use, from a file of its own in the built artifact (scripts/bundle-trims.ts, SIDE_MODULES):
  // a deployment without a history bucket neither loads nor parses it.
  const { default: OSS } = await import('ali-oss');
  return new OSS({
    accessKeyId: k.accessKeyId,
    accessKeySecret: k.accessKeySecret,
    // ali-oss warns on the console for an stsToken without a refresher; a client lives for one call, so the keys it has are the refresh.
    ...(k.securityToken ? { stsToken: k.securityToken, refreshSTSToken: async () => ({ accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret, stsToken: k.securityToken ?? '' }) } : {}),
    bucket: cfg.bucket,
    region: `oss-${cfg.regionId}`,
    ...(cfg.ossEndpoint ? { endpoint: cfg.ossEndpoint } : {}),
    secure: true,
    timeout: cfg.timeoutMs ?? 10_000,
  });
}

export class OssHistoryStore implements HistoryStore {
  readonly where: string;

  constructor(
    private readonly cfg: OssHistoryConfig,
    private readonly key: string,
  ) {
    this.where = `oss://${cfg.bucket}/${key}`;
  }

  async get(maxBytes: number): Promise<Buffer | undefined> {
    const c = await ossClient(this.cfg);
    try {
      // A range read: an object someone made huge is never held whole.
      const r = await c.get(this.key, { headers: { Range: `bytes=0-${maxBytes}` } });
      return Buffer.isBuffer(r.content) ? r.content : Buffer.from(String(r.content ?? ''));
    } catch (err) {
      if ((err as { code?: unknown }).code === 'NoSuchKey') return undefined;
      throw ossError(err);
    }
  }

  async put(body: string): Promise<void> {
    const c = await ossClient(this.cfg);
    try {
      await c.put(this.key, Buffer.from(body), { mime: 'application/json' });
    } catch (err) {
      throw ossError(err);
    }
  }
}

/** `automirror setup`: the history bucket, private (PutBucket of an existing bucket of the account's changes nothing). */
export async function createHistoryBucket(cfg: OssHistoryConfig): Promise<void> {
  const c = await ossClient(cfg);
  try {
    await c.putBucket(cfg.bucket, { acl: 'private' } as Parameters<OSS['putBucket']>[1]);
  } catch (err) {
    throw ossError(err);
  }
}

/** The CLI's history: a file beside the report it describes (`report --out DIR` keeps DIR/history.json). */
export class FileHistoryStore implements HistoryStore {
  constructor(readonly where: string) {}

  async get(maxBytes: number): Promise<Buffer | undefined> {
    let fd: number;
    try {
      fd = openSync(this.where, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const buf = Buffer.alloc(maxBytes + 1);
      let n = 0;
      for (let got = 1; got > 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, n);
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }

  async put(body: string): Promise<void> {
    mkdirSync(dirname(this.where), { recursive: true });
    writeFileSync(this.where, body);
  }
}
