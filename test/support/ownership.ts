import { parseOwnershipKeys } from '../../shared/cloud/ownership-keys.js';
import { proofOf } from '../../shared/cloud/ownership-proof.js';
import type { Tags } from '../../shared/domain.js';
import { PROOF_TAG } from '../../shared/engine/ownership.js';

/**
 * The ownership keys every test runs with (vitest.config.mts puts them in AUTOMIRROR_OWNERSHIP_KEYS, so functions
 * in localcloud, the CLI and the adapters all prove and verify with them). Test keys only: never deploy these.
 */
export const TEST_OWNERSHIP_KEYS = 'ktest:UAD3ANiq-nThFmRPrwoC45apU8JLyFTJxXj-Vbr7esA';
/** A key the deployment does not hold: sessions "proven" with it are forged. */
export const OTHER_OWNERSHIP_KEYS = 'kother:QWPXjaWzkRs1MV4LPn9YGVX_QpKBhGG24TBCX6qlsec';
/** The account of worlds/default.json (and of every world the tests derive from it). */
export const TEST_ACCOUNT = '1234567890123456';

const keysOf = (list: string) => parseOwnershipKeys(list) ?? (undefined as never);
/** TEST_OWNERSHIP_KEYS, parsed. */
export const testKeys = keysOf(TEST_OWNERSHIP_KEYS);

/** `tags` with the proof automirror would write for `sessionId` (by default under the test key, in the default world's account and region). */
export function proven(sessionId: string, tags: Tags, opts: { keys?: string; accountId?: string; regionId?: string } = {}): Tags {
  const keys = keysOf(opts.keys ?? TEST_OWNERSHIP_KEYS);
  return { ...tags, [PROOF_TAG]: proofOf(keys, { accountId: opts.accountId ?? TEST_ACCOUNT, regionId: opts.regionId ?? 'cn-hangzhou', sessionId, tags }) };
}
