import { describePlan } from '../../shared/engine/describe.js';
import { renderJson } from '../../shared/report/json.js';
import { coverageHeadline } from '../../shared/report/present.js';
import { unapprovedSummary } from '../../shared/report/unapproved.js';
import type { CommandSpec } from '../command.js';
import { forgedClaimLines } from '../forged-claims.js';
import { REGION_FLAGS, runRegionCommand, usageOf } from '../region-run.js';
import { writeLines } from '../terminal.js';

/** What a reconcile of the region would change, action by action with why; writes nothing to the cloud. */
export async function planCommand(argv: string[]): Promise<number> {
  const { result, report, json } = await runRegionCommand(argv, 'report');
  if (json) {
    process.stdout.write(renderJson(report));
    return 0;
  }
  const [pass] = result.passes;
  // Withheld ENIs (a rule whose targets are gone) are among the plan's unmirrored, with why.
  // Unapproved mirroring first, as counts (the sessions, with their cloud-given names, are in --json).
  const lines = [
    `${result.regionId}: ${unapprovedSummary(report.foreignSessions)}`,
    ...describePlan(pass.plan),
    ...forgedClaimLines(pass.snapshot.sessions).map((l) => `unproven claim, left alone: ${l}`),
    `${result.regionId}: ${coverageHeadline(report.totals)} now; ${pass.plan.actions.length} change(s) planned`,
  ];
  writeLines(lines);
  return 0;
}

export const command: CommandSpec = {
  name: 'plan',
  summary: "the region's drift and the changes a reconcile would make; changes nothing",
  description: [
    'Reads the region (ENIs, instances, sessions, filters, targets), evaluates the policy for every ENI and prints',
    'the changes a reconcile would make, each with why, then the coverage. Writes nothing to the cloud.',
    'Ownership is verified with AUTOMIRROR_OWNERSHIP_KEYS in the account --account-id names; without them every',
    "session claiming to be automirror's reads as an unverifiable claim (listed, never acted on).",
  ].join('\n'),
  usage: usageOf('plan'),
  flags: REGION_FLAGS,
  examples: [
    { command: 'automirror plan --region cn-hangzhou --account-id 1234567890123456', what: 'what a reconcile of cn-hangzhou would change' },
    { command: 'automirror plan --region cn-hangzhou --json > plan.json', what: 'the drift report as one JSON document' },
  ],
  run: planCommand,
};
