import { writeFileSync } from 'node:fs';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { isOwned, OWNER_TAG, OWNER_VALUE, unprovenClaim } from '../../shared/engine/ownership.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags, provingCloud } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { OK } from '../exit-codes.js';
import { shown } from '../forged-claims.js';
import { writeJson } from '../output.js';
import { writeLines } from '../terminal.js';
import { terraformOf } from '../terraform-hcl.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  out: { type: 'string', value: 'FILE', help: 'write the configuration to FILE (default: stdout)' },
} as const satisfies FlagSpecs;

const FORMATS = ['terraform'] as const;

/**
 * `automirror export terraform`: the sessions automirror owns in one region (proven, not being deleted) as Terraform
 * `import` and resource blocks, for teams that freeze them into Terraform. Reads only. A claimed session whose proof
 * does not verify is not automirror's and is left out, with why on stderr. With --json: one document (the file's
 * text in `hcl` unless --out wrote it).
 */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  const [format, extra] = positionals;
  if (format === undefined) throw new UsageError(`a format is required: ${FORMATS.join(', ')}`);
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${shown(format, 40)}": ${FORMATS.join(', ')}`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${shown(extra, 40)}"`);
  if (values.out === '') throw new UsageError('--out needs a file name');
  const cloud = provingCloud(popCloudFromFlags(values));
  // provingCloud refused to go on without it.
  const accountId = cloud.ownership?.accountId ?? '';
  const claimed = await engineAdapters(cloud).vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE } });
  const owned = claimed.filter((s) => isOwned(s) && s.status !== 'Deleting');
  const left = claimed.flatMap((s) => {
    const claim = unprovenClaim(s);
    if (claim) return [{ sessionId: s.id, why: `not automirror's: ${claim.why}` }];
    return s.status === 'Deleting' ? [{ sessionId: s.id, why: 'being deleted' }] : [];
  });
  const hcl = terraformOf(owned, { regionId: cloud.regionId, accountId });
  const json = values.json === true;
  const notes = [...left.map((l) => `left out ${l.sessionId}: ${l.why}`), `${owned.length} session(s) automirror owns in ${cloud.regionId}${values.out ? ` written to ${values.out}` : ''}`];
  if (values.out) writeFileSync(values.out, hcl);
  if (json) {
    writeLines(notes, process.stderr);
    writeJson({ format, regionId: cloud.regionId, accountId, sessions: owned.map((s) => s.id), left, ...(values.out ? { file: values.out } : { hcl }) });
  } else if (values.out) {
    writeLines(notes);
  } else {
    // The text is the configuration: notes go to stderr so `> file.tf` keeps only it. Every hostile character in it is escaped (terraform-hcl.ts).
    writeLines(notes, process.stderr);
    process.stdout.write(hcl);
  }
  return OK;
}

export const command: CommandSpec = {
  name: 'export',
  summary: 'writes the sessions automirror owns as Terraform import and resource blocks',
  description: [
    'export terraform reads the sessions automirror owns in one region (their ownership proven) and writes an import',
    'block and an alicloud_vpc_traffic_mirror_session resource block for each, with every argument the resource',
    "documents. automirror's own tags are left out, so the first terraform apply hands the sessions to Terraform;",
    'take their ENIs out of the policy in the same change. Reads only.',
  ].join('\n'),
  usage: 'automirror export terraform --region R --account-id ID [--out FILE] [--json] [--profile NAME] [--endpoint HOST:PORT]',
  flags: FLAGS,
  subcommands: [{ name: 'terraform', summary: 'Terraform (>= 1.5) import and resource blocks' }],
  examples: [{ command: 'automirror export terraform --region cn-hangzhou --account-id 1234567890123456 --out mirror.tf', what: 'the owned sessions of cn-hangzhou, ready for terraform plan' }],
  run: exportCommand,
};
