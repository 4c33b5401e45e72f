import { renderJson } from '../../shared/report/json.js';
import { coverageHeadline } from '../../shared/report/present.js';
import { unapprovedSummary } from '../../shared/report/unapproved.js';
import type { CommandSpec } from '../command.js';
import { REGION_FLAGS, runRegionCommand, usageOf } from '../region-run.js';
import { writeLines } from '../terminal.js';

/** The drift report of the region without changing anything: report.json, report.md, report.html in --out. */
export async function reportCommand(argv: string[]): Promise<number> {
  const { report, json, out } = await runRegionCommand(argv, 'report', 'automirror-report');
  if (json) process.stdout.write(renderJson(report));
  else writeLines([unapprovedSummary(report.foreignSessions), `${coverageHeadline(report.totals)}; ${report.totals.items} drift item(s)`, `wrote ${out}/report.json, report.md, report.html`]);
  return 0;
}

export const command: CommandSpec = {
  name: 'report',
  summary: 'the drift report without changing anything: report.json, report.md, report.html',
  description: [
    'Reads the region as plan does and writes the drift report in its three renderings into --out',
    '(default ./automirror-report): the JSON document, the Markdown summary and the HTML page. Changes nothing.',
  ].join('\n'),
  usage: usageOf('report'),
  flags: REGION_FLAGS,
  examples: [{ command: 'automirror report --region cn-hangzhou --out /tmp/automirror-report', what: 'writes the report of cn-hangzhou into /tmp/automirror-report' }],
  run: reportCommand,
};
