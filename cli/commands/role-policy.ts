import { COMMON_FLAGS, parseFlags, required, UsageError } from '../args.js';
import { CLOUD_FLAGS } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { writeJson } from '../output.js';
import { renderRolePolicy } from '../wiring/role-policy.js';

const FLAGS = {
  ...COMMON_FLAGS,
  region: CLOUD_FLAGS.region,
  'account-id': CLOUD_FLAGS['account-id'],
  regions: { type: 'string', value: 'R1,R2,…', help: 'the regions the reconcile covers, as AUTOMIRROR_REGIONS (default: --region)' },
  'history-bucket': { type: 'string', value: 'NAME', help: "the report history's OSS bucket, as AUTOMIRROR_HISTORY_BUCKET (default: none, no OSS grant)" },
  'member-role': { type: 'string', value: 'NAME', help: 'the role assumed in member accounts (default: none, no sts:AssumeRole grant)' },
} as const satisfies FlagSpecs;

/**
 * Prints the functions' RAM policy (deploy/ram/function-role-policy.json) for one deployment: region and account
 * pinned in every ARN, the session ARNs repeated for each region the reconcile covers (`--regions`, as
 * AUTOMIRROR_REGIONS; default the deployment's region), and the report history's objects when `--history-bucket`
 * (AUTOMIRROR_HISTORY_BUCKET) is given, and sts:AssumeRole on the member accounts' role when `--member-role` is.
 * Reads nothing from the cloud.
 */
export async function rolePolicyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const region = required(values.region, '--region');
  const regions = values.regions === undefined ? [region] : values.regions.split(',').map((r) => r.trim());
  try {
    writeJson(renderRolePolicy({ region, regions, account: required(values['account-id'], '--account-id'), historyBucket: values['history-bucket'], memberRole: values['member-role'] }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return 0;
}

export const command: CommandSpec = {
  name: 'role-policy',
  summary: "prints the functions' RAM policy for this deployment, region and account pinned in every ARN",
  description: [
    'deploy/ram/function-role-policy.json rendered for one deployment: exactly the actions the functions call, every',
    'ARN pinned to the region and account, the session ARNs repeated for each region of --regions. Reads nothing',
    "from the cloud; attach the output to the functions' role (README, Deploy). It is JSON with or without --json.",
  ].join('\n'),
  usage: 'automirror role-policy --region R --account-id ID [--regions R1,R2,…] [--history-bucket NAME] [--member-role NAME]',
  flags: FLAGS,
  examples: [
    {
      command: 'automirror role-policy --region cn-hangzhou --account-id 1234567890123456 --regions cn-hangzhou,cn-shanghai',
      what: 'the policy for a deployment in cn-hangzhou reconciling two regions',
    },
  ],
  run: rolePolicyCommand,
};
