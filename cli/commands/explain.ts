import { LIMITS, OWN_ACCOUNT, type Session } from '../../shared/domain.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { describeAction } from '../../shared/engine/describe.js';
import { type EnsureResult, ensure } from '../../shared/engine/ensure.js';
import { isOwned, ruleOf, unprovenClaim } from '../../shared/engine/ownership.js';
import { targetLabel } from '../../shared/engine/placement.js';
import { explainEni } from '../../shared/policy/evaluate.js';
import { loadPolicyFile } from '../../shared/policy/load.js';
import type { Policy } from '../../shared/policy/types.js';
import { COMMON_FLAGS, parseFlags, required, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { writeLines } from '../terminal.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  policy: { type: 'string', value: 'FILE', help: 'the policy file to evaluate' },
} as const satisfies FlagSpecs;

/**
 * Why an ENI (or each ENI of an instance) is or isn't mirrored, by which rule, and what the engine would do: the
 * policy's per-rule trace, the sessions on the ENI, and a dry-run plan. Reads only; writes nothing.
 * Credentials as every cloud command takes them (cli/cloud-flags.ts).
 */
export async function explainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  const id = positionals[0];
  if (!id || !/^(i|eni)-[a-z0-9]+$/.test(id)) throw new UsageError('ENI_OR_INSTANCE_ID is required: eni-… or i-…');
  const cloud = popCloudFromFlags(values);
  const regionId = cloud.regionId;
  const policy = loadPolicyFile(required(values.policy, '--policy'));
  const instance = id.startsWith('i-');
  // The account ownership proofs are checked in (--account-id or ALIBABA_CLOUD_ACCOUNT_ID) is the subject's too.
  const subject = { accountId: cloud.ownership?.accountId || OWN_ACCOUNT, regionId, instanceIds: instance ? [id] : [], eniIds: instance ? [] : [id], cause: `automirror explain ${id}` };
  const result = await ensure(subject, { policy, ...engineAdapters(cloud) }, { runId: 'explain', dryRun: true });
  writeLines(render(id, result, policy));
  return 0;
}

function whose(s: Session): string {
  const claim = unprovenClaim(s);
  if (claim) return `claims automirror’s ownership, ${claim.verdict}: ${claim.why} (never modified)`;
  return isOwned(s) ? `rule ${ruleOf(s)}` : 'not owned by automirror (never modified)';
}

const describeSession = (s: Session): string =>
  `${s.id}  ${whose(s)}, priority ${s.priority}, → ${targetLabel(s.target)}, ${s.sourceIds.length} source(s), ${s.enabled ? 'enabled' : 'disabled'}, ${s.status}`;

function render(id: string, r: EnsureResult, policy: Policy): string[] {
  const out: string[] = [];
  const line = (s = '', depth = 0) => out.push(`${'  '.repeat(depth)}${s}`);
  const { enis, instances, goneEnis, goneInstances } = r.observed;
  for (const gone of [...goneInstances, ...goneEnis]) {
    line(`${gone} does not exist in ${r.subject.regionId}`);
    for (const a of r.actions.filter((x) => x.eniIds.includes(gone))) line(describeAction(a), 1);
  }
  if (enis.length === 0 && goneInstances.length + goneEnis.length === 0) line(`${id}: no ENI found in ${r.subject.regionId}`);
  for (const eni of [...enis].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const instance = eni.instanceId ? instances.get(eni.instanceId) : undefined;
    // Judged on the same record of who set any opt-out tag as the dry run's plan was (ActionTrail).
    const x = explainEni(policy, eni, instance, r.subject.regionId, r.attribution?.writes);
    line();
    line(`${eni.id}  (${eni.primary ? 'primary' : 'secondary'}, ${eni.status}, ${eni.zoneId}${eni.instanceId ? `, instance ${eni.instanceId}` : ', not attached'})`);
    line('spec' in x.decision ? `policy: mirrored by rule ${x.decision.spec.rule}` : `policy: not mirrored: ${x.decision.excluded}`, 1);
    if ('spec' in x.decision && x.decision.optOut) line(`opt-out: ${x.decision.optOut.why}`, 2);
    line(`tags seen: ${x.tags.map((t) => `${t.key}=${t.value} (${t.from})`).join(', ') || 'none'}`, 2);
    for (const t of x.rules) line(`rule ${t.rule}: ${t.detail}`, 2);
    const on = r.observed.sessions.filter((s) => s.sourceIds.includes(eni.id));
    line(`sessions on it: ${on.length} of ${LIMITS.sessionsPerEni}`, 1);
    for (const s of on) line(describeSession(s), 2);
    const actions = r.actions.filter((a) => a.eniIds.includes(eni.id));
    const unmirrored = r.unmirrored.filter((u) => u.eniId === eni.id);
    const deferred = r.deferred.filter((d) => d.eniIds.includes(eni.id));
    line(actions.length + unmirrored.length + deferred.length === 0 ? 'the engine would do nothing: it is as the policy wants' : 'the engine would:', 1);
    for (const a of actions) line(describeAction(a), 2);
    for (const u of unmirrored) line(`leave it unmirrored: ${u.reason}`, 2);
    for (const d of deferred) line(`defer it: ${d.reason}`, 2);
  }
  const others = r.actions.filter((a) => !a.eniIds.some((e) => enis.some((x) => x.id === e)));
  if (others.length > 0) {
    line();
    line('other changes the engine would make:');
    for (const a of others) line(describeAction(a), 1);
  }
  return out;
}

export const command: CommandSpec = {
  name: 'explain',
  summary: "why an ENI (or each ENI of an instance) is or isn't mirrored, by which rule, and what the engine would do",
  description: [
    "The policy's trace rule by rule (the tags it saw and where from, each rule's verdict, any opt-out), the sessions",
    'on the ENI, and what the engine would do: a dry run of the same code the functions run. Reads only.',
  ].join('\n'),
  usage: 'automirror explain ENI_OR_INSTANCE_ID --region R --policy FILE [--account-id ID] [--profile NAME] [--endpoint HOST:PORT]',
  flags: FLAGS,
  examples: [{ command: 'automirror explain i-web01 --region cn-hangzhou --policy policy.yaml', what: 'why each ENI of i-web01 is or is not mirrored' }],
  run: explainCommand,
};
