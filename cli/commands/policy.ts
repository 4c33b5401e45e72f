import type { MirrorSpec } from '../../shared/domain.js';
import { loadPolicyFile, PolicyError } from '../../shared/policy/load.js';
import { describe, q } from '../../shared/policy/selector.js';
import type { Policy, Rule } from '../../shared/policy/types.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { writeErrorLines, writeLines } from '../terminal.js';

/** `policy check FILE`: every problem of the policy and exit 1, or a short summary of what it does and exit 0. */
export async function policyCommand(argv: string[]): Promise<number> {
  const { positionals } = parseFlags(argv, COMMON_FLAGS);
  const [sub, file, ...extra] = positionals;
  if (sub !== 'check') throw new UsageError(sub === undefined ? 'expected a subcommand: check' : `unknown subcommand "${sub}"`);
  if (file === undefined || extra.length > 0) throw new UsageError('expected exactly one FILE');
  let policy: Policy;
  try {
    policy = loadPolicyFile(file);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    writeErrorLines([...err.problems, `${file}: refused, ${err.count} problem${err.count > 1 ? 's' : ''}; nothing in it would be applied`]);
    return 1;
  }
  writeLines(summary(file, policy));
  return 0;
}

function summary(file: string, policy: Policy): string[] {
  const o = policy.optOut;
  return [
    `${file}: OK, ${policy.rules.length} rule${policy.rules.length > 1 ? 's' : ''}, evaluated in order (the first match wins)`,
    `  opt-out: ${o ? `tag ${q(o.tag)}${o.value === undefined ? ' (any value)' : `=${q(o.value)}`}, on the ENI or its instance, always wins` : 'none'}`,
    `  sources per session: ${policy.quotas.sourcesPerSession}`,
    ...policy.rules.flatMap((r, i) => [`  ${i + 1}. ${r.name}: ${selects(r)}`, `     priority ${r.spec.priorityBand.min}–${r.spec.priorityBand.max} → ${mirrors(r.spec)}`]),
  ];
}

function selects(r: Rule): string {
  const { tags, scope, enis } = r.match;
  const scoped = Object.entries(scope).map(([dim, values]) => `${dim} ${values.join(', ')}`);
  return [tags ? describe(tags) : 'any tags', ...scoped, enis === 'primary' ? 'primary ENIs only' : 'all ENIs'].join('; ');
}

function mirrors(s: MirrorSpec): string {
  const targets = s.targets.map((t) => `${t.target.kind} ${t.target.id} (${t.capacity} sources${t.zoneId ? `, ${t.zoneId}` : ''})`).join(', ');
  const layout = s.layout.kind === 'per-eni' ? 'one session per ENI' : `pooled sessions of up to ${s.layout.maxSources} ENIs`;
  const vni = s.vni === undefined ? 'VNI chosen by the cloud' : `VNI ${s.vni}`;
  return [targets, `filter ${s.filterId}`, layout, vni, `packets ${s.packetLength} bytes`, s.enabled ? 'enabled' : 'DISABLED'].join('; ');
}

export const command: CommandSpec = {
  name: 'policy',
  summary: 'validates a policy file; every problem with file, line and field',
  description: [
    'policy check FILE reads the policy as the functions do and either lists every problem (file, line, field) and',
    'exits 1, nothing in it applied, or summarises what it does: the opt-out, each rule in order, what it mirrors where.',
  ].join('\n'),
  usage: 'automirror policy check FILE',
  flags: COMMON_FLAGS,
  subcommands: [{ name: 'check', summary: 'validate FILE and summarise it, or list every problem (exit 1)' }],
  examples: [{ command: 'automirror policy check policy.yaml', what: 'checks the repo policy' }],
  run: policyCommand,
};
