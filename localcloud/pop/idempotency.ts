import { ApiError } from '../core/api-error.js';
import type { CloudState, RegionState } from '../state.js';
import type { PopContext } from './protocol.js';

/**
 * ClientToken semantics: a repeated token with the same request returns the first result and changes nothing;
 * the same token with a different request is refused. `run` holds the validation too, so a replay answers the
 * first result even when the first call's own effect (a taken priority, a used quota) would now fail validation.
 * Only successful calls are remembered (a DryRun or an error leaves the token unused).
 */
export function idempotent(r: RegionState, ctx: PopContext, run: () => Record<string, unknown>): Record<string, unknown> {
  const token = ctx.params.str('ClientToken');
  if (!token) return run();
  if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
    throw new ApiError('InvalidParameter', 'The ClientToken must be ASCII and at most 64 characters.');
  }
  const fingerprint = ctx.params
    .keys()
    .filter((k) => k !== 'ClientToken' && k !== 'DryRun')
    .sort()
    .map((k) => `${k}=${ctx.params.str(k)}`)
    .join('&');
  const key = `${ctx.action}\u0000${token}`;
  const seen = r.clientTokens.get(key);
  if (seen) {
    if (seen.fingerprint !== fingerprint) {
      throw new ApiError('IdempotentParameterMismatch', 'The request uses the same client token as a previous, but non-identical request.');
    }
    return seen.response;
  }
  const response = run();
  r.clientTokens.set(key, { fingerprint, response });
  return response;
}

/** DryRun: validation passed is answered as the DryRunOperation error, as the API does. */
export function dryRunPassed(ctx: PopContext): void {
  if (ctx.params.bool('DryRun')) {
    throw new ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.', 400);
  }
}

/** An operation that honours ClientToken: `run` validates (DryRun included) and applies, inside `idempotent`. */
export function idempotentOperation(state: CloudState, run: (ctx: PopContext, r: RegionState) => Record<string, unknown>) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    return idempotent(r, ctx, () => run(ctx, r));
  };
}
