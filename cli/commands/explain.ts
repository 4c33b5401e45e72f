import { OWN_ACCOUNT } from '../../shared/domain.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { ensure } from '../../shared/engine/ensure.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { OK } from '../exit-codes.js';
import { explanation, explanationLines, found } from '../explanation.js';
import { Failure } from '../failure.js';
import { writeResult } from '../output.js';
import { policyOf, RUN_FLAGS } from '../region-flags.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  policy: RUN_FLAGS.policy,
} as const satisfies FlagSpecs;

/**
 * Why an ENI (or each ENI of an instance) is or isn't mirrored, by which rule, and what the engine would do: the
 * policy's per-rule trace, the sessions on the ENI, and a dry-run plan (--json: as one document). Reads only;
 * writes nothing. One that does not exist is a failure (exit 1). Credentials as every cloud command takes them.
 */
export async function explainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  const id = positionals[0];
  if (!id || !/^(i|eni)-[a-z0-9]+$/.test(id)) throw new UsageError('ENI_OR_INSTANCE_ID is required: eni-… or i-…');
  const cloud = popCloudFromFlags(values);
  const regionId = cloud.regionId;
  const policy = policyOf(values.policy);
  const instance = id.startsWith('i-');
  // The account ownership proofs are checked in (--account-id or ALIBABA_CLOUD_ACCOUNT_ID) is the subject's too.
  const subject = { accountId: cloud.ownership?.accountId || OWN_ACCOUNT, regionId, instanceIds: instance ? [id] : [], eniIds: instance ? [] : [id], cause: `automirror explain ${id}` };
  const result = await ensure(subject, { policy, ...engineAdapters(cloud) }, { runId: 'explain', dryRun: true });
  if (!found(result)) {
    const pending = result.actions.length;
    throw new Failure(`${id} does not exist in ${regionId}${pending > 0 ? `; sessions still name it: automirror plan shows the ${pending} change(s) a reconcile makes` : ''}`, 'NotFound');
  }
  writeResult(values.json, explanation(id, result, policy, Date.now()), explanationLines);
  return OK;
}

export const command: CommandSpec = {
  name: 'explain',
  summary: "why an ENI (or each ENI of an instance) is or isn't mirrored, by which rule, and what the engine would do",
  description: [
    "The policy's trace rule by rule (the tags it saw and where from, each rule's verdict, any opt-out), the sessions",
    'on the ENI, and what the engine would do: a dry run of the same code the functions run. Reads only.',
  ].join('\n'),
  usage: 'automirror explain ENI_OR_INSTANCE_ID --region R [--policy FILE] [--account-id ID] [--profile NAME] [--endpoint HOST:PORT]',
  flags: FLAGS,
  examples: [{ command: 'automirror explain i-web01 --region cn-hangzhou', what: 'why each ENI of i-web01 is or is not mirrored under ./policy.yaml' }],
  run: explainCommand,
};
