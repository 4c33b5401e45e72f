import type { OutgoingReply } from '../core/http.js';
import type { InvokeOutcome } from './service.js';

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
