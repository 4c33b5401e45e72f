import { renderJson } from '../../shared/report/json.js';
import { coverageHeadline } from '../../shared/report/present.js';
import { unapprovedSummary } from '../../shared/report/unapproved.js';
import { runRegionCommand, usageOf } from '../region-run.js';
import { writeLines } from '../terminal.js';

export const usage = usageOf('report');

/** The drift report of the region without changing anything: report.json, report.md, report.html in --out. */
export async function reportCommand(argv: string[]): Promise<number> {
  const { report, json, out } = await runRegionCommand(argv, 'report', 'automirror-report');
  if (json) process.stdout.write(renderJson(report));
  else writeLines([unapprovedSummary(report.foreignSessions), `${coverageHeadline(report.totals)}; ${report.totals.items} drift item(s)`, `wrote ${out}/report.json, report.md, report.html`]);
  return 0;
}
