import type { Session } from '../../shared/domain.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { isOwned, RULE_TAG, unprovenClaim } from '../../shared/engine/ownership.js';
import { readSourceView } from '../../shared/engine/source-view.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags, provingCloud } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { confirmed } from '../confirm.js';
import { FAILED, OK } from '../exit-codes.js';
import { shown } from '../forged-claims.js';
import { writeJson } from '../output.js';
import { policyOf } from '../region-flags.js';
import { writeLines } from '../terminal.js';
import { OWNERSHIP_TAG_KEYS, releaseSession } from '../wiring/session-release.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  session: { type: 'string', multiple: true, value: 'tms-…', help: 'required: the session to hand back (repeatable)' },
  policy: { type: 'string', value: 'FILE', help: 'the policy, to say which sources it still opts in (default: AUTOMIRROR_POLICY, else AUTOMIRROR_POLICY_FILE, else ./policy.yaml)' },
  yes: { type: 'boolean', help: 'remove the tags without asking' },
} as const satisfies FlagSpecs;

/** Why a session can't be released: only a session whose proof verifies is automirror's to hand back. */
function notOurs(s: Session): string | undefined {
  if (isOwned(s)) return undefined;
  const claim = unprovenClaim(s);
  return claim ? `its claim of automirror's ownership is not proven (${claim.verdict}): it is not automirror's to hand back` : "it is not automirror's";
}

/**
 * Hands sessions back: removes automirror's ownership tags (claim, rule, instance, proof) from each session --session
 * names that automirror owns, so it claims nothing and automirror never modifies or deletes it again. The session
 * itself and its sources are untouched. Sources the policy still opts in are named: the next reconcile mirrors them
 * with a session of its own (as it would for an ENI mirrored by anyone else's), unless the policy lets them go.
 */
export async function releaseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.session) throw new UsageError('--session tms-… is required: release hands back the sessions it names, and no others');
  const cloud = provingCloud(popCloudFromFlags(values));
  const policy = policyOf(values.policy);
  const { vpc, ecs } = engineAdapters(cloud);
  const json = values.json === true;
  const out = (line: string) => writeLines([line], json ? process.stderr : process.stdout);
  const sessions = await vpc.list({ sessionIds: values.session });
  const notFound = values.session.filter((id) => !sessions.some((s) => s.id === id));
  for (const id of notFound) out(`not found ${shown(id)}`);
  const chosen = sessions.map((s) => ({ s, why: notOurs(s) }));
  for (const { s, why } of chosen) out(`${why ? 'skip    ' : 'release '} ${shown(s.id)}${why ? `: ${why}` : ` (rule ${shown(s.tags[RULE_TAG] ?? '')}, ${s.sourceIds.length} source(s))`}`);
  const toRelease = chosen.filter((c) => !c.why).map((c) => c.s);
  const { decisions } = await readSourceView(policy, toRelease, ecs, cloud.regionId);
  const stillOptedIn = [...decisions.values()].flatMap((d) => ('spec' in d ? [{ eniId: d.eniId, rule: d.spec.rule }] : []));
  for (const o of stillOptedIn)
    out(`note     ${shown(o.eniId)} is still opted in under rule ${shown(o.rule)}: the next reconcile mirrors it with a session of automirror's unless the policy lets it go`);
  const write = toRelease.length > 0 && (values.yes === true || (await confirmed(`release ${toRelease.length} session(s)?`, out, json)));
  const released: string[] = [];
  const failed: { sessionId: string; message: string }[] = [];
  for (const s of write ? toRelease : []) {
    try {
      await releaseSession(cloud, s.id);
      released.push(s.id);
      out(`released ${shown(s.id)}`);
    } catch (err) {
      failed.push({ sessionId: s.id, message: (err as Error).message });
      out(`failed   ${shown(s.id)}: ${shown((err as Error).message, 200)}`);
    }
  }
  if (json) {
    const verdicts = chosen.map(({ s, why }) => ({ sessionId: s.id, release: !why, ...(why && { reason: why }) }));
    writeJson({ regionId: cloud.regionId, notFound, sessions: verdicts, stillOptedIn, written: write, released, failed });
  }
  return failed.length > 0 ? FAILED : OK;
}

export const command: CommandSpec = {
  name: 'release',
  summary: 'hands sessions back: removes automirror’s ownership tags, keeps the session',
  description: [
    `release removes automirror's ownership tags (${OWNERSHIP_TAG_KEYS.join(', ')}) from each session --session names`,
    'that automirror owns; the session and its sources stay as they are, and automirror never modifies or deletes it',
    'again. Sources the policy still opts in are named: the next reconcile mirrors them with a session of its own',
    'unless the policy lets them go. Writes only with --yes or a confirmation at a terminal.',
  ].join('\n'),
  usage: 'automirror release --region R --account-id ID --session tms-… [--policy FILE] [--yes] [--profile NAME] [--endpoint HOST:PORT]',
  flags: FLAGS,
  examples: [{ command: 'automirror release --region cn-hangzhou --account-id 1234567890123456 --session tms-bp1example', what: 'says what it would hand back; asks before writing' }],
  run: releaseCommand,
};
