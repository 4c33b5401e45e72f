import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../core/api-error.js';
import type { IncomingCall } from '../core/http.js';
import type { Keyring } from '../core/keyring.js';
import { type FreshnessErrors, httpDate } from '../core/replay-guard.js';

/**
 * The older Alibaba header-signature family shared by MNS, FC 2.0 and the EventBridge /openapi API:
 * HMAC over `VERB\nContent-MD5\nContent-Type\nDate\n` + the product's prefixed headers + a resource.
 * They differ only in the header prefix, the hash, the Authorization format and what the resource is.
 */
export interface HeaderSignatureScheme {
  /** Captures AccessKeyId and signature from the Authorization header. */
  readonly authorization: RegExp;
  readonly headerPrefix: string;
  readonly hash: 'sha1' | 'sha256';
  /** Where the STS token travels (signed or not, depending on the prefix). */
  readonly tokenHeader: string;
  /** How header values are written into the string to sign. */
  readonly headerValue?: (value: string) => string;
  /** What a request whose signed `Date` is missing, unreadable or outside the window is answered. */
  readonly freshness: FreshnessErrors;
  /** The signed header carrying a per-request nonce, where the product's SDK sends one; else only the time counts. */
  readonly nonceHeader?: string;
  /** The headers the signed time is read from, the first present one winning (default `date`). */
  readonly dateHeaders?: readonly string[];
  /** The Content-MD5 a body must carry when the header is sent (default sdkContentMd5). */
  readonly contentMd5?: (body: Buffer) => string;
}

const headerOf = (call: IncomingCall, name: string): string | undefined => {
  const v = call.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** The SDKs' Content-MD5: Base64 of the 32-character hex digest, not of the raw 16 bytes. */
export const sdkContentMd5 = (body: Buffer): string => Buffer.from(createHash('md5').update(body).digest('hex'), 'utf8').toString('base64');

const signedDate = (call: IncomingCall, scheme: HeaderSignatureScheme): string | undefined => (scheme.dateHeaders ?? ['date']).map((h) => headerOf(call, h)).find((v) => v !== undefined);

export function stringToSign(call: IncomingCall, scheme: HeaderSignatureScheme, resource: string): string {
  const value = scheme.headerValue ?? ((v: string) => v);
  const canonical = Object.keys(call.headers)
    .filter((k) => k.startsWith(scheme.headerPrefix))
    .sort()
    .map((k) => `${k}:${value(headerOf(call, k) ?? '')}\n`)
    .join('');
  const md5 = headerOf(call, 'content-md5') ?? '';
  const type = headerOf(call, 'content-type') ?? '';
  const date = signedDate(call, scheme) ?? '';
  return `${call.method}\n${md5}\n${type}\n${date}\n${canonical}${resource}`;
}

/** Verifies the request against the keyring, then its freshness (the signed `Date`, the nonce header if any); returns the caller's AccessKeyId. */
export function verifyHeaderSignature(call: IncomingCall, keyring: Keyring, scheme: HeaderSignatureScheme, resource: string): string {
  const auth = headerOf(call, 'authorization');
  if (!auth) throw new ApiError('MissingAuthorization', 'The Authorization header is missing.', 403);
  const m = scheme.authorization.exec(auth.trim());
  if (!m) throw new ApiError('InvalidAuthorizationHeader', 'The Authorization header is malformed.', 400);
  const [, accessKeyId, signature] = m;
  const secret = keyring.secretFor(accessKeyId, headerOf(call, scheme.tokenHeader));
  const md5 = headerOf(call, 'content-md5');
  if (md5 !== undefined && md5 !== (scheme.contentMd5 ?? sdkContentMd5)(call.body)) {
    throw new ApiError('InvalidDigest', 'The Content-MD5 you specified is not valid.', 400);
  }
  const expected = createHmac(scheme.hash, secret)
    .update(stringToSign(call, scheme, resource), 'utf8')
    .digest('base64');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new ApiError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', 403);
  }
  const nonce = scheme.nonceHeader === undefined ? null : headerOf(call, scheme.nonceHeader);
  keyring.replays.check(accessKeyId, httpDate(signedDate(call, scheme)), nonce, scheme.freshness, scheme.nonceHeader);
  return accessKeyId;
}
