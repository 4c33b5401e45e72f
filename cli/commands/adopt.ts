import { createInterface } from 'node:readline/promises';
import { legacyAdoption } from '../../shared/engine/adopt.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { OWNER_TAG, OWNER_VALUE } from '../../shared/engine/ownership.js';
import { loadPolicyFile } from '../../shared/policy/load.js';
import { policyFromEnv } from '../../shared/policy/source.js';
import { parseFlags, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags, provingCloud } from '../cloud-flags.js';
import { shown } from '../forged-claims.js';
import { writeLines } from '../terminal.js';

export const usage = 'automirror adopt --legacy --region R --account-id ID [--session tms-…] [--policy FILE] [--yes] [--profile NAME] [--endpoint HOST:PORT]';

const out = (s: string) => writeLines([s]);

async function confirmed(count: number): Promise<boolean> {
  if (!process.stdin.isTTY) {
    out('nothing written: run again with --yes to write these proofs');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`write ${count} proof(s)? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * The migration for sessions made before ownership proofs: they carry automirror's claim tags only, so they read as
 * forged claims and are left alone. This lists the claimed sessions of the region (or the one --session names),
 * says for each whether it would be proven (it has no proof and is what its rule would make) and why not, and
 * with --yes (or a confirmation at a terminal) writes their proof tags, one TagResources each.
 */
export async function adoptCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...CLOUD_FLAGS, legacy: { type: 'boolean' }, session: { type: 'string', multiple: true }, policy: { type: 'string' }, yes: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.legacy) throw new UsageError('--legacy is required: adopt proves sessions made before ownership proofs, and nothing else');
  const cloud = provingCloud(popCloudFromFlags(values));
  const policy = values.policy ? loadPolicyFile(values.policy) : policyFromEnv();
  const specs = new Map(policy.rules.map((r) => [r.name, r.spec]));
  const { vpc } = engineAdapters(cloud);
  const sessions = values.session ? await vpc.list({ sessionIds: values.session }) : await vpc.list({ tags: { [OWNER_TAG]: OWNER_VALUE } });
  for (const id of values.session ?? []) if (!sessions.some((s) => s.id === id)) out(`not found ${shown(id)}`);
  const chosen = sessions.filter((s) => s.status !== 'Deleting').map((s) => ({ s, a: legacyAdoption(s, specs) }));
  for (const { s, a } of chosen) out(`${a.adopt ? 'prove   ' : 'skip    '} ${shown(s.id)}: ${shown(a.reason, 200)}`);
  const toProve = chosen.filter((c) => c.a.adopt);
  out(`${toProve.length} of ${chosen.length} claimed session(s) would be proven`);
  if (toProve.length === 0 || !(values.yes || (await confirmed(toProve.length)))) return 0;
  let failed = 0;
  for (const { s } of toProve) {
    try {
      await vpc.prove(s.id, s.tags);
      out(`proven   ${shown(s.id)}`);
    } catch (err) {
      failed++;
      out(`failed   ${shown(s.id)}: ${shown((err as Error).message, 200)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}
