import template from '../../deploy/ram/function-role-policy.json' with { type: 'json' };

/** A RAM policy document as deploy/ram writes it. */
export interface RolePolicy {
  readonly Version: string;
  readonly Statement: ReadonlyArray<{ readonly Effect: string; readonly Action: string | readonly string[]; readonly Resource: string | readonly string[] }>;
}

/** Where the functions run (their MNS queues, topic and FC functions), the regions whose sessions they manage, and the account. */
export interface RoleScope {
  readonly region: string;
  readonly regions: readonly string[];
  readonly account: string;
  /** The report history's OSS bucket (AUTOMIRROR_HISTORY_BUCKET); without it the statements naming `{historyBucket}` are left out. */
  readonly historyBucket?: string;
  /** The role assumed in member accounts (shared/cloud/accounts.ts); without it the `{memberRole}` statement is left out. */
  readonly memberRole?: string;
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+$/;
const ACCOUNT = /^\d{1,32}$/;
/** OSS bucket naming: 3–63 lowercase letters, digits and hyphens, a letter or digit at each end. */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** RAM role names: 1–64 letters, digits, `.` and `-` (CreateRole's RoleName); no wildcard. */
const ROLE = /^[A-Za-z0-9.-]{1,64}$/;

/**
 * deploy/ram/function-role-policy.json with its placeholders filled: `{region}` and `{account}` pinned, each
 * ARN naming `{vpcRegion}` repeated once per managed region, `{historyBucket}` the history bucket and
 * `{memberRole}` the member accounts' role (each one's statements dropped when there is none; so is listing the
 * Resource Directory, `resourcemanager:`, which only a deployment reaching member accounts needs). The member role's
 * account stays `*`: members come from the Resource Directory at run time; the role name is pinned (RAM writes
 * role ARNs in lowercase, and role names are case-insensitive). Region, account and bucket are checked first, so no value can put a
 * wildcard (or anything but an id) into an ARN.
 */
export function renderRolePolicy(scope: RoleScope, doc: RolePolicy = template): RolePolicy {
  for (const r of [scope.region, ...scope.regions]) if (!REGION.test(r)) throw new Error(`not a region id: ${JSON.stringify(r)}`);
  if (!ACCOUNT.test(scope.account)) throw new Error(`not an account id: ${JSON.stringify(scope.account)}`);
  const { historyBucket } = scope;
  if (historyBucket !== undefined && !BUCKET.test(historyBucket)) throw new Error(`not a bucket name: ${JSON.stringify(historyBucket)}`);
  const { memberRole } = scope;
  if (memberRole !== undefined && !ROLE.test(memberRole)) throw new Error(`not a role name: ${JSON.stringify(memberRole)}`);
  const resources = (s: RolePolicy['Statement'][number]) => (typeof s.Resource === 'string' ? [s.Resource] : s.Resource);
  const forMembers = (r: string) => r.includes('{memberRole}') || r.startsWith('acs:resourcemanager:');
  const given = (s: RolePolicy['Statement'][number]) => !resources(s).some((r) => (r.includes('{historyBucket}') && historyBucket === undefined) || (forMembers(r) && memberRole === undefined));
  const fill = (arn: string) =>
    arn
      .replaceAll('{region}', scope.region)
      .replaceAll('{account}', scope.account)
      .replaceAll('{historyBucket}', historyBucket ?? '')
      .replaceAll('{memberRole}', memberRole?.toLowerCase() ?? '');
  const expand = (arn: string) => (arn.includes('{vpcRegion}') ? scope.regions.map((r) => fill(arn.replaceAll('{vpcRegion}', r))) : [fill(arn)]);
  return {
    Version: doc.Version,
    Statement: doc.Statement.filter(given).map((s) => ({
      ...s,
      Resource: typeof s.Resource === 'string' ? fill(s.Resource) : s.Resource.flatMap(expand),
    })),
  };
}
