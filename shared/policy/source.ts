import { loadPolicyFile, parsePolicy } from './load.js';
import type { Policy } from './types.js';

/**
 * The policy a function runs with: AUTOMIRROR_POLICY (the document itself) or AUTOMIRROR_POLICY_FILE (a path),
 * else `policy.yaml` in the function's code directory (FC's working directory).
 */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): Policy {
  if (env.AUTOMIRROR_POLICY) return parsePolicy(env.AUTOMIRROR_POLICY, 'AUTOMIRROR_POLICY');
  return loadPolicyFile(env.AUTOMIRROR_POLICY_FILE || 'policy.yaml');
}
