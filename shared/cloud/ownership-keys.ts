import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { configurationError } from './errors.js';

/**
 * The keys automirror proves its sessions with (AUTOMIRROR_OWNERSHIP_KEYS, a comma list of `kid:secret`): the first
 * signs, every one verifies. Rotation is prepending a new key and redeploying: sessions proven under an older key
 * stay owned and the reconcile re-signs them with the first.
 */
export interface OwnershipKey {
  /** Named in each proof, so a verifier picks the key without trying them all. */
  readonly kid: string;
  /** A KeyObject, not the bytes: it serialises to `{}`, so a config object logged by mistake leaks nothing. */
  readonly secret: KeyObject;
}

export interface OwnershipKeys {
  /** The key new proofs are made with (the first of the list). */
  readonly signing: OwnershipKey;
  readonly all: readonly OwnershipKey[];
}

export const OWNERSHIP_KEYS_ENV = 'AUTOMIRROR_OWNERSHIP_KEYS';

const KID = /^[A-Za-z0-9_-]{1,16}$/;
/** A secret of at least 32 bytes (256 bits, HMAC-SHA256's own strength), written as base64url. */
const SECRET = /^[A-Za-z0-9_-]{43,}$/;

/** A malformed or missing key list: a configuration error, never retried. */
const keysError = (code: string, message: string) => configurationError(`Automirror.OwnershipKeys${code}`, `${OWNERSHIP_KEYS_ENV}: ${message}`);

/** The key list, or undefined when none is configured; malformed entries are refused by position, never echoed. */
export function parseOwnershipKeys(value: string | undefined): OwnershipKeys | undefined {
  const entries = (value ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const all = entries.map((entry, i): OwnershipKey => {
    const at = entry.indexOf(':');
    const kid = entry.slice(0, at);
    const secret = entry.slice(at + 1);
    if (at < 0 || !KID.test(kid)) throw keysError('Invalid', `entry ${i + 1} must be kid:secret with a kid of 1–16 letters, digits, _ or - (automirror keygen prints one)`);
    if (!SECRET.test(secret)) throw keysError('Invalid', `the secret of key ${kid} must be base64url of at least 32 bytes (automirror keygen prints one)`);
    return { kid, secret: createSecretKey(Buffer.from(secret, 'base64url')) };
  });
  const kids = all.map((k) => k.kid);
  const dup = kids.find((k, i) => kids.indexOf(k) !== i);
  if (dup) throw keysError('Invalid', `key ${dup} is listed twice`);
  return { signing: all[0], all };
}

export const ownershipKeysFromEnv = (env: NodeJS.ProcessEnv = process.env): OwnershipKeys | undefined => parseOwnershipKeys(env[OWNERSHIP_KEYS_ENV]);

/** The keys, for what writes sessions: without one it would create sessions it could never prove, so it refuses. */
export function requireOwnershipKeys(env: NodeJS.ProcessEnv = process.env): OwnershipKeys {
  const keys = ownershipKeysFromEnv(env);
  if (!keys) throw keysError('Missing', 'not set: automirror proves the sessions it owns with it and creates, changes or deletes none without it (automirror keygen prints one)');
  return keys;
}

/** A fresh `kid:secret`: the kid names the day it was made (the newest is easy to tell) and 4 random hex digits, the secret 32 random bytes. */
export function newOwnershipKey(now = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(2).toString('hex')}:${randomBytes(32).toString('base64url')}`;
}
