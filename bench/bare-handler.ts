import middy from '@middy/core';

/** The cold-start baseline: a middy handler that does nothing, bundled exactly as the functions are. */
export const handler = middy(async (event: unknown) => ({ ok: Buffer.isBuffer(event) }));
