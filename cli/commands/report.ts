import { renderJson } from '../../shared/report/json.js';
import { coverageHeadline } from '../../shared/report/present.js';
import { unapprovedSummary } from '../../shared/report/unapproved.js';
import { runRegionCommand, usageOf } from '../region-run.js';

export const usage = usageOf('report');

/** The drift report of the region without changing anything: report.json, report.md, report.html in --out. */
export async function reportCommand(argv: string[]): Promise<number> {
  const { report, json, out } = await runRegionCommand(argv, 'report', 'automirror-report');
  if (json) process.stdout.write(renderJson(report));
  else
    process.stdout.write(`${unapprovedSummary(report.foreignSessions)}\n${coverageHeadline(report.totals)}; ${report.totals.items} drift item(s)\nwrote ${out}/report.json, report.md, report.html\n`);
  return 0;
}
