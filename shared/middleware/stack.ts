import type { MiddlewareObj } from '@middy/core';
import type { CloudConfig } from '../cloud/config.js';
import { ownershipKeysFromEnv, requireOwnershipKeys } from '../cloud/ownership-keys.js';
import { BadInput } from '../events/bad-input.js';
import { MAX_PAYLOAD_BYTES } from '../events/payload.js';
import type { FcContext } from './fc-context.js';
import { jsonLogger, type Logger } from './logger.js';

/** What the middlewares add to FC's context for the handler. */
export interface AutomirrorContext extends FcContext {
  cloud: CloudConfig;
  log: Logger;
  /** Epoch ms after which no new work starts (set by deadlineGuard). */
  deadline: number;
}

/** FC hands an event function its payload as a Buffer: decode and JSON-parse it, or refuse it as bad input. */
export const parseBuffer = (): MiddlewareObj<unknown, unknown, Error, AutomirrorContext> => ({
  before: (request) => {
    const e = request.event;
    if (!Buffer.isBuffer(e) && !(e instanceof Uint8Array)) return;
    if (e.byteLength > MAX_PAYLOAD_BYTES) throw new BadInput(`payload of ${e.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
    try {
      request.event = JSON.parse(Buffer.from(e).toString('utf8'));
    } catch (err) {
      throw new BadInput(`payload is not JSON: ${(err as Error).message}`);
    }
  },
});

/**
 * Cloud access for this invocation: FC's STS credentials from the context (read per invocation, never cached),
 * the region the function runs in, an endpoint override (AUTOMIRROR_ENDPOINT) for a local cloud, and the ownership
 * keys (AUTOMIRROR_OWNERSHIP_KEYS) with the account they prove sessions in. A function that `proves` (reads and
 * writes sessions) refuses to run without keys: a terminal configuration error, logged, not retried.
 */
export const cloudFromContext = (opts: { proves?: boolean } = {}): MiddlewareObj<unknown, unknown, Error, AutomirrorContext> => ({
  before: (request) => {
    const ctx = request.context;
    ctx.log = jsonLogger({ requestId: ctx.requestId, function: ctx.function?.name });
    ctx.cloud = {
      regionId: process.env.AUTOMIRROR_REGION || ctx.region || process.env.FC_REGION || '',
      credentials: ctx.credentials?.accessKeyId ? ctx.credentials : undefined,
      endpoint: process.env.AUTOMIRROR_ENDPOINT || undefined,
      ownership: { keys: opts.proves ? requireOwnershipKeys() : ownershipKeysFromEnv(), accountId: ctx.accountId },
    };
  },
});
