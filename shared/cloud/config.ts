import Credential from '@alicloud/credentials';

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
  /** Explicit keys (FC context, tests); otherwise the default credential chain. */
  credentials?: StsCredentials;
  endpoint?: string;
  timeoutMs?: number;
  around?: CallWrapper;
}

/** The credential the SDK signs with: explicit keys when given, else Alibaba's default chain (env, profile, RAM role). */
export function credentialFor(cfg: CloudConfig): Credential {
  const c = cfg.credentials;
  if (!c) return new Credential();
  return new Credential({
    type: c.securityToken ? 'sts' : 'access_key',
    accessKeyId: c.accessKeyId,
    accessKeySecret: c.accessKeySecret,
    securityToken: c.securityToken,
  } as ConstructorParameters<typeof Credential>[0]);
}
