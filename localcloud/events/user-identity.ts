import type { PopContext } from '../pop/protocol.js';
import type { CloudState } from '../state.js';

/**
 * ActionTrail's userIdentity for the caller's key, as the world names its holder (event structure:
 * https://www.alibabacloud.com/help/en/actiontrail/user-guide/actiontrail-event-structure).
 */
export function userIdentity(state: CloudState, ctx: PopContext): Record<string, string> {
  const p = ctx.principal ?? { type: 'root-account', userName: 'root' };
  return {
    type: p.type,
    accountId: state.accountId,
    principalId: p.principalId ?? state.accountId,
    ...(p.userName !== undefined && { userName: p.userName }),
    accessKeyId: ctx.accessKeyId,
  };
}
