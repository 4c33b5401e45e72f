import { ApiError } from '../core/api-error.js';
import { parseQuery } from '../core/encoding.js';
import { type CallHead, DEFAULT_BODY_LIMIT, type IncomingCall, type OutgoingReply, type Protocol } from '../core/http.js';
import { WorldError } from '../world/load.js';
import type { CloudControls } from './controls.js';

const PREFIX = '/__admin/';

const json = (status: number, body: unknown): OutgoingReply => ({
  status,
  headers: { 'content-type': 'application/json;charset=utf-8' },
  body: JSON.stringify(body),
});

type Route = (call: IncomingCall) => unknown;

function parseBody(call: IncomingCall): unknown {
  try {
    return JSON.parse(call.body.toString('utf8'));
  } catch {
    throw new ApiError('InvalidJson', 'The request body is not JSON.', 400);
  }
}

/** `127.0.0.1` or `localhost`, with or without a port: the names a local caller uses. */
const LOCAL_HOST = /^(127\.0\.0\.1|localhost)(:\d{1,5})?$/i;

/**
 * A small JSON API under /__admin/ on localcloud's port: the call log, faults, rate limits and a world dump (every
 * secret included). Unauthenticated, since localcloud binds 127.0.0.1 only, so a web page the developer opens must
 * not reach it through DNS rebinding (its name resolved to 127.0.0.1): only a Host of 127.0.0.1 or localhost is served.
 */
export class AdminProtocol implements Protocol {
  readonly name = 'admin';
  readonly bodyLimit = DEFAULT_BODY_LIMIT;
  private readonly routes: Record<string, Route>;

  constructor(controls: CloudControls) {
    this.routes = {
      'GET calls': (call) => {
        const q = new Map(parseQuery(call.rawQuery));
        const since = q.get('since');
        return { calls: controls.calls.list({ action: q.get('action'), product: q.get('product'), since: since ? Number(since) : undefined }) };
      },
      'DELETE calls': () => ({ cleared: controls.calls.clear() }),
      'GET faults': () => ({ faults: controls.getFaults() }),
      'PUT faults': (call) => ({ faults: controls.setFaults(parseBody(call)) }),
      'GET rate-limits': () => ({ rateLimits: controls.getRateLimits() }),
      'PUT rate-limits': (call) => ({ rateLimits: controls.setRateLimits(parseBody(call)) }),
      'GET state': () => controls.dump(),
    };
  }

  claims(call: CallHead): boolean {
    return call.path.startsWith(PREFIX);
  }

  async handle(call: IncomingCall): Promise<OutgoingReply> {
    if (!LOCAL_HOST.test(String(call.headers.host ?? ''))) {
      return json(403, { error: 'ForbiddenHost', message: 'The admin API answers only requests addressed to 127.0.0.1 or localhost.' });
    }
    const route = this.routes[`${call.method} ${call.path.slice(PREFIX.length)}`];
    if (!route) return json(404, { error: 'NotFound', message: `no admin route ${call.method} ${call.path}`, routes: Object.keys(this.routes) });
    try {
      return json(200, route(call));
    } catch (err) {
      if (err instanceof WorldError) return json(400, { error: 'InvalidInput', problems: err.problems });
      if (err instanceof ApiError) return json(err.status, { error: err.code, message: err.message });
      throw err;
    }
  }

  errorReply(err: ApiError, _call: CallHead, requestId: string): OutgoingReply {
    return json(err.status, { error: err.code, message: err.message, requestId });
  }
}
