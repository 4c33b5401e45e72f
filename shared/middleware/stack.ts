import type { MiddlewareObj } from '@middy/core';
import type { CloudConfig } from '../cloud/config.js';
import { BadInput } from '../events/parse.js';
import type { FcContext } from './fc-context.js';
import { jsonLogger, type Logger } from './logger.js';

/** What the middlewares add to FC's context for the handler. */
export interface AutomirrorContext extends FcContext {
  cloud: CloudConfig;
  log: Logger;
}

/** FC hands an event function its payload as a Buffer: decode and JSON-parse it, or refuse it as bad input. */
export const parseBuffer = (): MiddlewareObj<unknown, unknown, Error, AutomirrorContext> => ({
  before: (request) => {
    const e = request.event;
    if (!Buffer.isBuffer(e) && !(e instanceof Uint8Array)) return;
    try {
      request.event = JSON.parse(Buffer.from(e).toString('utf8'));
    } catch (err) {
      throw new BadInput(`payload is not JSON: ${(err as Error).message}`);
    }
  },
});

/**
 * Cloud access for this invocation: FC's STS credentials from the context (read per invocation, never cached),
 * the region the function runs in, and an endpoint override (AUTOMIRROR_ENDPOINT) for a local cloud.
 */
export const cloudFromContext = (): MiddlewareObj<unknown, unknown, Error, AutomirrorContext> => ({
  before: (request) => {
    const ctx = request.context;
    ctx.log = jsonLogger({ requestId: ctx.requestId, function: ctx.function?.name });
    ctx.cloud = {
      regionId: process.env.AUTOMIRROR_REGION || ctx.region || process.env.FC_REGION || '',
      credentials: ctx.credentials?.accessKeyId ? ctx.credentials : undefined,
      endpoint: process.env.AUTOMIRROR_ENDPOINT || undefined,
    };
  },
});

/** Bad input is answered, not thrown: FC would otherwise retry an event that can never succeed. */
export const dropBadInput = (): MiddlewareObj<unknown, unknown, Error, AutomirrorContext> => ({
  onError: (request) => {
    if (!(request.error instanceof BadInput)) return;
    const log = request.context.log ?? jsonLogger({ requestId: request.context.requestId });
    log.warn('dropped bad input', { reason: request.error.message });
    request.response = { dropped: request.error.message };
  },
});
