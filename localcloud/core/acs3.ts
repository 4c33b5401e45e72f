import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './api-error.js';
import { parseQuery, rfc3986 } from './encoding.js';
import type { IncomingCall } from './http.js';
import type { Keyring } from './keyring.js';
import { GATEWAY_FRESHNESS, isoTime } from './replay-guard.js';

const sha256hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function header(call: IncomingCall, name: string): string | undefined {
  const v = call.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function canonicalQuery(rawQuery: string): string {
  return parseQuery(rawQuery)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join('&');
}

/**
 * Verifies an ACS3-HMAC-SHA256 request (POP RPC and ROA alike: the canonical URI is the path as received), then
 * its freshness: `x-acs-date` within the window and `x-acs-signature-nonce` not seen (both signed, as x-acs-*
 * headers must be). Returns the caller's AccessKeyId.
 */
export function verifyAcs3(call: IncomingCall, keyring: Keyring): string {
  const auth = header(call, 'authorization');
  if (!auth) throw new ApiError('MissingAuthorization', 'Authorization header is missing.', 400);
  const m = /^(ACS3-HMAC-SHA256)\s+Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(auth.trim());
  if (!m) throw new ApiError('IncompleteSignature', 'The request signature does not conform to Aliyun standards.', 400);
  const [, algorithm, accessKeyId, signedHeadersRaw, signature] = m;
  const secret = keyring.secretFor(accessKeyId, header(call, 'x-acs-security-token'));

  const signed = signedHeadersRaw.split(';');
  for (const name of Object.keys(call.headers)) {
    if ((name === 'host' || name === 'content-type' || name.startsWith('x-acs-')) && !signed.includes(name)) {
      throw new ApiError('IncompleteSignature', `The header ${name} is not signed.`, 400);
    }
  }
  const bodyHash = sha256hex(call.body);
  if (header(call, 'x-acs-content-sha256') !== bodyHash) {
    throw new ApiError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. (content hash)', 400);
  }
  const canonicalHeaders = signed.map((h) => `${h}:${(header(call, h) ?? '').trim()}\n`).join('');
  const canonicalRequest = [call.method, call.path, canonicalQuery(call.rawQuery), canonicalHeaders, signedHeadersRaw, bodyHash].join('\n');
  const stringToSign = `${algorithm}\n${sha256hex(canonicalRequest)}`;
  const expected = createHmac('sha256', secret).update(stringToSign).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new ApiError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.', 400);
  }
  keyring.replays.check(accessKeyId, isoTime(header(call, 'x-acs-date')), header(call, 'x-acs-signature-nonce'), GATEWAY_FRESHNESS, 'x-acs-signature-nonce');
  return accessKeyId;
}
