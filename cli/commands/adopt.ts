import { createInterface } from 'node:readline/promises';
import { PROOF_GRACE_MS } from '../../shared/cloud/ownership-proof.js';
import type { Eni, Instance, Session } from '../../shared/domain.js';
import { legacyAdoption } from '../../shared/engine/adopt.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { OWNER_TAG, OWNER_VALUE } from '../../shared/engine/ownership.js';
import { type Decision, evaluate } from '../../shared/policy/evaluate.js';
import type { Policy } from '../../shared/policy/types.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
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
  legacy: { type: 'boolean', help: 'required: adopt proves sessions made before ownership proofs, and nothing else' },
  session: { type: 'string', multiple: true, value: 'tms-…', help: "only this session (default: every session claiming to be automirror's)" },
  policy: { type: 'string', value: 'FILE', help: 'the policy whose rules the sessions must match (default: AUTOMIRROR_POLICY, else AUTOMIRROR_POLICY_FILE, else ./policy.yaml)' },
  'created-before': { type: 'string', value: 'ISO', help: 'only sessions created before this time (never later than the proof grace ago)' },
  yes: { type: 'boolean', help: 'write the proofs without asking' },
} as const satisfies FlagSpecs;

type Say = (line: string) => void;

/** Asked at a terminal only, and never with --json (stdout is the document's): elsewhere --yes is the answer. */
async function confirmed(count: number, say: Say, json: boolean): Promise<boolean> {
  if (!process.stdin.isTTY || json) {
    say('nothing written: run again with --yes to write these proofs');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`write ${count} proof(s)? [y/N] `)).trim());
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

/** The policy's decision for every source of `sessions` it could read (an unread one has none: not adopted). */
async function sourceDecisions(policy: Policy, sessions: readonly Session[], ecs: ReturnType<typeof engineAdapters>['ecs'], regionId: string): Promise<Map<string, Decision>> {
  const ids = [...new Set(sessions.flatMap((s) => s.sourceIds))].sort();
  if (ids.length === 0) return new Map();
  const enis: Eni[] = await ecs.enis({ eniIds: ids }).catch(() => []);
  const instanceIds = [...new Set(enis.flatMap((e) => (e.instanceId ? [e.instanceId] : [])))];
  const instances = new Map((instanceIds.length > 0 ? await ecs.instances(instanceIds).catch((): Instance[] => []) : []).map((i) => [i.id, i]));
  return new Map(enis.map((e) => [e.id, evaluate(policy, e, e.instanceId ? instances.get(e.instanceId) : undefined, regionId)]));
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
  if (!values.legacy) throw new UsageError('--legacy is required: adopt proves sessions made before ownership proofs, and nothing else');
  const cutoff = cutoffOf(values['created-before']);
  const cloud = provingCloud(popCloudFromFlags(values));
  const policy = policyOf(values.policy);
  const specs = new Map(policy.rules.map((r) => [r.name, r.spec]));
  const { vpc, ecs } = engineAdapters(cloud);
  // With --json these lines are the log (stderr) and the document, at the end, is stdout's.
  const json = values.json === true;
  const out: Say = (line) => writeLines([line], json ? process.stderr : process.stdout);
  const sessions = values.session ? await vpc.list({ sessionIds: values.session }) : await vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE } });
  const notFound = (values.session ?? []).filter((id) => !sessions.some((s) => s.id === id));
  for (const id of notFound) out(`not found ${shown(id)}`);
  const live = sessions.filter((s) => s.status !== 'Deleting');
  const decisions = await sourceDecisions(policy, live, ecs, cloud.regionId);
  const chosen = live.map((s) => ({ s, a: legacyAdoption(s, specs, { cutoff, decisions }) }));
  for (const { s, a } of chosen) out(`${a.adopt ? 'prove   ' : 'skip    '} ${shown(s.id)}: ${shown(a.reason, 200)}`);
  const toProve = chosen.filter((c) => c.a.adopt);
  out(`${toProve.length} of ${chosen.length} claimed session(s) would be proven`);
  const write = toProve.length > 0 && (values.yes === true || (await confirmed(toProve.length, out, json)));
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

export const command: CommandSpec = {
  name: 'adopt',
  summary: 'proves sessions made before ownership proofs that match their rule',
  description: [
    "Sessions made before ownership proofs carry automirror's claim tags only, so they read as forged claims and are",
    'left alone. adopt --legacy lists the claimed sessions of the region (or those --session names) and says for each',
    'whether it would be proven (no proof, older than the cutoff, what its rule would make, every source opted in)',
    'and why not; with --yes, or a confirmation at a terminal, it writes their proof tags.',
  ].join('\n'),
  usage: 'automirror adopt --legacy --region R --account-id ID [--session tms-…] [--created-before ISO] [--policy FILE] [--yes] [--profile NAME] [--endpoint HOST:PORT]',
  flags: FLAGS,
  examples: [{ command: 'automirror adopt --legacy --region cn-hangzhou --account-id 1234567890123456', what: 'lists what would be proven and why not the others; asks before writing' }],
  run: adoptCommand,
};
