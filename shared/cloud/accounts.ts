import type { CredentialsProvider } from '@alicloud/credentials';
import Credentials from '@alicloud/credentials/dist/src/credentials.js';
import type { CloudConfig } from './config.js';
import { CloudError, toCloudError } from './errors.js';
import { PopClient, type PopProductInfo, RawResponse, RpcRequest } from './pop-client.js';

/** The account a deployment runs in, and its own cloud access (FC's context credentials, or the CLI's chain). */
export interface Deployment {
  readonly accountId: string;
  readonly cloud: CloudConfig;
  /** How member accounts are reached; without it the deployment reaches its own account only. */
  readonly members?: MemberAccess;
}

/** STS AssumeRole into a role of the member account. */
export interface MemberAccess {
  /** The role in every member account (RAM role names are case-insensitive). */
  readonly roleName: string;
  /** Names the run in RoleSessionName, so the member's ActionTrail shows which run acted. */
  readonly runId: string;
}

/** Resource Directory creates this role in every member account it creates, trusting the management account. */
export const DEFAULT_MEMBER_ROLE = 'ResourceDirectoryAccountAccessRole';

/** STS 2015-04-01, RPC style; its public regional endpoint (STS API reference, Endpoints). */
export const STS: PopProductInfo = { version: '2015-04-01', endpoint: (r) => `sts.${r}.aliyuncs.com` };

/** Seconds an assumed session lasts (AssumeRole's default and the maximum of a role not raised past it). */
const SESSION_SECONDS = 3600;
/** A session is renewed this long before it expires, so no call signs with keys about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * RoleSessionName for a run: `automirror-<run>`, letters, digits and `.@-_` only, at most 32 characters (the bound
 * older STS documentation gives; the current one allows 64, so 32 is accepted by both).
 */
export function roleSessionName(runId: string): string {
  const run = runId.replace(/[^A-Za-z0-9.@_-]/g, '-');
  return `automirror-${run}`.slice(0, 32);
}

/**
 * Why an account could not be reached: the STS error, with its code and STS's own classification, so the one
 * result mapper (shared/engine/result.ts) tells a missing or untrusting role (permanent) from a throttle (transient).
 */
export class AssumeRoleError extends CloudError {
  constructor(
    readonly accountId: string,
    readonly roleArn: string,
    sts: CloudError,
  ) {
    super(sts.code, `can't assume ${roleArn} in account ${accountId}: ${sts.code}: ${sts.message}`, sts.retryable, sts.retryAfterMs, sts.status);
    this.name = 'AssumeRoleError';
  }
}

interface AssumeRoleBody {
  Credentials?: { AccessKeyId?: string; AccessKeySecret?: string; SecurityToken?: string; Expiration?: string };
}

interface Session {
  readonly credentials: Credentials;
  readonly expiresAt: number;
}

/**
 * One member account's assumed-role session, as a credentials provider the SDK asks before every request: the
 * session is kept until shortly before it expires, and callers that overlap share one AssumeRole in flight.
 */
class AssumedRole implements CredentialsProvider {
  private session?: Session;
  private pending?: Promise<Credentials>;

  constructor(
    private readonly sts: () => PopClient,
    readonly accountId: string,
    readonly roleArn: string,
    readonly sessionName: string,
    private readonly now: () => number,
  ) {}

  getCredentials(): Promise<Credentials> {
    if (this.session && this.now() < this.session.expiresAt - RENEW_BEFORE_MS) return Promise.resolve(this.session.credentials);
    this.pending ??= this.assume().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  getProviderName(): string {
    return 'automirror_assume_role';
  }

  private async assume(): Promise<Credentials> {
    let body: AssumeRoleBody | undefined;
    try {
      const request = new RpcRequest({ RoleArn: this.roleArn, RoleSessionName: this.sessionName, DurationSeconds: SESSION_SECONDS });
      body = (await this.sts().call('AssumeRole', request, new RawResponse<AssumeRoleBody>({}))).body;
    } catch (err) {
      throw new AssumeRoleError(this.accountId, this.roleArn, toCloudError(err));
    }
    const c = body?.Credentials ?? {};
    const expiresAt = Date.parse(String(c.Expiration ?? ''));
    if (!c.AccessKeyId || !c.AccessKeySecret || !c.SecurityToken || Number.isNaN(expiresAt)) {
      // A reply cut short is the transport's fault, as a malformed body is (errors.ts): worth another try.
      throw new AssumeRoleError(this.accountId, this.roleArn, new CloudError('InvalidResponse', 'AssumeRole answered without complete credentials', true));
    }
    const credentials = Credentials.builder().withAccessKeyId(c.AccessKeyId).withAccessKeySecret(c.AccessKeySecret).withSecurityToken(c.SecurityToken).withProviderName(this.getProviderName()).build();
    this.session = { credentials, expiresAt };
    return credentials;
  }
}

/** Sessions by (deployment account, member account, role), of the latest run: one AssumeRole per account and run while its session lasts. */
const sessions = new Map<string, AssumedRole>();

/** Drops every cached session (a test that restarts its cloud; a process that rotates its own keys). */
export function forgetSessions(): void {
  sessions.clear();
}

/**
 * The one seam for accounts (Cloud Custodian's `assume_member`): how to reach `accountId` in `regionId`, or
 * undefined when this deployment has no way into that account. The deployment's own account uses its own
 * credentials; a member account, when `members` is configured, the session of STS AssumeRole into
 * `acs:ram::<account>:role/<roleName>`, asked of STS with the deployment's credentials and cached (AssumedRole).
 */
export function cloudForAccount(d: Deployment, accountId: string, regionId: string, now: () => number = Date.now): CloudConfig | undefined {
  if (accountId === d.accountId) return { ...d.cloud, regionId };
  if (!d.members) return undefined;
  const roleArn = `acs:ram::${accountId}:role/${d.members.roleName.toLowerCase()}`;
  const key = `${d.accountId}/${roleArn}`;
  const sessionName = roleSessionName(d.members.runId);
  let role = sessions.get(key);
  // A warm instance serving the next run assumes the role anew, so the member's ActionTrail names the run that acts.
  if (!role || role.sessionName !== sessionName) {
    // STS is asked in the deployment's region, with its credentials and endpoint override, and no call wrapper:
    // AssumeRole is the deployment's call, not the member's (its counts and limits are the deployment's).
    const { around: _around, ownership: _ownership, ...own } = d.cloud;
    role = new AssumedRole(() => new PopClient(STS, own), accountId, roleArn, sessionName, now);
    sessions.set(key, role);
  }
  const { credentials: _credentials, profile: _profile, ...rest } = d.cloud;
  return { ...rest, regionId, provider: role, ownership: d.cloud.ownership && { ...d.cloud.ownership, accountId } };
}

/** Asks for the account's credentials now: an account that can't be reached fails here, with its STS error. */
export async function reach(cfg: CloudConfig): Promise<void> {
  await cfg.provider?.getCredentials();
}
