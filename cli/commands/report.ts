import { resolve } from 'node:path';
import { renderJson } from '../../shared/report/json.js';
import { coverageHeadline, formatPercent } from '../../shared/report/present.js';
import { reportSchema } from '../../shared/report/schema.js';
import { unapprovedSummary } from '../../shared/report/unapproved.js';
import { parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { BELOW_THRESHOLD, OK } from '../exit-codes.js';
import { noArguments, RUN_FLAGS, runSetup } from '../region-flags.js';
import { historyFile, runRegions, writeReport } from '../region-run.js';
import { writeErrorLines, writeLines } from '../terminal.js';

const FLAGS = {
  ...RUN_FLAGS,
  out: { type: 'string', value: 'DIR', help: 'where report.json, report.md, report.html and history.json go (default ./automirror-report); a later run into DIR reports what changed since' },
  'fail-under': { type: 'string', value: 'PCT', help: 'exit 3 when the coverage of opted-in ENIs is below PCT (0–100)' },
} as const;

/** `--fail-under`: a percentage, 0 to 100, as a number (`90`, `99.5`). */
function threshold(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const pct = /^\d{1,3}(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(pct >= 0 && pct <= 100)) throw new UsageError(`--fail-under must be a percentage from 0 to 100, got "${value.slice(0, 20)}"`);
  return pct;
}

/** The drift report of the regions without changing anything: report.json, report.md, report.html in --out. */
async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals[0] === 'schema') {
    noArguments(positionals.slice(1));
    process.stdout.write(`${JSON.stringify(reportSchema, null, 2)}\n`);
    return OK;
  }
  noArguments(positionals);
  const pct = threshold(values['fail-under']);
  const setup = await runSetup(values, { proving: false });
  const out = resolve(values.out ?? 'automirror-report');
  const { report } = await runRegions({ mode: 'report', ...setup, historyDir: out });
  writeReport(out, report);
  // The history each region's run kept in --out (region-run.ts), beside the report.
  const history = setup.regions.length === 1 ? historyFile(setup.regions[0], 1) : `${historyFile('REGION', setup.regions.length)} for each of the ${setup.regions.length} regions`;
  if (values.json) process.stdout.write(renderJson(report));
  else
    writeLines([unapprovedSummary(report.foreignSessions), `${coverageHeadline(report.totals)}; ${report.totals.items} drift item(s)`, `wrote ${out}/report.json, report.md, report.html, ${history}`]);
  // Nothing opted in leaves nothing unmirrored: no coverage to fall short.
  const coverage = report.totals.coveragePercent;
  if (pct === undefined || coverage === null || coverage >= pct) return OK;
  writeErrorLines([`automirror report: coverage ${formatPercent(coverage)} is below --fail-under ${pct}%`]);
  return BELOW_THRESHOLD;
}

export const command: CommandSpec = {
  name: 'report',
  summary: 'the drift report without changing anything: report.json, report.md, report.html',
  description: [
    'Reads each region as plan does and writes the drift report (the regions merged into one) in its three',
    'renderings into --out (default ./automirror-report): the JSON document, the Markdown summary and the HTML page.',
    'Changes nothing. --json prints the JSON document on stdout as well. --fail-under PCT exits 3 when the coverage',
    'of opted-in ENIs is below PCT (an account where no ENI is opted in has nothing unmirrored and passes).',
    '`automirror report schema` prints the JSON Schema the JSON document follows.',
  ].join('\n'),
  usage: 'automirror report --region R[,R…]|all [--out DIR] [--fail-under PCT] [options] | automirror report schema',
  flags: FLAGS,
  subcommands: [{ name: 'schema', summary: "prints the drift report's JSON Schema" }],
  examples: [
    { command: 'automirror report --region cn-hangzhou --out /tmp/automirror-report', what: 'writes the report of cn-hangzhou into /tmp/automirror-report' },
    { command: 'automirror report --region all --fail-under 99', what: 'in CI: exit 3 when under 99 % of the opted-in ENIs are mirrored' },
    { command: 'automirror report schema > report.schema.json', what: "the drift report's JSON Schema" },
  ],
  run: reportCommand,
};
