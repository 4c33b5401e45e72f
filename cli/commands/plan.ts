import { writeFileSync } from 'node:fs';
import { parseFlags } from '../args.js';
import type { CommandSpec } from '../command.js';
import { CHANGES, OK } from '../exit-codes.js';
import { hasChanges, planCounts, planLines } from '../plan-view.js';
import { noArguments, RUN_FLAGS, runSetup } from '../region-flags.js';
import { runRegions } from '../region-run.js';
import { renderSavedPlan, savedPlan } from '../saved-plan.js';
import { styleFor } from '../style.js';
import { writeLines, writeStyled } from '../terminal.js';

const FLAGS = {
  ...RUN_FLAGS,
  out: { type: 'string', value: 'FILE', help: 'save the plan, with the cloud state it was computed from, for `automirror apply FILE`' },
  verbose: { type: 'boolean', help: "list each session that is not automirror's and is left alone (otherwise one count line)" },
  'detailed-exitcode': { type: 'boolean', help: 'exit 0 when there is nothing to do, 2 when there are changes, 1 on error' },
} as const;

/** What a reconcile of the regions would change, grouped as Terraform does, with why; writes nothing to the cloud. */
async function planCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  noArguments(positionals);
  const setup = await runSetup(values, { proving: false });
  const { regions } = await runRegions({ mode: 'report', ...setup });
  const doc = savedPlan(regions, { accountId: setup.cloud.ownership?.accountId, policy: setup.policyInfo, createdAt: new Date() });
  if (values.out) writeFileSync(values.out, renderSavedPlan(doc));
  if (values.json) process.stdout.write(renderSavedPlan(doc));
  else {
    writeStyled(planLines(regions, { verbose: values.verbose }), styleFor(process.stdout, { noColor: values['no-color'] }));
    if (values.out) writeLines(['', `Saved the plan to ${values.out}. To apply exactly it: automirror apply ${values.out}`]);
  }
  return values['detailed-exitcode'] && hasChanges(planCounts(regions)) ? CHANGES : OK;
}

export const command: CommandSpec = {
  name: 'plan',
  summary: 'the changes a reconcile would make, grouped as Terraform does; changes nothing',
  description: [
    'Reads each region (ENIs, instances, sessions, targets), evaluates the policy for every ENI and prints what a',
    'reconcile would change: + create, ~ update (attributes, sources added or removed, a proof re-signed, an',
    'unapproved session disabled), -/+ replace, - delete, each with its resource and why; what it cannot place and',
    'why; sessions that are not automirror\'s as one count (--verbose lists them); then "Plan: N to create, N to',
    'update, N to replace, N to delete, N ENIs still unmirrored". Unapproved mirroring and unproven claims come first.',
    'Writes nothing to the cloud.',
    '--out FILE saves the plan with a fingerprint of every resource it read, for `automirror apply FILE`. --json',
    'prints that same document (not the drift report: `automirror report --json` prints that).',
    'Ownership is verified with AUTOMIRROR_OWNERSHIP_KEYS in the account --account-id names; without them every',
    "session claiming to be automirror's reads as an unverifiable claim (listed, never acted on).",
  ].join('\n'),
  usage: 'automirror plan --region R[,R…]|all [--out FILE] [--detailed-exitcode] [--verbose] [options]',
  flags: FLAGS,
  examples: [
    { command: 'automirror plan --region cn-hangzhou --account-id 1234567890123456', what: 'what a reconcile of cn-hangzhou would change' },
    { command: 'automirror plan --region all --out plan.json', what: 'plan every region where traffic mirroring is open and save it for apply' },
    { command: 'automirror plan --region cn-hangzhou,cn-shanghai --detailed-exitcode', what: 'in CI: exit 2 when there is drift to fix' },
  ],
  run: planCommand,
};
