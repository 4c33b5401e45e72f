import { describe, expect, it } from 'vitest';
import { CloudError } from '../../shared/cloud/errors.js';
import { newOwnershipKey, parseOwnershipKeys, requireOwnershipKeys } from '../../shared/cloud/ownership-keys.js';
import { PROOF_GRACE_MS, proofOf, verifyOwnership } from '../../shared/cloud/ownership-proof.js';
import type { Tags } from '../../shared/domain.js';
import { INSTANCE_TAG, ownerTags, PROOF_TAG, RULE_TAG } from '../../shared/engine/ownership.js';
import { OTHER_OWNERSHIP_KEYS, TEST_OWNERSHIP_KEYS, testKeys } from '../support/ownership.js';

const at = { accountId: '1234567890123456', regionId: 'cn-hangzhou', sessionId: 'tms-a1' };
const claim = ownerTags('web', 'i-1');
const signed = (tags: Tags = claim, p = at, keys = testKeys): Tags => ({ ...tags, [PROOF_TAG]: proofOf(keys, { ...p, tags }) });
const ctx = { keys: testKeys, accountId: at.accountId };
const verdict = (tags: Tags, over: Partial<typeof at> = {}, c: Parameters<typeof verifyOwnership>[0] = ctx) => {
  const p = { ...at, ...over };
  return verifyOwnership(c, p.regionId, p.sessionId, tags).verdict;
};

describe('ownership proofs (HMAC-SHA256)', () => {
  it('a proof made for a session verifies for it, under the key it names, and fits a tag value', () => {
    const tags = signed();
    expect(tags[PROOF_TAG]).toMatch(/^v1\.ktest\.[A-Za-z0-9_-]{43}$/);
    expect(tags[PROOF_TAG].length).toBeLessThanOrEqual(128);
    expect(verifyOwnership(ctx, at.regionId, at.sessionId, tags)).toEqual({ verdict: 'proven', kid: 'ktest', current: true });
  });

  it('is worthless for another session, account or region', () => {
    const tags = signed();
    expect(verdict(tags, { sessionId: 'tms-a2' })).toBe('forged');
    expect(verdict(tags, { regionId: 'cn-shanghai' })).toBe('forged');
    expect(verdict(tags, {}, { ...ctx, accountId: '6543210987654321' })).toBe('forged');
  });

  it('stops verifying when the rule or instance tag it binds is edited, added or removed', () => {
    const tags = signed();
    expect(verdict({ ...tags, [RULE_TAG]: 'db' })).toBe('forged');
    expect(verdict({ ...tags, [INSTANCE_TAG]: 'i-2' })).toBe('forged');
    const { [INSTANCE_TAG]: _dropped, ...withoutInstance } = tags;
    expect(verdict(withoutInstance)).toBe('forged');
    expect(verdict({ ...signed(ownerTags('web')), [INSTANCE_TAG]: 'i-1' })).toBe('forged');
  });

  it('is refused when made with a key the deployment does not hold, even one reusing a configured kid', () => {
    const other = parseOwnershipKeys(OTHER_OWNERSHIP_KEYS) as NonNullable<ReturnType<typeof parseOwnershipKeys>>;
    expect(verifyOwnership(ctx, at.regionId, at.sessionId, signed(claim, at, other))).toMatchObject({ verdict: 'forged', why: expect.stringContaining('kother') });
    const sameKid = parseOwnershipKeys(`ktest:${OTHER_OWNERSHIP_KEYS.split(':')[1]}`) as NonNullable<ReturnType<typeof parseOwnershipKeys>>;
    expect(verdict(signed(claim, at, sameKid))).toBe('forged');
  });

  it('is refused truncated, extended, malformed or under another scheme version', () => {
    const proof = signed()[PROOF_TAG];
    for (const bad of [proof.slice(0, -1), `${proof}A`, proof.slice(0, 20), 'v1.ktest.', `v2${proof.slice(2)}`, proof.replace('ktest', 'k test'), '']) {
      expect(verdict({ ...claim, [PROOF_TAG]: bad }), bad).toBe('forged');
    }
  });

  it('verifies under an older key that is still listed, and says it is not the signing one', () => {
    const rotated = parseOwnershipKeys(`${newOwnershipKey().replace(/^k\d+-[0-9a-f]{4}/, 'knew')},${TEST_OWNERSHIP_KEYS}`) as NonNullable<ReturnType<typeof parseOwnershipKeys>>;
    expect(verifyOwnership({ keys: rotated, accountId: at.accountId }, at.regionId, at.sessionId, signed())).toEqual({ verdict: 'proven', kid: 'ktest', current: false });
    expect(proofOf(rotated, { ...at, tags: claim })).toMatch(/^v1\.knew\./);
  });

  it('a claim without a proof is forged, or pending only while it is moments old', () => {
    expect(verifyOwnership(ctx, at.regionId, at.sessionId, claim).verdict).toBe('forged');
    expect(verifyOwnership(ctx, at.regionId, at.sessionId, claim, 5_000).verdict).toBe('pending');
    expect(verifyOwnership(ctx, at.regionId, at.sessionId, claim, PROOF_GRACE_MS).verdict).toBe('forged');
    // A proof that does not verify is forged however young the session is.
    expect(verifyOwnership(ctx, at.regionId, at.sessionId, { ...claim, [PROOF_TAG]: 'v1.ktest.x' }, 5_000).verdict).toBe('forged');
  });

  it('without a key or an account, a claim is unverifiable; without the claim tag, a proof alone claims nothing', () => {
    expect(verdict(signed(), {}, { accountId: at.accountId })).toBe('unverifiable');
    expect(verdict(signed(), {}, { keys: testKeys })).toBe('unverifiable');
    const { 'automirror:managed-by': _claim, ...proofOnly } = signed();
    expect(verdict(proofOnly)).toBe('none');
  });
});

describe('AUTOMIRROR_OWNERSHIP_KEYS', () => {
  it('lists kid:secret pairs, the first signing; keygen prints one that parses', () => {
    const fresh = newOwnershipKey(new Date('2026-12-03T00:00:00Z'));
    expect(fresh).toMatch(/^k20261203-[0-9a-f]{4}:[A-Za-z0-9_-]{43}$/);
    const keys = parseOwnershipKeys(` ${fresh} , ${TEST_OWNERSHIP_KEYS} `);
    expect(keys?.all.map((k) => k.kid)).toEqual([fresh.split(':')[0], 'ktest']);
    expect(keys?.signing.kid).toBe(fresh.split(':')[0]);
    expect(parseOwnershipKeys('')).toBeUndefined();
    // The secret never shows in a logged config object.
    expect(JSON.stringify(keys)).not.toContain(fresh.split(':')[1]);
  });

  it('refuses a malformed list as a configuration error, never echoing a secret', () => {
    for (const bad of ['nocolon', 'k1:short', 'bad kid:UAD3ANiq-nThFmRPrwoC45apU8JLyFTJxXj-Vbr7esA', `${TEST_OWNERSHIP_KEYS},${TEST_OWNERSHIP_KEYS}`]) {
      let err: unknown;
      try {
        parseOwnershipKeys(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(CloudError);
      expect((err as CloudError).retryable).toBe(false);
      expect((err as CloudError).message).not.toContain('UAD3ANiq');
    }
  });

  it('is required by what writes sessions: a clear configuration error without it', () => {
    expect(() => requireOwnershipKeys({})).toThrow(/AUTOMIRROR_OWNERSHIP_KEYS: not set/);
    expect(requireOwnershipKeys({ AUTOMIRROR_OWNERSHIP_KEYS: TEST_OWNERSHIP_KEYS }).signing.kid).toBe('ktest');
  });
});
