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
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+$/;
const ACCOUNT = /^\d{1,32}$/;

/**
 * deploy/ram/function-role-policy.json with its placeholders filled: `{region}` and `{account}` pinned, and each
 * ARN naming `{vpcRegion}` repeated once per managed region. Region and account are checked first, so no value
 * can put a wildcard (or anything but an id) into an ARN.
 */
export function renderRolePolicy(scope: RoleScope, doc: RolePolicy = template): RolePolicy {
  for (const r of [scope.region, ...scope.regions]) if (!REGION.test(r)) throw new Error(`not a region id: ${JSON.stringify(r)}`);
  if (!ACCOUNT.test(scope.account)) throw new Error(`not an account id: ${JSON.stringify(scope.account)}`);
  const fill = (arn: string) => arn.replaceAll('{region}', scope.region).replaceAll('{account}', scope.account);
  const expand = (arn: string) => (arn.includes('{vpcRegion}') ? scope.regions.map((r) => fill(arn.replaceAll('{vpcRegion}', r))) : [fill(arn)]);
  return {
    Version: doc.Version,
    Statement: doc.Statement.map((s) => ({ ...s, Resource: typeof s.Resource === 'string' ? fill(s.Resource) : s.Resource.flatMap(expand) })),
  };
}
