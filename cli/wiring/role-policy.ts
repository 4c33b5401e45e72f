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
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+$/;
const ACCOUNT = /^\d{1,32}$/;
/** OSS bucket naming: 3–63 lowercase letters, digits and hyphens, a letter or digit at each end. */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * deploy/ram/function-role-policy.json with its placeholders filled: `{region}` and `{account}` pinned, each
 * ARN naming `{vpcRegion}` repeated once per managed region, and `{historyBucket}` the history bucket (its
 * statements dropped when there is none). Region, account and bucket are checked first, so no value can put a
 * wildcard (or anything but an id) into an ARN.
 */
export function renderRolePolicy(scope: RoleScope, doc: RolePolicy = template): RolePolicy {
  for (const r of [scope.region, ...scope.regions]) if (!REGION.test(r)) throw new Error(`not a region id: ${JSON.stringify(r)}`);
  if (!ACCOUNT.test(scope.account)) throw new Error(`not an account id: ${JSON.stringify(scope.account)}`);
  const { historyBucket } = scope;
  if (historyBucket !== undefined && !BUCKET.test(historyBucket)) throw new Error(`not a bucket name: ${JSON.stringify(historyBucket)}`);
  const fill = (arn: string) =>
    arn
      .replaceAll('{region}', scope.region)
      .replaceAll('{account}', scope.account)
      .replaceAll('{historyBucket}', historyBucket ?? '');
  const expand = (arn: string) => (arn.includes('{vpcRegion}') ? scope.regions.map((r) => fill(arn.replaceAll('{vpcRegion}', r))) : [fill(arn)]);
  const resources = (s: RolePolicy['Statement'][number]) => (typeof s.Resource === 'string' ? [s.Resource] : s.Resource);
  return {
    Version: doc.Version,
    Statement: doc.Statement.filter((s) => historyBucket !== undefined || !resources(s).some((r) => r.includes('{historyBucket}'))).map((s) => ({
      ...s,
      Resource: typeof s.Resource === 'string' ? fill(s.Resource) : s.Resource.flatMap(expand),
    })),
  };
}
