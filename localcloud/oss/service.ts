import { createHash } from 'node:crypto';
import { ApiError } from '../core/api-error.js';

/** Bucket names: 3–63 lowercase letters, digits and hyphens, starting and ending with a letter or digit (OSS bucket naming rules). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Object names: 1–1023 bytes of UTF-8, not starting with `/` or `\` (OSS object naming rules). */
const MAX_KEY_BYTES = 1023;

export type BucketAcl = 'private' | 'public-read' | 'public-read-write';
export const BUCKET_ACLS: readonly BucketAcl[] = ['private', 'public-read', 'public-read-write'];

export interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string;
  /** The MD5 of the body, upper-case hex, as OSS writes a simple upload's ETag. */
  readonly etag: string;
  readonly lastModified: number;
}

export interface Bucket {
  readonly name: string;
  readonly regionId: string;
  readonly acl: BucketAcl;
  readonly createdAt: number;
  readonly objects: Map<string, StoredObject>;
}

/** An OSS error: its XML body carries `details` (BucketName, Key, StringToSign…) beside Code and Message. */
export class OssError extends ApiError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly details: Record<string, string> = {},
  ) {
    super(code, message, status);
  }
}

export const noSuchBucket = (name: string) => new OssError('NoSuchBucket', 'The specified bucket does not exist.', 404, { BucketName: name });

/** The account's OSS buckets and their objects, in memory. Every bucket is the world's account's. */
export class OssService {
  readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** PutBucket: an existing bucket of the caller's is answered 200 and left as it is (the PutBucket reference's "如果请求的Bucket已经存在,并且请求者是所有者,返回200 OK"). */
  createBucket(name: string, regionId: string, acl: BucketAcl = 'private'): Bucket {
    if (!BUCKET_NAME.test(name)) throw new OssError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
    const existing = this.buckets.get(name);
    if (existing) return existing;
    const bucket: Bucket = { name, regionId, acl, createdAt: this.now(), objects: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  bucket(name: string): Bucket {
    const b = this.buckets.get(name);
    if (!b) throw noSuchBucket(name);
    return b;
  }

  putObject(bucket: Bucket, key: string, body: Buffer, contentType: string): StoredObject {
    checkKey(key);
    const object: StoredObject = { body, contentType, etag: createHash('md5').update(body).digest('hex').toUpperCase(), lastModified: this.now() };
    bucket.objects.set(key, object);
    return object;
  }

  getObject(bucket: Bucket, key: string): StoredObject {
    checkKey(key);
    const o = bucket.objects.get(key);
    if (!o) throw new OssError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    return o;
  }
}

function checkKey(key: string): void {
  if (key === '' || Buffer.byteLength(key) > MAX_KEY_BYTES || key.startsWith('/') || key.startsWith('\\')) {
    throw new OssError('InvalidObjectName', 'The specified object is not valid.', 400, { Key: key });
  }
}
