import { parseFlags, required, UsageError } from '../args.js';
import { renderRolePolicy } from '../wiring/role-policy.js';

export const usage = 'automirror role-policy --region R --account-id ID [--regions R1,R2,…] [--history-bucket NAME]';

/**
 * Prints the functions' RAM policy (deploy/ram/function-role-policy.json) for one deployment: region and account
 * pinned in every ARN, the session ARNs repeated for each region the reconcile covers (`--regions`, as
 * AUTOMIRROR_REGIONS; default the deployment's region), and the report history's objects when `--history-bucket`
 * (AUTOMIRROR_HISTORY_BUCKET) is given. Reads nothing from the cloud.
 */
export async function rolePolicyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { region: { type: 'string' }, 'account-id': { type: 'string' }, regions: { type: 'string' }, 'history-bucket': { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const region = required(values.region, '--region');
  const regions = values.regions === undefined ? [region] : values.regions.split(',').map((r) => r.trim());
  try {
    process.stdout.write(`${JSON.stringify(renderRolePolicy({ region, regions, account: required(values['account-id'], '--account-id'), historyBucket: values['history-bucket'] }), null, 2)}\n`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return 0;
}
