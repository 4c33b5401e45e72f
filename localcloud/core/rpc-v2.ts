import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './api-error.js';
import { rfc3986 } from './encoding.js';
import type { Keyring } from './keyring.js';
import { GATEWAY_FRESHNESS, isoTime } from './replay-guard.js';

/** Query keys that belong to the legacy RPC envelope, not to the API call. */
export const RPC_ENVELOPE = new Set(['Action', 'Version', 'Format', 'Timestamp', 'SignatureNonce', 'SignatureMethod', 'SignatureVersion', 'AccessKeyId', 'Signature', 'SecurityToken']);

/**
 * Verifies a legacy RPC request (the SDK's `signatureAlgorithm: 'v2'`): HMAC-SHA1 keyed with `secret + '&'` over
 * `METHOD&%2F&` + the RFC 3986 encoding of every other parameter, sorted; then `Timestamp` within the window and
 * `SignatureNonce` not seen. Returns the caller's AccessKeyId.
 */
export function verifyRpcV2(method: string, params: ReadonlyMap<string, string>, keyring: Keyring): string {
  const signature = params.get('Signature');
  const accessKeyId = params.get('AccessKeyId');
  if (!signature || !accessKeyId) throw new ApiError('MissingParameter', 'The input parameter "Signature" or "AccessKeyId" is not supplied.', 400);
  const signatureMethod = params.get('SignatureMethod');
  if (signatureMethod !== 'HMAC-SHA1') {
    throw new ApiError('InvalidSignatureMethod', `Specified signature method "${signatureMethod ?? ''}" is not supported.`, 400);
  }
  const secret = keyring.secretFor(accessKeyId, params.get('SecurityToken'));
  const canonical = [...params]
    .filter(([k]) => k !== 'Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const stringToSign = `${method}&${rfc3986('/')}&${rfc3986(canonical)}`;
  const expected = Buffer.from(createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ApiError('SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`, 400);
  }
  keyring.replays.check(accessKeyId, isoTime(params.get('Timestamp')), params.get('SignatureNonce'), GATEWAY_FRESHNESS);
  return accessKeyId;
}
