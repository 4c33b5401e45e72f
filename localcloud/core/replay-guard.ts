import { ApiError, missingParameter } from './api-error.js';

/**
 * How far a signed request's own time may be from localcloud's clock, either way: 15 minutes, as the V3 signature
 * page gives for `x-acs-date` ("值为请求发出前15分钟内的时间",
 * https://help.aliyun.com/zh/model-studio/user-guide/roa-style-request-body-signature-mechanism) and FC 2.0's
 * header signature for `Date` (https://help.aliyun.com/en/functioncompute/fc-2-0/developer-reference/signature-authentication).
 */
export const SIGNATURE_WINDOW_MS = 15 * 60_000;

/** The errors one signature scheme answers for a request whose time is missing or unreadable, stale, or replayed. */
export interface FreshnessErrors {
  malformed: () => ApiError;
  stale: () => ApiError;
  /** Only for schemes with a nonce. */
  replayed?: () => ApiError;
}

/**
 * The OpenAPI gateway's codes (ECS, VPC, SLB, EventBridge POP; localcloud also answers them for FC 3.0 and the
 * EventBridge SDK API, which sign with the same headers), all 400: `SignatureNonceUsed` "Specified signature nonce
 * was used already." (a gateway answer quoted at https://developer.aliyun.com/ask/568545),
 * `InvalidTimeStamp.Expired` "Specified time stamp or date value is expired." and `InvalidTimeStamp.Format`.
 */
export const GATEWAY_FRESHNESS = {
  malformed: () => new ApiError('InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.', 400),
  stale: () => new ApiError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.', 400),
  replayed: () => new ApiError('SignatureNonceUsed', 'Specified signature nonce was used already.', 400),
} satisfies Required<FreshnessErrors>;

/** ISO 8601 UTC as the SDKs write `Timestamp` / `x-acs-date` (`yyyy-MM-ddTHH:mm:ssZ`); NaN when it is not that. */
export function isoTime(text: string | undefined): number {
  return text !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(text) ? Date.parse(text) : Number.NaN;
}

/** An RFC 1123 `Date` header (`Thu, 03 Dec 2026 14:55:29 GMT`); NaN when it is not that. */
export function httpDate(text: string | undefined): number {
  return text !== undefined && /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text) ? Date.parse(text) : Number.NaN;
}

/**
 * Refuses signed requests dated outside the window and nonces already seen inside it. Runs after the signature is
 * verified, so only a key holder's requests are remembered. A nonce is kept for twice the window from when it was
 * seen (its request's time was within one window of then, so no copy can pass the time check later) and forgotten
 * after: the memory holds at most the requests of the last 30 minutes.
 */
export class ReplayGuard {
  /** `accessKeyId \n nonce` → when it may be forgotten; insertion order is expiry order (the clock only moves on). */
  private readonly seen = new Map<string, number>();

  /** `now` is the real clock the SDKs sign with, never the world's or the timers' virtual one. */
  constructor(private readonly now: () => number) {}

  /**
   * `signedAt` is the request's own time (NaN when unreadable). `nonce` is null where the scheme has none (the
   * time window is then the only defence), undefined when a scheme that has one left it out.
   */
  check(accessKeyId: string, signedAt: number, nonce: string | null | undefined, errors: FreshnessErrors, nonceName = 'SignatureNonce'): void {
    if (!Number.isFinite(signedAt)) throw errors.malformed();
    const now = this.now();
    if (Math.abs(now - signedAt) > SIGNATURE_WINDOW_MS) throw errors.stale();
    if (nonce === null) return;
    if (!nonce) throw missingParameter(nonceName);
    this.forgetExpired(now);
    const key = `${accessKeyId}\n${nonce}`;
    if (this.seen.has(key)) throw (errors.replayed ?? GATEWAY_FRESHNESS.replayed)();
    this.seen.set(key, now + 2 * SIGNATURE_WINDOW_MS);
  }

  /** Nonces remembered now. */
  get remembered(): number {
    this.forgetExpired(this.now());
    return this.seen.size;
  }

  private forgetExpired(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now) return;
      this.seen.delete(key);
    }
  }
}
