import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Policy, Rule } from './types.js';

export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid policy ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Parses and validates a policy document (YAML or JSON); every problem is listed and nothing partial is returned. */
export function parsePolicy(text: string, source = 'policy'): Policy {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new PolicyError(source, [(err as Error).message]);
  }
  const problems: string[] = [];
  if (!isObj(doc)) throw new PolicyError(source, ['the document must be a mapping with "version" and "rules"']);
  if (doc.version !== 1) problems.push('version: expected 1');
  const rules: Rule[] = [];
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) problems.push('rules: expected a non-empty list');
  else doc.rules.forEach((r, i) => rules.push(parseRule(r, `rules[${i}]`, problems)));
  let optOut: Policy['optOut'];
  if (doc.optOut !== undefined) {
    if (!isObj(doc.optOut) || typeof doc.optOut.key !== 'string') problems.push('optOut: expected {key, value?}');
    else optOut = { key: doc.optOut.key, value: doc.optOut.value === undefined ? undefined : String(doc.optOut.value) };
  }
  const names = rules.map((r) => r.name);
  names.forEach((n, i) => names.indexOf(n) !== i && problems.push(`rules[${i}].name: "${n}" is used twice`));
  if (problems.length > 0) throw new PolicyError(source, problems);
  return { version: 1, optOut, rules };
}

function parseRule(r: unknown, at: string, problems: string[]): Rule {
  const bad = (msg: string) => problems.push(`${at}.${msg}`);
  const o = isObj(r) ? r : {};
  if (!isObj(r)) problems.push(`${at}: expected a mapping`);
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(o.name)) bad('name: expected 1–63 letters, digits, ".", "_" or "-"');
  const matchTags: Record<string, string> = {};
  if (!isObj(o.matchTags) || Object.keys(o.matchTags).length === 0) bad('matchTags: expected a non-empty mapping of tag key to value');
  else for (const [k, v] of Object.entries(o.matchTags)) matchTags[k] = String(v);
  const m = isObj(o.mirror) ? o.mirror : {};
  if (!isObj(o.mirror)) bad('mirror: expected a mapping');
  const target = isObj(m.target) ? m.target : {};
  const kind = target.slb !== undefined ? 'SLB' : target.eni !== undefined ? 'NetworkInterface' : undefined;
  const targetId = String(target.slb ?? target.eni ?? '');
  if (!kind || !/^(lb|eni)-[a-z0-9]+$/.test(targetId)) bad('mirror.target: expected {slb: lb-…} or {eni: eni-…}');
  if (typeof m.filterId !== 'string' || !m.filterId.startsWith('tmf-')) bad('mirror.filterId: expected tmf-…');
  if (m.vni !== undefined && !isInt(m.vni, 0, 16_777_215)) bad('mirror.vni: expected an integer 0–16777215');
  const packetLength = m.packetLength ?? 1500;
  if (!isInt(packetLength, 64, 8500)) bad('mirror.packetLength: expected an integer 64–8500');
  const p = isObj(m.priority) ? m.priority : {};
  if (!isInt(p.min, 1, 32766) || !isInt(p.max, 1, 32766) || (p.min as number) > (p.max as number)) {
    bad('mirror.priority: expected {min, max} with 1 ≤ min ≤ max ≤ 32766');
  }
  return {
    name: String(o.name),
    matchTags,
    mirror: {
      target: { kind: kind ?? 'SLB', id: targetId },
      filterId: String(m.filterId),
      vni: m.vni as number | undefined,
      packetLength: packetLength as number,
      enabled: m.enabled === undefined ? true : m.enabled === true,
      priority: { min: p.min as number, max: p.max as number },
    },
  };
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(path, [(err as Error).message]);
  }
  return parsePolicy(text, path);
}
