import { ApiError } from './api-error.js';
import { ReplayGuard } from './replay-guard.js';

export interface AccessKey {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, the key is an STS key: every request must carry this token. */
  securityToken?: string;
  /** Who the key belongs to, as ActionTrail's userIdentity names them; default: the root account (an STS key: a role). */
  principal?: KeyPrincipal;
  /** The account the key acts in; default: the world's own (`accountId`). */
  accountId?: string;
  /** An STS key's expiry (ms, by the world's clock): past it every request is refused. */
  expiresAt?: number;
}

export interface KeyPrincipal {
  type: 'root-account' | 'ram-user' | 'assumed-role';
  /** A RAM user's name, or `<role>:<session>` for an assumed role (ActionTrail's userName). */
  userName?: string;
  principalId?: string;
}

/** The access keys a world accepts; every protocol verifies its signatures against this. */
export class Keyring {
  private readonly keys = new Map<string, AccessKey>();
  /** Stale and replayed requests, refused by every scheme once its signature checks out. */
  readonly replays: ReplayGuard;

  /**
   * `clock` is what signed times are checked against: the real clock the SDKs sign with, unless a test moves it.
   * `world` names the account keys without one act in, and the clock STS expiry is checked against.
   */
  constructor(
    keys: readonly AccessKey[],
    clock: () => number = Date.now,
    private readonly world: { accountId: string; now: () => number } = { accountId: '', now: Date.now },
  ) {
    this.replays = new ReplayGuard(clock);
    for (const k of keys) this.keys.set(k.accessKeyId, k);
  }

  add(key: AccessKey): void {
    this.keys.set(key.accessKeyId, key);
  }

  list(): AccessKey[] {
    return [...this.keys.values()].map((k) => ({ ...k }));
  }

  /** Who holds a key: its declared principal, else the root account, or an unnamed role for an STS key. */
  principalOf(accessKeyId: string): KeyPrincipal {
    const declared = this.keys.get(accessKeyId)?.principal;
    if (declared) return declared;
    return accessKeyId.startsWith('STS.') ? { type: 'assumed-role' } : { type: 'root-account', userName: 'root' };
  }

  /** The account a key acts in. */
  accountOf(accessKeyId: string): string {
    return this.keys.get(accessKeyId)?.accountId ?? this.world.accountId;
  }

  /** Resolves an AccessKeyId to its secret, checking the STS token where the key demands one. */
  secretFor(accessKeyId: string, securityToken: string | undefined): string {
    const key = this.keys.get(accessKeyId);
    if (!key) throw new ApiError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404);
    if (key.securityToken !== undefined) {
      if (!securityToken) throw new ApiError('InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed.', 400);
      if (securityToken !== key.securityToken) {
        throw new ApiError('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.', 400);
      }
    }
    if (key.expiresAt !== undefined && this.world.now() >= key.expiresAt) throw new ApiError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.', 400);
    return key.accessKeySecret;
  }
}
