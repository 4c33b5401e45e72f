/** A failed cloud call, reduced to what callers decide on: the code, and whether trying again can help. */
export class CloudError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/** Throttling codes (Throttling, Throttling.User, Throttling.Api …): the one test of them. */
const THROTTLING = /Throttling/;
/** Whether the cloud refused for the caller's rate: the rate limiter slows down on these. */
export const isThrottling = (e: CloudError): boolean => THROTTLING.test(e.code);
/**
 * Retryable codes: the retry sets of aliyun/terraform-provider-alicloud (traffic mirror session resource, errors.go),
 * plus MNS's ServerBusy and FC's InternalServerError / ResourceExhausted (their API error-code pages).
 */
const RETRYABLE = [
  /^OperationConflict$/,
  /^IncorrectStatus/,
  /^SystemBusy$/,
  /^ServiceUnavailable$/,
  /LastTokenProcessing$/,
  THROTTLING,
  /^InternalError$/,
  /^ServerBusy$/,
  /^InternalServerError$/,
  /^ResourceExhausted$/,
];
/** Socket and resolver errors Node reports (a reset, a refused or timed-out connection, a DNS lookup to try again). */
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
/** The SDKs' own timeouts (httpx's RequestTimeoutError, ReadTimeout, ConnectTimeout), whatever carries the name. */
const TIMEOUT = /Timeout(Error)?$/;

/**
 * Whether a failure with this code (and HTTP status) can succeed when tried again: the one classification every
 * adapter's errors go through. A 5xx, a 429, a dropped connection or a retryable code is transient.
 */
export function isTransient(code: string, status?: number): boolean {
  return RETRYABLE.some((r) => r.test(code)) || NETWORK.has(code) || TIMEOUT.test(code) || (status !== undefined && (status >= 500 || status === 429));
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  retryAfter?: number;
  data?: { Code?: string };
}

/**
 * httpx (the POP SDKs' HTTP client) appends `METHOD URL failed.` to a socket error's message with no space between
 * (node_modules/httpx/lib/index.js: `err.message += …`): "connect ECONNREFUSED 127.0.0.1:1POST http://…". Told apart.
 */
const GLUED_REQUEST = /(?<=\S)((?:GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS) \S+ failed\.)$/;

/** Maps whatever an SDK threw (ClientError, ServerError, ThrottlingError, timeouts, socket errors) to a CloudError. */
export function toCloudError(err: unknown): CloudError {
  if (err instanceof CloudError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const code = e.code ?? e.data?.Code ?? e.name ?? 'Unknown';
  const message = (e.message ?? String(err)).replace(GLUED_REQUEST, '; $1');
  if (e.name === 'ThrottlingError' || THROTTLING.test(code)) {
    return new CloudError(code, message, true, typeof e.retryAfter === 'number' ? e.retryAfter : undefined, e.statusCode);
  }
  if (e.name === 'RequestTimeoutError' || /timeout/i.test(e.name ?? '')) return new CloudError(code, message, true);
  // A non-JSON error body (an HTML 502 from a proxy) surfaces as a bare SyntaxError: treat as transient.
  if (e.name === 'SyntaxError') return new CloudError('MalformedResponse', message, true);
  return new CloudError(code, message, isTransient(code, e.statusCode), undefined, e.statusCode);
}

/** A service's own error answer (code and HTTP status), for SDKs that report errors their own way (MNS, FC 2.0). */
export function serviceError(code: string, message: string, status?: number): CloudError {
  return new CloudError(code, message, isTransient(code, status), undefined, status);
}

/** automirror's own configuration can't do what was asked (e.g. no key to prove a session with): never retried. */
export const configurationError = (code: string, message: string): CloudError => new CloudError(code, message, false);

/** A failure before the service answered at all (a socket, a timeout, an unparsable reply): always transient. */
export function transportError(err: unknown): CloudError {
  const e = toCloudError(err);
  return e.retryable ? e : new CloudError(e.code, e.message, true, e.retryAfterMs, e.status);
}

/** Runs an SDK call and converts any failure to a CloudError. */
export async function cloudCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCloudError(err);
  }
}
