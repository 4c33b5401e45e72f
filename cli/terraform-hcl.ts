import type { Session } from '../shared/domain.js';

/**
 * Sessions as Terraform configuration: an `import` block (Terraform ≥ 1.5) and an `alicloud_vpc_traffic_mirror_session`
 * resource block each, with the arguments as the resource documents them
 * (registry.terraform.io/providers/aliyun/alicloud/latest/docs/resources/vpc_traffic_mirror_session). Written by hand:
 * HCL has no serialiser on npm that is kept up (the parser the tests use, @cdktf/hcl2json, only reads), and the
 * subset needed is strings, numbers, booleans, lists and one map.
 */

/** The resource type, and the provider version that documents every argument written (tags, packet_length, resource_group_id). */
export const RESOURCE_TYPE = 'alicloud_vpc_traffic_mirror_session';
export const PROVIDER_VERSION = '1.206.0';

/**
 * Tags of automirror's own (ownership claim, rule, instance, proof) are left out: Terraform's `tags` is the whole map,
 * so applying the export removes them, and that is the hand-over (README, "Terraform").
 */
const OURS = /^automirror:/;

/**
 * A quoted HCL string whose value is exactly `s`: the escapes of HCL's quoted templates, `$${` and `%%{` so no
 * template sequence is interpolated, and every control, separator and bidi character as `\uNNNN`, so the file reads
 * the same in any editor or terminal (a hostile name can't hide or reorder what follows it).
 */
export function hclString(s: string): string {
  const body = s
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200B-\u200F\u061C\u202A-\u202E\u2066-\u2069\uFEFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, '%%{');
  return `"${body}"`;
}

/** A resource name: HCL identifiers take letters, digits, `_` and `-` and start with a letter or `_`. */
function nameOf(id: string, taken: Set<string>): string {
  const base = `tms_${id.replace(/^tms-/, '').replace(/[^A-Za-z0-9_-]/g, '_')}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

type Value = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

function hclValue(v: Value, indent: string): string {
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(hclString).join(', ')}]`;
  const entries = Object.entries(v as Record<string, string>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${indent}  ${hclString(k)} = ${hclString(x)}`).join('\n')}\n${indent}}`;
}

/** The documented arguments of one session, in the documentation's order; `dry_run` is a request flag, not state. */
export function argumentsOf(s: Session): Array<[string, Value]> {
  const tags = Object.fromEntries(
    Object.entries(s.tags)
      .filter(([k]) => !OURS.test(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const args: Array<[string, Value | undefined]> = [
    ['enabled', s.enabled],
    ['packet_length', s.packetLength],
    ['priority', s.priority],
    ['resource_group_id', s.resourceGroupId],
    ['tags', tags],
    ['traffic_mirror_filter_id', s.filterId],
    ['traffic_mirror_session_description', s.description],
    ['traffic_mirror_session_name', s.name || undefined],
    ['traffic_mirror_source_ids', [...s.sourceIds].sort()],
    ['traffic_mirror_target_id', s.target.id],
    ['traffic_mirror_target_type', s.target.kind],
    ['virtual_network_id', s.vni],
  ];
  return args.filter((a): a is [string, Value] => a[1] !== undefined);
}

export interface ExportHeader {
  readonly regionId: string;
  readonly accountId: string;
}

/** The whole file: a header saying what it is and how to use it, then each session's import and resource blocks. */
export function terraformOf(sessions: readonly Session[], header: ExportHeader): string {
  const taken = new Set<string>();
  const sorted = [...sessions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const blocks = sorted.map((s) => {
    const name = nameOf(s.id, taken);
    const args = argumentsOf(s);
    const width = Math.max(...args.map(([k]) => k.length));
    return [
      'import {',
      `  to = ${RESOURCE_TYPE}.${name}`,
      `  id = ${hclString(s.id)}`,
      '}',
      '',
      `resource "${RESOURCE_TYPE}" "${name}" {`,
      ...args.map(([k, v]) => `  ${k.padEnd(width)} = ${hclValue(v, '  ')}`),
      '}',
    ].join('\n');
  });
  const head = [
    `# automirror export terraform: ${sorted.length} traffic mirror session(s) automirror owns in ${header.regionId}, account ${header.accountId}.`,
    `# Needs Terraform >= 1.5 (import blocks) and the aliyun/alicloud provider >= ${PROVIDER_VERSION}, region ${header.regionId}.`,
    "# automirror's own tags (automirror:*) are left out: the first terraform apply removes them, and from then on",
    '# Terraform owns these sessions and automirror leaves them alone. Take their ENIs out of the policy in the same',
    '# change (README, "Terraform"): never let both manage one session.',
  ];
  return `${[head.join('\n'), ...blocks].join('\n\n')}\n`;
}
