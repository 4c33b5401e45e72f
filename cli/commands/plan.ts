import { writeFileSync } from 'node:fs';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { type CloudVerdict, verifyActions } from '../../shared/engine/verify.js';
import { parseFlags } from '../args.js';
import type { CommandSpec } from '../command.js';
import { CHANGES, FAILED, OK } from '../exit-codes.js';
import { hasChanges, planCounts, planLines, type Verdicts, verifyCounts } from '../plan-view.js';
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
  verify: { type: 'boolean', help: "send each create and update once with DryRun=true and show the cloud's verdict; exit 1 when it refuses one" },
} as const;

/** What a reconcile of the regions would change, grouped as Terraform does, with why; writes nothing to the cloud. */
async function planCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  noArguments(positionals);
  const setup = await runSetup(values, { proving: false });
  const { regions, runId } = await runRegions({ mode: 'report', ...setup });
  const verdicts: Verdicts | undefined = values.verify
    ? new Map(
        await Promise.all(
          regions.map(async (v): Promise<[string, Record<string, CloudVerdict>]> => {
            const { regionId } = v.result;
            const actions = v.result.passes[0].plan.actions;
            const said = await verifyActions(actions, engineAdapters({ ...setup.cloud, regionId }).vpc, runId);
            return [regionId, Object.fromEntries(actions.map((a, i) => [a.id, said[i]]))];
          }),
        ),
      )
    : undefined;
  const doc = savedPlan(regions, { accountId: setup.cloud.ownership?.accountId, policy: setup.policyInfo, createdAt: new Date(), runId, verdicts });
  if (values.out) writeFileSync(values.out, renderSavedPlan(doc));
  if (values.json) process.stdout.write(renderSavedPlan(doc));
  else {
    writeStyled(planLines(regions, { verbose: values.verbose, verdicts }), styleFor(process.stdout, { noColor: values['no-color'] }));
    if (values.out) writeLines(['', `Saved the plan to ${values.out}. To apply exactly it: automirror apply ${values.out}`]);
  }
  if (verdicts && verifyCounts(verdicts).refused > 0) return FAILED;
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
    '--verify sends each planned create and update once with DryRun=true (the request and ClientToken apply sends),',
    "so the cloud runs every check of the real call: under each change, would succeed or the cloud's error code and",
    'message; exit 1 when it refuses one. Deletes and proofs are not pre-checked.',
    '--out FILE saves the plan with a fingerprint of every resource it read, for `automirror apply FILE`. --json',
    'prints that same document (not the drift report: `automirror report --json` prints that).',
    'Ownership is verified with AUTOMIRROR_OWNERSHIP_KEYS in the account --account-id names; without them every',
    "session claiming to be automirror's reads as an unverifiable claim (listed, never acted on).",
  ].join('\n'),
  usage: 'automirror plan --region R[,R…]|all [--out FILE] [--verify] [--detailed-exitcode] [--verbose] [options]',
  flags: FLAGS,
  examples: [
    { command: 'automirror plan --region cn-hangzhou --account-id 1234567890123456', what: 'what a reconcile of cn-hangzhou would change' },
    { command: 'automirror plan --region all --out plan.json', what: 'plan every region where traffic mirroring is open and save it for apply' },
    { command: 'automirror plan --region cn-hangzhou,cn-shanghai --detailed-exitcode', what: 'in CI: exit 2 when there is drift to fix' },
    { command: 'automirror plan --region cn-hangzhou --verify', what: 'asks the cloud (DryRun) whether each change would succeed, before any write' },
  ],
  run: planCommand,
};
