import { renderJson } from '../../shared/report/json.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { runRegionCommand, usageOf } from '../region-run.js';
import { writeLines } from '../terminal.js';

export const usage = usageOf('apply');

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
