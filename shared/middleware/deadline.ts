import type { MiddlewareObj } from '@middy/core';
import type { AutomirrorContext } from './stack.js';

/**
 * When to stop starting new work. FC's Node.js context has no getRemainingTimeInMillis (so middy's own timeout
 * guard stays inert), so the deadline is the invocation's start plus the function's configured timeout, less a
 * margin for reporting and queueing what is left.
 */
export const deadlineGuard = (now: () => number = Date.now): MiddlewareObj<unknown, unknown, Error, AutomirrorContext> => ({
  before: (request) => {
    const ctx = request.context;
    const timeoutMs = (ctx.function?.timeout ?? 60) * 1000;
    const margin = Math.max(2_000, timeoutMs * 0.1);
    ctx.deadline = now() + Math.max(0, timeoutMs - margin);
  },
});
