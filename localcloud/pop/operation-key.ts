import type { PopContext } from './protocol.js';

/**
 * How worlds name an operation in rate limits and faults: `Action` (e.g. `CreateTrafficMirrorSession`), or
 * `Product.Action` where an action exists in several products (`Ecs.TagResources`); `*` matches every call.
 */
export function lookupOperation<T>(table: Readonly<Record<string, T>>, ctx: PopContext): T | undefined {
  return table[`${ctx.product}.${ctx.action}`] ?? table[ctx.action];
}

export function matchesOperation(operation: string, ctx: PopContext): boolean {
  return operation === '*' || operation === ctx.action || operation === `${ctx.product}.${ctx.action}`;
}
