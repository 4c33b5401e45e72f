import { randomUUID } from 'node:crypto';
import { PROOF_GRACE_MS } from '../../shared/cloud/ownership-proof.js';
import type { SessionQuery } from '../../shared/cloud/vpc.js';
import type { Session } from '../../shared/domain.js';
import { legacyAdoption } from '../../shared/engine/adopt.js';
import { clientToken } from '../../shared/engine/apply.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { OWNER_TAG, OWNER_VALUE } from '../../shared/engine/ownership.js';
import { readSourceView } from '../../shared/engine/source-view.js';
import { type TakeOver, takeOver } from '../../shared/engine/take-over.js';
import { COMMON_FLAGS, type FlagValues, parseFlags, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags, provingCloud } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { confirmed } from '../confirm.js';
import { FAILED, OK } from '../exit-codes.js';
import { shown } from '../forged-claims.js';
import { writeJson } from '../output.js';
import { policyOf } from '../region-flags.js';
import { writeLines } from '../terminal.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  legacy: { type: 'boolean', help: 'prove sessions made before ownership proofs (claim tags, no proof) that match their rule' },
  session: { type: 'string', multiple: true, value: 'tms-…', help: "this session (with --legacy, default: every session claiming to be automirror's)" },
  'all-matching': { type: 'boolean', help: 'take over every session of the region that claims nothing and matches a rule' },
  force: { type: 'boolean', help: "also take over sessions carrying Terraform's trace (a managed-by=terraform tag)" },
  policy: { type: 'string', value: 'FILE', help: 'the policy whose rules the sessions must match (default: AUTOMIRROR_POLICY, else AUTOMIRROR_POLICY_FILE, else ./policy.yaml)' },
  'created-before': { type: 'string', value: 'ISO', help: 'only sessions created before this time (never later than the proof grace ago)' },
  yes: { type: 'boolean', help: 'write without asking' },
} as const satisfies FlagSpecs;

type Say = (line: string) => void;

/** The cutoff: --created-before when given, never later than the proof grace ago (a claim that fresh may be anyone's). */
function cutoffOf(createdBefore: string | undefined): number {
  const graceAgo = Date.now() - PROOF_GRACE_MS;
  if (createdBefore === undefined) return graceAgo;
  const t = /^\d{4}-\d{2}-\d{2}T/.test(createdBefore) ? Date.parse(createdBefore) : Number.NaN;
  if (Number.isNaN(t)) throw new UsageError(`--created-before: "${shown(createdBefore, 40)}" is not an ISO 8601 time (e.g. 2026-01-01T00:00:00Z)`);
  return Math.min(t, graceAgo);
}

/**
 * The migration for sessions made before ownership proofs: they carry automirror's claim tags only, so they read as
 * forged claims and are left alone. This lists the claimed sessions of the region (or the one --session names),
 * says for each whether it would be proven (no proof, older than the cutoff, what its rule would make, every source
 * opted in under that rule) and why not, and
 * with --yes (or a confirmation at a terminal) writes their proof tags, one TagResources each. With --json the
 * verdicts and what was written are one document on stdout, the lines above go to stderr.
 */
export async function adoptCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.legacy && (values['all-matching'] || values.force)) throw new UsageError('--legacy takes neither --all-matching nor --force');
  if (values.legacy) return legacyRun(values);
  if (values['created-before'] !== undefined) throw new UsageError('--created-before goes with --legacy');
  if (!values.session === !values['all-matching']) throw new UsageError('say which sessions: --session tms-… or --all-matching (or --legacy for sessions from before proofs)');
  return takeOverRun(values);
}

type Values = FlagValues<typeof FLAGS>;

/**
 * What both kinds of adoption start from: the proving cloud, the policy and its specs, where lines go (with --json
 * they are the log, on stderr, and the document at the end is stdout's), and the sessions --session names (each
 * missing one said) or, without it, those `query` lists.
 */
async function opening(values: Values, query: SessionQuery) {
  const cloud = provingCloud(popCloudFromFlags(values));
  const policy = policyOf(values.policy);
  const specs = new Map(policy.rules.map((r) => [r.name, r.spec]));
  const { vpc, ecs } = engineAdapters(cloud);
  const json = values.json === true;
  const out: Say = (line) => writeLines([line], json ? process.stderr : process.stdout);
  const listed = await vpc.list(values.session ? { sessionIds: values.session } : query);
  const notFound = (values.session ?? []).filter((id) => !listed.some((s) => s.id === id));
  for (const id of notFound) out(`not found ${shown(id)}`);
  return { cloud, policy, specs, vpc, ecs, json, out, listed, notFound };
}

async function legacyRun(values: Values): Promise<number> {
  const cutoff = cutoffOf(values['created-before']);
  const { cloud, policy, specs, vpc, ecs, json, out, listed: sessions, notFound } = await opening(values, { tags: { [OWNER_TAG]: OWNER_VALUE } });
  const live = sessions.filter((s) => s.status !== 'Deleting');
  const { decisions } = await readSourceView(policy, live, ecs, cloud.regionId);
  const chosen = live.map((s) => ({ s, a: legacyAdoption(s, specs, { cutoff, decisions }) }));
  for (const { s, a } of chosen) out(`${a.adopt ? 'prove   ' : 'skip    '} ${shown(s.id)}: ${shown(a.reason, 200)}`);
  const toProve = chosen.filter((c) => c.a.adopt);
  out(`${toProve.length} of ${chosen.length} claimed session(s) would be proven`);
  const write = toProve.length > 0 && (values.yes === true || (await confirmed(`write ${toProve.length} proof(s)?`, out, json)));
  const proven: string[] = [];
  const failed: { sessionId: string; message: string }[] = [];
  for (const { s } of write ? toProve : []) {
    try {
      await vpc.prove(s.id, s.tags);
      proven.push(s.id);
      out(`proven   ${shown(s.id)}`);
    } catch (err) {
      failed.push({ sessionId: s.id, message: (err as Error).message });
      out(`failed   ${shown(s.id)}: ${shown((err as Error).message, 200)}`);
    }
  }
  const verdicts = chosen.map(({ s, a }) => ({ sessionId: s.id, adopt: a.adopt, reason: a.reason }));
  if (json) writeJson({ regionId: cloud.regionId, notFound, sessions: verdicts, written: write, proven, failed });
  return failed.length > 0 ? FAILED : OK;
}

/**
 * Takes over sessions made by hand (or by Terraform, with --force) that match a rule: lists each with the rule it
 * would be and the updates that bring it there (or why not), and with --yes (or a confirmation at a terminal) makes
 * the updates, then writes automirror's claim and its proof in one TagResources. From then on the session is
 * automirror's like any it created; `automirror release` hands it back.
 */
async function takeOverRun(values: Values): Promise<number> {
  const { cloud, policy, specs, vpc, ecs, json, out, listed, notFound } = await opening(values, {});
  // --all-matching looks only at sessions that claim nothing; --session names one, which is judged whatever it is.
  const sessions = values.session ? listed : listed.filter((s) => s.ownership.verdict === 'none');
  const view = await readSourceView(policy, sessions, ecs, cloud.regionId);
  const chosen = sessions.map((s) => ({ s, t: takeOver(s, specs, view, { force: values.force === true }) }));
  for (const { s, t } of chosen) out(`${t.adopt ? 'adopt   ' : 'skip    '} ${shown(s.id)}: ${shown(t.reason, 300)}`);
  const toAdopt = chosen.filter((c): c is { s: Session; t: Extract<TakeOver, { adopt: true }> } => c.t.adopt);
  out(`${toAdopt.length} of ${chosen.length} session(s) would be adopted`);
  const write = toAdopt.length > 0 && (values.yes === true || (await confirmed(`adopt ${toAdopt.length} session(s)?`, out, json)));
  const adopted: string[] = [];
  const failed: { sessionId: string; message: string }[] = [];
  const runId = `adopt-${randomUUID()}`;
  for (const { s, t } of write ? toAdopt : []) {
    try {
      // One update for every field: a session is Modifying after one, and refuses the next until it is Created again.
      const set = Object.assign({}, ...t.changes.map((c) => c.set));
      if (t.changes.length > 0) await vpc.update(s.id, set, clientToken(runId, 'UpdateTrafficMirrorSessionAttribute', { id: s.id, ...set }));
      await vpc.claim(s.id, t.tags);
      adopted.push(s.id);
      out(`adopted  ${shown(s.id)} (rule ${shown(t.rule)})`);
    } catch (err) {
      failed.push({ sessionId: s.id, message: (err as Error).message });
      out(`failed   ${shown(s.id)}: ${shown((err as Error).message, 200)}`);
    }
  }
  const verdicts = chosen.map(({ s, t }) => ({ sessionId: s.id, adopt: t.adopt, reason: t.reason, ...(t.adopt && { rule: t.rule, changes: t.changes.map((c) => c.change) }) }));
  if (json) writeJson({ regionId: cloud.regionId, notFound, sessions: verdicts, written: write, adopted, failed });
  return failed.length > 0 ? FAILED : OK;
}

export const command: CommandSpec = {
  name: 'adopt',
  summary: 'takes over existing sessions that match a rule (or proves those from before ownership proofs)',
  description: [
    'adopt --session tms-… or --all-matching takes over sessions made by hand that match a rule: every source opted in',
    "under one rule, the session in the rule's layout, target pool and priority band. It lists each with the rule and",
    'the updates (filter, VNI, enabled, packet length, name) that bring it there, or why not; with --yes, or a',
    "confirmation at a terminal, it makes the updates and writes automirror's claim and proof. Sessions carrying",
    "Terraform's trace (a managed-by=terraform tag) are skipped unless --force. automirror release hands one back.",
    "adopt --legacy instead proves sessions made before ownership proofs (automirror's claim tags, no proof) that",
    'match their rule and are older than the cutoff.',
  ].join('\n'),
  usage:
    'automirror adopt --region R --account-id ID (--session tms-… | --all-matching | --legacy [--session tms-…] [--created-before ISO]) [--force] [--policy FILE] [--yes] [--profile NAME] [--endpoint HOST:PORT]',
  flags: FLAGS,
  examples: [
    { command: 'automirror adopt --all-matching --region cn-hangzhou --account-id 1234567890123456', what: 'lists the sessions made by hand that match a rule, and the updates; asks before writing' },
    { command: 'automirror adopt --legacy --region cn-hangzhou --account-id 1234567890123456', what: 'lists what would be proven and why not the others; asks before writing' },
  ],
  run: adoptCommand,
};
