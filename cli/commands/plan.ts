import { describePlan } from '../../shared/engine/describe.js';
import { renderJson } from '../../shared/report/json.js';
import { coverageHeadline } from '../../shared/report/present.js';
import { unapprovedSummary } from '../../shared/report/unapproved.js';
import { forgedClaimLines } from '../forged-claims.js';
import { runRegionCommand, usageOf } from '../region-run.js';
import { writeLines } from '../terminal.js';

export const usage = usageOf('plan');

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
