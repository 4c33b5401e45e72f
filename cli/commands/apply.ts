import { renderJson } from '../../shared/report/json.js';
import { appliedLines } from '../apply-view.js';
import { askApproval } from '../approve.js';
import { parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { FAILED, OK } from '../exit-codes.js';
import { hasChanges, planCounts, planLines } from '../plan-view.js';
import { RUN_FLAGS, type RunSetup, runSetup } from '../region-flags.js';
import { type RegionRun, runRegions, writeReport } from '../region-run.js';
import { driftRefusal, readSavedPlan, regionDrift, type SavedPlan } from '../saved-plan.js';
import { styleFor } from '../style.js';
import { writeStyled } from '../terminal.js';

const FLAGS = {
  ...RUN_FLAGS,
  'auto-approve': { type: 'boolean', help: 'apply the plan without asking (scripts); without it apply asks on a terminal and refuses elsewhere' },
  verbose: { type: 'boolean', help: "list each session that is not automirror's and is left alone, in the plan shown" },
  out: { type: 'string', value: 'DIR', help: 'also write report.json, report.md and report.html of the run into DIR (and keep DIR/history.json)' },
} as const;

/** Why a saved plan can't be applied as saved (policy or account other than its own), or nothing. */
function savedPlanMismatch(file: string, saved: SavedPlan, setup: RunSetup): string | undefined {
  if (saved.policy.revision !== setup.policyInfo.revision) {
    return `${file} was planned under policy ${saved.policy.revision}; the policy is now ${setup.policyInfo.revision} (${setup.policyInfo.source})`;
  }
  const account = setup.cloud.ownership?.accountId;
  if (saved.accountId !== account) return `${file} was planned ${saved.accountId ? `in account ${saved.accountId}` : 'without an account id'}, not in account ${account}`;
  return undefined;
}

/**
 * Reconciles the regions (enforce mode) once a plan is approved: a saved plan found equal to the plan computed now
 * from the cloud and the policy, or a person's `yes` to the plan shown, or --auto-approve. Exits 1 when nothing was
 * approved, a change failed, or the run did not reach every ENI.
 */
async function applyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 1) throw new UsageError(`one saved plan at most, got "${positionals[1]}" too`);
  const [file] = positionals;
  const json = values.json === true;
  if (file && values.region !== undefined) throw new UsageError('a saved plan names its regions: leave --region out');
  if (!file && json && !values['auto-approve']) throw new UsageError('--json needs --auto-approve or a saved plan: the question would go to stdout');
  // Refused before any call: nobody can answer, and applying unasked is what --auto-approve says out loud.
  if (!file && !values['auto-approve'] && !process.stdin.isTTY) {
    throw new Error('not applying without approval: stdin is not a terminal; pass --auto-approve, or apply a plan saved with plan --out');
  }
  const saved = file ? readSavedPlan(file) : undefined;
  const setup = await runSetup(values, { proving: true, regions: saved?.regions.map((r) => r.regionId) });
  const style = styleFor(process.stdout, { noColor: values['no-color'] });
  let refusal: string | undefined;
  const approve = async (planned: readonly RegionRun[]): Promise<boolean> => {
    if (saved && file) {
      refusal = savedPlanMismatch(file, saved, setup);
      const byRegion = new Map(saved.regions.map((r) => [r.regionId, r]));
      const moved: string[] = [];
      const actions: string[] = [];
      for (const { result } of planned) {
        const was = byRegion.get(result.regionId);
        const drift = was ? regionDrift(was, result) : { moved: ['not in the plan'], actions: [] };
        moved.push(...drift.moved.map((d) => `${result.regionId}: ${d}`));
        actions.push(...drift.actions.map((d) => `${result.regionId}: ${d}`));
      }
      refusal ??= driftRefusal(file, moved, actions);
      return refusal === undefined;
    }
    if (!json) writeStyled(planLines(planned, { verbose: values.verbose }), style);
    if (values['auto-approve'] || !hasChanges(planCounts(planned))) return true;
    const yes = await askApproval({ input: process.stdin, output: process.stdout });
    if (!yes) refusal = 'Apply cancelled: nothing was changed';
    return yes;
  };
  const run = await runRegions({ mode: 'enforce', ...setup, approve, historyDir: values.out, runId: saved?.runId });
  if (refusal) throw new Error(saved ? `${refusal}; nothing was applied: run automirror plan again` : refusal);
  if (values.out) writeReport(values.out, run.report);
  if (json) process.stdout.write(renderJson(run.report));
  else writeStyled([...(saved ? [] : ['']), ...appliedLines(run.regions)], style);
  return run.report.totals.statuses.failed > 0 || !run.report.run.complete ? FAILED : OK;
}

export const command: CommandSpec = {
  name: 'apply',
  summary: 'makes the changes plan shows, once approved: asks on a terminal, or applies a saved plan',
  description: [
    'Without a file: plans each region as plan does, shows the plan and asks "Do you want to perform these',
    "actions?\" on a terminal (only 'yes' approves); --auto-approve applies without asking; elsewhere (stdin not a",
    'terminal) it refuses, exit 1. With FILE (from plan --out): plans again and applies only if the plan and every',
    'resource it read are as FILE says, and the policy and account are the same; otherwise it refuses, exit 1,',
    'naming each resource added, removed or modified. Nothing is written before approval, in any region; each',
    'region then applies that plan once (the scheduled reconcile deals with whatever changes after).',
    'Prints what was applied, what failed and why, and the coverage; --json prints the drift report instead (it needs',
    '--auto-approve or FILE: the question would go to stdout).',
    'Needs AUTOMIRROR_OWNERSHIP_KEYS and --account-id (or ALIBABA_CLOUD_ACCOUNT_ID): every session it writes',
    'carries a proof of ownership. Exits 1 when nothing was approved, a change failed or the run did not reach every ENI.',
  ].join('\n'),
  usage: 'automirror apply [FILE] [--region R[,R…]|all] [--auto-approve] [options]',
  flags: FLAGS,
  examples: [
    { command: 'automirror apply --region cn-hangzhou --account-id 1234567890123456', what: 'shows the plan for cn-hangzhou and asks before changing anything' },
    { command: 'automirror plan --region cn-hangzhou --out plan.json && automirror apply plan.json', what: 'applies exactly the plan reviewed, or nothing if the cloud moved' },
    { command: 'automirror apply --region all --auto-approve --json', what: 'in a script: every open region, the drift report on stdout' },
  ],
  run: applyCommand,
};
