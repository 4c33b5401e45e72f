import { renderJson } from '../../shared/report/json.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import type { CommandSpec } from '../command.js';
import { REGION_FLAGS, runRegionCommand, usageOf } from '../region-run.js';
import { writeLines } from '../terminal.js';

/**
 * Reconciles the region (enforce mode) and prints the drift report's summary, or the report with --json. Exits 1
 * when a change failed or the run did not reach every ENI.
 */
export async function applyCommand(argv: string[]): Promise<number> {
  const { report, json } = await runRegionCommand(argv, 'enforce');
  if (json) process.stdout.write(renderJson(report));
  else writeLines(renderMarkdown(report).split('\n'));
  return report.totals.statuses.failed > 0 || !report.run.complete ? 1 : 0;
}

export const command: CommandSpec = {
  name: 'apply',
  summary: 'reconciles the region: creates missing sessions, repairs drifted ones, removes what is no longer opted in',
  description: [
    'Runs the reconcile the scheduled reconcile-region function runs (enforce mode) from here, then prints the drift',
    'report. Needs AUTOMIRROR_OWNERSHIP_KEYS and --account-id (or ALIBABA_CLOUD_ACCOUNT_ID): every session it writes',
    'carries a proof of ownership. Exits 1 when a change failed or the run did not reach every ENI.',
  ].join('\n'),
  usage: usageOf('apply'),
  flags: REGION_FLAGS,
  examples: [{ command: 'automirror apply --region cn-hangzhou --account-id 1234567890123456', what: 'reconciles cn-hangzhou and prints what changed' }],
  run: applyCommand,
};
