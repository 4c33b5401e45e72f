import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { PROOF_GRACE_MS } from '../../shared/cloud/ownership-proof.js';
import type { SessionQuery } from '../../shared/cloud/vpc.js';
import type { Eni, Instance, Session } from '../../shared/domain.js';
import { legacyAdoption } from '../../shared/engine/adopt.js';
import { clientToken } from '../../shared/engine/apply.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { OWNER_TAG, OWNER_VALUE } from '../../shared/engine/ownership.js';
import { type SourceView, type TakeOver, takeOver } from '../../shared/engine/take-over.js';
import { type Decision, evaluate } from '../../shared/policy/evaluate.js';
import type { Policy } from '../../shared/policy/types.js';
import { COMMON_FLAGS, type FlagValues, parseFlags, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags, provingCloud } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
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

/** Asked at a terminal only, and never with --json (stdout is the document's): elsewhere --yes is the answer. */
async function confirmed(question: string, say: Say, json: boolean): Promise<boolean> {
  if (!process.stdin.isTTY || json) {
    say('nothing written: run again with --yes to write');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** The cutoff: --created-before when given, never later than the proof grace ago (a claim that fresh may be anyone's). */
function cutoffOf(createdBefore: string | undefined): number {
  const graceAgo = Date.now() - PROOF_GRACE_MS;
  if (createdBefore === undefined) return graceAgo;
  const t = /^\d{4}-\d{2}-\d{2}T/.test(createdBefore) ? Date.parse(createdBefore) : Number.NaN;
  if (Number.isNaN(t)) throw new UsageError(`--created-before: "${shown(createdBefore, 40)}" is not an ISO 8601 time (e.g. 2026-01-01T00:00:00Z)`);
  return Math.min(t, graceAgo);
}

/** Every source of `sessions` that could be read, and the policy's decision for it (an unread one has none: not adopted). */
async function sourceView(policy: Policy, sessions: readonly Session[], ecs: ReturnType<typeof engineAdapters>['ecs'], regionId: string): Promise<SourceView> {
  const ids = [...new Set(sessions.flatMap((s) => s.sourceIds))].sort();
  if (ids.length === 0) return { enis: new Map(), decisions: new Map() };
  const enis: Eni[] = await ecs.enis({ eniIds: ids }).catch(() => []);
  const instanceIds = [...new Set(enis.flatMap((e) => (e.instanceId ? [e.instanceId] : [])))];
  const instances = new Map((instanceIds.length > 0 ? await ecs.instances(instanceIds).catch((): Instance[] => []) : []).map((i) => [i.id, i]));
  const decisions = new Map<string, Decision>(enis.map((e) => [e.id, evaluate(policy, e, e.instanceId ? instances.get(e.instanceId) : undefined, regionId)]));
  return { enis: new Map(enis.map((e) => [e.id, e])), decisions };
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
  const { decisions } = await sourceView(policy, live, ecs, cloud.regionId);
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
  const view = await sourceView(policy, sessions, ecs, cloud.regionId);
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
