import { ApiError } from '../core/api-error.js';
import type { BodyLimit, CallHead, IncomingCall, OutgoingReply, Protocol } from '../core/http.js';
import { newRequestId } from '../core/ids.js';
import type { Keyring } from '../core/keyring.js';
import { type FunctionCompute, type InvokeOutcome, MAX_SYNC_PAYLOAD } from './service.js';

export const JSON_TYPE = { 'content-type': 'application/json;charset=utf-8' };

/** FC's invocation answer, shared by both API generations: 202 for async, 200 for sync, failures flagged by header. */
export function invocationReply(outcome: InvokeOutcome | { requestId: string }, logTail: boolean): OutgoingReply {
  if (!('ok' in outcome)) return { status: 202, headers: { 'x-fc-request-id': outcome.requestId }, body: '' };
  const headers: Record<string, string> = { 'x-fc-request-id': outcome.requestId, 'content-type': 'application/octet-stream' };
  if (!outcome.ok) {
    headers['x-fc-error-type'] = outcome.errorType ?? 'UnhandledInvocationError';
    headers['content-type'] = 'application/json';
  }
  if (logTail) headers['x-fc-log-result'] = Buffer.from(outcome.logs.join('\n').slice(-4096), 'utf8').toString('base64');
  return { status: 200, headers, body: outcome.body };
}

export const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** What both FC API generations share: claimed by path prefix, x-fc-request-id on every answer, JSON errors. */
export abstract class FcApiBase implements Protocol {
  abstract readonly name: string;
  protected abstract readonly prefix: string;
  /** The largest payload FC takes (a synchronous invocation's), refused as the invocation itself would be. */
  readonly bodyLimit: BodyLimit = {
    bytes: MAX_SYNC_PAYLOAD,
    error: (bytes) => new ApiError('PayloadTooLarge', `a request body takes at most ${bytes} bytes`, 400),
  };

  constructor(
    protected readonly keyring: Keyring,
    protected readonly fc: FunctionCompute,
  ) {}

  claims(call: CallHead): boolean {
    return call.path.startsWith(this.prefix);
  }

  async handle(call: IncomingCall): Promise<OutgoingReply> {
    const requestId = newRequestId();
    try {
      const reply = await this.serve(call);
      return { ...reply, headers: { 'x-fc-request-id': requestId, ...reply.headers } };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return this.errorReply(err, call, requestId);
    }
  }

  errorReply(err: ApiError, _call: CallHead, requestId: string): OutgoingReply {
    return { status: err.status, headers: { ...JSON_TYPE, 'x-fc-request-id': requestId }, body: JSON.stringify(this.errorBody(err, requestId)) };
  }

  /** Verifies the signature and answers the call. */
  protected abstract serve(call: IncomingCall): Promise<OutgoingReply>;
  protected abstract errorBody(err: ApiError, requestId: string): Record<string, string>;
}
