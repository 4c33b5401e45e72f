import { readFileSync } from 'node:fs';
import type { MirrorSpec } from '../../shared/domain.js';
import { policySchema } from '../../shared/policy/json-schema.js';
import { fieldOf, PolicyError, parsePolicy } from '../../shared/policy/load.js';
import { describe, q } from '../../shared/policy/selector.js';
import type { Policy, Rule } from '../../shared/policy/types.js';
import { defuseJson } from '../../shared/report/text.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { FAILED, OK } from '../exit-codes.js';
import { Failure } from '../failure.js';
import { writeErrorLines, writeLines } from '../terminal.js';

const SUBCOMMANDS = [
  { name: 'check', summary: 'validate FILE and summarise it, or list every problem (exit 1)' },
  { name: 'schema', summary: 'print the JSON Schema of the policy format (policy.schema.json)' },
] as const;

const json = (doc: unknown): void => {
  process.stdout.write(`${defuseJson(JSON.stringify(doc, null, 2))}\n`);
};

/** `policy check FILE`, `policy schema`. */
export async function policyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, COMMON_FLAGS);
  const [sub, ...rest] = positionals;
  if (sub === 'schema') {
    if (rest.length > 0) throw new UsageError('schema takes no FILE');
    json(policySchema);
    return OK;
  }
  if (sub !== 'check') throw new UsageError(sub === undefined ? `expected a subcommand: ${SUBCOMMANDS.map((s) => s.name).join(', ')}` : `unknown subcommand "${sub}"`);
  const [file, ...extra] = rest;
  if (file === undefined || extra.length > 0) throw new UsageError('expected exactly one FILE');
  return check(file, values.json === true);
}

/** A file that can't be read is a failure as any other (exit 1, Node's code in --json), not a problem of a policy. */
function readPolicyText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Failure(`cannot read ${file}: ${(err as Error).message}`, (err as { code?: string }).code ?? 'Unreadable');
  }
}

/** Every problem of the policy and exit 1, or a short summary of what it does and exit 0; with --json, the verdict. */
function check(file: string, asJson: boolean): number {
  const text = readPolicyText(file);
  let policy: Policy;
  try {
    policy = parsePolicy(text, file);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    if (asJson)
      json({
        file,
        valid: false,
        count: err.count,
        problems: err.listed.map(({ line, col, path, message }) => ({ ...(line !== undefined && { line, col }), ...(path && { field: fieldOf(path), path }), message })),
      });
    else writeErrorLines([...err.problems, `${file}: refused, ${err.count} problem${err.count > 1 ? 's' : ''}; nothing in it would be applied`]);
    return FAILED;
  }
  if (asJson) json({ file, valid: true, count: 0, problems: [], rules: policy.rules.map((r) => r.name) });
  else writeLines(summary(file, policy));
  return OK;
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
  summary: 'validates a policy file; every problem with file, line and field; prints the policy JSON Schema',
  description: [
    'policy check FILE reads the policy as the functions do and either lists every problem (file, line, field) and',
    'exits 1, nothing in it applied, or summarises what it does: the opt-out, each rule in order, what it mirrors where.',
    'With --json, the verdict as one document: valid, count and each problem with line, col, field, path and message.',
    'policy schema prints the JSON Schema of the format (policy.schema.json, for editors); what only policy check',
    'catches (duplicate rule names, overlapping bands, comparisons between fields) is in its description.',
  ].join('\n'),
  usage: 'automirror policy check FILE [--json] | automirror policy schema',
  flags: COMMON_FLAGS,
  subcommands: SUBCOMMANDS,
  examples: [
    { command: 'automirror policy check policy.yaml', what: 'checks the repo policy' },
    { command: 'automirror policy check policy.yaml --json', what: 'the verdict as JSON, for CI' },
    { command: 'automirror policy schema > policy.schema.json', what: 'the schema editors check the policy with' },
  ],
  run: policyCommand,
};
