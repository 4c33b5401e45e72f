import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Ownership, Tags } from '../domain.js';
import { claimsOwnership, INSTANCE_TAG, PROOF_TAG, RULE_TAG } from '../engine/ownership.js';
import type { OwnershipKey, OwnershipKeys } from './ownership-keys.js';

/** Where proofs are made and checked: the keys (absent: nothing can be proven) and the account the sessions are in. */
export interface OwnershipContext {
  readonly keys?: OwnershipKeys;
  /** The account id (digits) the sessions belong to; absent (a CLI run without --account-id): nothing is verifiable. */
  readonly accountId?: string;
}

/** What one proof binds: a session, by id, to its rule and instance tags, in one account and region. */
export interface ProofSubject {
  readonly accountId: string;
  readonly regionId: string;
  readonly sessionId: string;
  readonly tags: Tags;
}

const VERSION = 'v1';
/** `v1.<kid>.<43 characters of base64url>`: at most 63 characters, within the 128 a tag value may have. */
const PROOF = /^v1\.([A-Za-z0-9_-]{1,16})\.([A-Za-z0-9_-]{43})$/;

/**
 * HMAC-SHA256 over a domain-separated message: a JSON array (so no field can run into the next) naming the scheme,
 * then the account, region, session id, rule tag and instance tag. Bound to the session id, a proof copied onto
 * another session is worthless; bound to the rule and instance, a proof stays valid only with the tags it was made for.
 */
function mac(key: OwnershipKey, p: ProofSubject): Buffer {
  const message = JSON.stringify(['automirror/session-ownership', VERSION, p.accountId, p.regionId, p.sessionId, p.tags[RULE_TAG] ?? null, p.tags[INSTANCE_TAG] ?? null]);
  return createHmac('sha256', key.secret).update(message, 'utf8').digest();
}

/** The proof tag's value for a session, made with the signing key. */
export const proofOf = (keys: OwnershipKeys, p: ProofSubject): string => `${VERSION}.${keys.signing.kid}.${mac(keys.signing, p).toString('base64url')}`;

/**
 * How long after its creation a claimed session without a proof is taken for an automirror create between its
 * Create and its proof (TagResources follows within seconds, retries included): waited for, not duplicated.
 */
export const PROOF_GRACE_MS = 10 * 60_000;

/**
 * A session's ownership as its tags prove it (or fail to): the domain verdict plan() and teardown act on.
 * `ageMs` is how long ago the cloud says it was created (undefined when it does not say).
 */
export function verifyOwnership(ctx: OwnershipContext, regionId: string, sessionId: string, tags: Tags, ageMs?: number): Ownership {
  if (!claimsOwnership(tags)) return { verdict: 'none' };
  if (!ctx.keys) return { verdict: 'unverifiable', why: 'no ownership key is configured (AUTOMIRROR_OWNERSHIP_KEYS)' };
  if (!ctx.accountId) return { verdict: 'unverifiable', why: 'the account id is not known (--account-id or ALIBABA_CLOUD_ACCOUNT_ID)' };
  const proof = tags[PROOF_TAG];
  if (proof === undefined && ageMs !== undefined && ageMs >= 0 && ageMs < PROOF_GRACE_MS) {
    return { verdict: 'pending', why: `it claims automirror's ownership with no proof yet, created ${Math.round(ageMs / 1000)} s ago (an automirror create between its two calls, or a forgery)` };
  }
  if (proof === undefined)
    return { verdict: 'forged', why: `it claims automirror's ownership without a proof tag (made before proofs existed, or its proof write never happened: automirror adopt --legacy)` };
  const m = PROOF.exec(proof);
  if (!m) return { verdict: 'forged', why: 'its proof tag is malformed' };
  const key = ctx.keys.all.find((k) => k.kid === m[1]);
  if (!key) return { verdict: 'forged', why: `its proof names key ${m[1]}, which is not one of the configured keys` };
  const wanted = mac(key, { accountId: ctx.accountId, regionId, sessionId, tags });
  const given = Buffer.from(m[2], 'base64url');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { verdict: 'forged', why: 'its proof does not match this session, rule and instance (copied, or a tag was edited)' };
  return { verdict: 'proven', kid: key.kid, current: key.kid === ctx.keys.signing.kid };
}
