import Credential, { CLIProfileCredentialsProvider, type CredentialsProvider, DefaultCredentialsProvider, ProfileCredentialsProvider } from '@alicloud/credentials';
import type { OwnershipContext } from './ownership-proof.js';

/** STS credentials as FC hands them to a function in `context.credentials`. */
export interface StsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/**
 * Wraps every POP call (one HTTP request, a page of a list included): where retries, rate limits and call counting
 * go without the adapters knowing. `send` repeats the same request, ClientToken included.
 */
export type CallWrapper = <T>(action: string, send: () => Promise<T>) => Promise<T>;

/**
 * Where and as whom the adapters call the cloud. Without `endpoint` each product's public regional endpoint is used;
 * with it (e.g. `127.0.0.1:8080`) every POP product is called there over plain HTTP.
 */
export interface CloudConfig {
  regionId: string;
  /** Explicit keys (FC context, tests); otherwise `profile`, else the default credential chain. */
  credentials?: StsCredentials;
  /**
   * A named profile, looked up in the aliyun CLI's `~/.aliyun/config.json`, then in `~/.alibabacloud/credentials`
   * (or ALIBABA_CLOUD_CREDENTIALS_FILE); environment keys are not consulted. Without it the default chain runs,
   * which picks its profile from ALIBABA_CLOUD_PROFILE.
   */
  profile?: string;
  /** Credentials that come and go (a member account's assumed-role session): asked before every request. */
  provider?: CredentialsProvider;
  endpoint?: string;
  timeoutMs?: number;
  around?: CallWrapper;
  /** How sessions are proven automirror's (keys, account); without it every claim read is unverifiable. */
  ownership?: OwnershipContext;
}

type Credentials = Awaited<ReturnType<CredentialsProvider['getCredentials']>>;

/**
 * A credentials provider that runs one lookup at a time: callers that overlap share the lookup in flight.
 *
 * @alicloud/credentials' default chain (DefaultCredentialsProvider, 2.4.7) records the provider it is about to try
 * before awaiting it, and a call that finds one recorded asks only that provider. So a second `getCredential()` made
 * while the first walk of the chain is still under way asks whichever provider the walk is at (the environment, when
 * it is first) and fails, e.g. "unable to get credentials from environment variables" with only a profile file: any
 * two SDK calls at once would. Sharing the lookup in flight avoids it; once it settles the next call asks the
 * provider again, so keys that expire (STS from a RAM role, a role ARN) are still refreshed by the provider. A lookup
 * that fails starts over with a fresh provider: the chain would otherwise keep asking only the last one it tried.
 */
class OneLookupAtATime implements CredentialsProvider {
  private provider: CredentialsProvider;
  private pending?: Promise<Credentials>;

  constructor(
    private readonly make: () => CredentialsProvider,
    private readonly explain: (message: string) => string,
  ) {
    this.provider = make();
  }

  getCredentials(): Promise<Credentials> {
    this.pending ??= this.provider
      .getCredentials()
      .catch((err: Error) => {
        this.provider = this.make();
        throw new Error(this.explain(err?.message ?? String(err)));
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  getProviderName(): string {
    return this.provider.getProviderName();
  }
}

/**
 * One named profile: the aliyun CLI's config first (every mode it writes: AK, StsToken, RamRoleArn, EcsRamRole,
 * …), then the credentials file (`type = access_key | ecs_ram_role | ram_role_arn`). The one that has the profile
 * is kept.
 */
class NamedProfile implements CredentialsProvider {
  private readonly providers: CredentialsProvider[] = [];
  private found?: CredentialsProvider;

  constructor(readonly name: string) {
    try {
      this.providers.push(CLIProfileCredentialsProvider.builder().withProfileName(name).build());
    } catch {
      // ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true: the credentials file only.
    }
    this.providers.push(ProfileCredentialsProvider.builder().withProfileName(name).build());
  }

  async getCredentials(): Promise<Credentials> {
    if (this.found) return this.found.getCredentials();
    const errors: string[] = [];
    for (const p of this.providers) {
      try {
        const c = await p.getCredentials();
        this.found = p;
        return c;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    throw new Error(errors.join('; '));
  }

  getProviderName(): string {
    return 'named_profile';
  }
}

/** One credential per profile (or the default chain, '') for the process: every client shares its lookups. */
const shared = new Map<string, Credential>();

function chainFor(profile: string | undefined): Credential {
  const key = profile ?? '';
  let c = shared.get(key);
  if (!c) {
    const provider = profile
      ? new OneLookupAtATime(
          () => new NamedProfile(profile),
          (m) => `no credentials for profile "${profile}" in ~/.aliyun/config.json or ~/.alibabacloud/credentials: ${m}`,
        )
      : new OneLookupAtATime(
          () => DefaultCredentialsProvider.builder().build(),
          (m) =>
            'no Alibaba Cloud credentials found (tried ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, OIDC, the aliyun CLI profile, ' +
            `~/.alibabacloud/credentials, the ECS RAM role, ALIBABA_CLOUD_CREDENTIALS_URI): ${m}`,
        );
    c = new Credential(null, provider);
    shared.set(key, c);
  }
  return c;
}

/**
 * The credential the SDK signs with: explicit keys when given, else the named profile, else Alibaba's default chain
 * (environment keys, OIDC, the aliyun CLI profile, ~/.alibabacloud/credentials, ECS RAM role, credentials URI). The
 * profile and the chain are shared by every client in the process (see OneLookupAtATime).
 */
export function credentialFor(cfg: CloudConfig): Credential {
  const c = cfg.credentials;
  if (!c && cfg.provider) return new Credential(null, cfg.provider);
  if (!c) return chainFor(cfg.profile);
  return new Credential({
    type: c.securityToken ? 'sts' : 'access_key',
    accessKeyId: c.accessKeyId,
    accessKeySecret: c.accessKeySecret,
    securityToken: c.securityToken,
  } as ConstructorParameters<typeof Credential>[0]);
}

/**
 * Concrete keys from the same sources as credentialFor, for what signs with static keys only (MNS, fc2) or hands
 * keys on (a function's `context.credentials`). Ask again for each use: STS keys expire.
 */
export async function resolveKeys(cfg: CloudConfig): Promise<StsCredentials> {
  if (cfg.credentials) return cfg.credentials;
  const c = await credentialFor(cfg).getCredential();
  return { accessKeyId: c.accessKeyId ?? '', accessKeySecret: c.accessKeySecret ?? '', securityToken: c.securityToken || undefined };
}
