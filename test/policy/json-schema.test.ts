import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CHECK_ONLY } from '../../shared/policy/json-schema.js';
import { PolicyError, parsePolicy } from '../../shared/policy/load.js';

/**
 * policy.schema.json (the published file) and the validator (`policy check`) give the same verdict on the README's
 * examples, the repository's policy files, valid variants of every field and an invalid case for every check; the
 * checks JSON Schema cannot state (CHECK_ONLY) are listed with a case each, refused by the validator only.
 */

const ROOT = new URL('../..', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, ROOT), 'utf8');

// As validate.ts compiles the report's schema; strictRequired can't see properties that an enclosing mapping defines.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
const schema = JSON.parse(read('policy.schema.json'));
const matchesSchema = ajv.compile(schema);

/** The schema's verdict as an editor reaches it: the YAML parsed (as the YAML language server does), then checked. */
function schemaAccepts(text: string): boolean {
  let doc: unknown;
  try {
    doc = parse(text, { logLevel: 'error' });
  } catch {
    return false;
  }
  return matchesSchema(doc);
}

/** The validator's verdict: what `policy check` runs. Problems are its lines, `file:line:col field: message`. */
function validatorProblems(text: string): string[] {
  try {
    parsePolicy(text, 'case.yaml');
    return [];
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
}

type Doc = Record<string, unknown>;
const RULE = { name: 'web', match: { tag: 'env', equals: 'prod' }, mirror: { target: { slb: 'lb-a' }, filter: 'tmf-a', priority: { min: 1000, max: 1999 } } };
const policy = (top: Doc = {}, rule: Doc = {}): Doc => ({ version: 1, rules: [{ ...RULE, ...rule }], ...top });
const withMatch = (match: unknown, top?: Doc) => policy(top, { match });
const withMirror = (mirror: Doc, top?: Doc) => policy(top, { mirror: { ...RULE.mirror, ...mirror } });
const withOptOut = (optOut: unknown) => policy({ optOut });
const withProtected = (p: unknown) => withOptOut({ tag: 'automirror', protected: p });
const rules = (...list: Doc[]): Doc => ({ version: 1, rules: list.map((r) => ({ ...RULE, ...r })) });
const band = (min: number, max: number) => ({ ...RULE.mirror, priority: { min, max } });
/** A chain of `not` `depth` levels above a condition, which sits at that depth. */
const nested = (depth: number): unknown => (depth === 0 ? { tag: 'a', exists: true } : { not: nested(depth - 1) });
const text = (doc: unknown) => (typeof doc === 'string' ? doc : stringify(doc));

const readme = read('README.md');
const policySection = readme.slice(readme.indexOf('## Policy\n'), readme.indexOf('\n## ', readme.indexOf('## Policy\n') + 1));
const readmeExamples = [...policySection.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => [`README.md Policy example ${i + 1}`, m[1]] as const);
const POLICY_FILES = ['policy.yaml'];

const valid: ReadonlyArray<readonly [string, unknown]> = [
  ...readmeExamples,
  ...POLICY_FILES.map((f) => [f, read(f)] as const),
  ['a JSON document', JSON.stringify(policy())],
  [
    'a scope without a tag expression',
    withMatch({ scope: { regions: ['cn-hangzhou'], vpcs: ['vpc-a'], vSwitches: ['vsw-a'], zones: ['cn-hangzhou-h'], instanceTypeFamilies: ['ecs.g7'] }, enis: 'primary' }),
  ],
  ['any, not and prefix beside a scope', withMatch({ any: [{ tag: 'a', prefix: 'x' }, { not: { tag: 'b', exists: false } }], scope: { zones: ['cn-hangzhou-h'] }, enis: 'all' })],
  [
    'all with in and an empty value',
    withMatch({
      all: [
        { tag: 'env', in: ['prod', 'staging'] },
        { tag: 'team', equals: '' },
      ],
    }),
  ],
  ['non-ASCII keys and values', withMatch({ tag: 'équipe', in: ['网络', 'ñ'] })],
  ['a tag key of 128 characters', withMatch({ tag: 'k'.repeat(128), exists: true })],
  ['an expression nested 16 deep', withMatch(nested(16))],
  ['an ENI target at its largest capacity', withMirror({ target: { eni: 'eni-a', capacity: 200 } })],
  ['a CLB target at its largest capacity', withMirror({ target: { slb: 'lb-a', capacity: 500 } })],
  [
    'a pool of CLBs and ENIs with zones',
    withMirror({
      target: undefined,
      pool: [
        { slb: 'lb-a', zone: 'cn-hangzhou-h', capacity: 10 },
        { eni: 'eni-b', zone: 'cn-hangzhou-i' },
      ],
    }),
  ],
  ['VNI 0', withMirror({ vni: 0 })],
  ['VNI 16777215', withMirror({ vni: 16_777_215 })],
  ['VNI per-rule', withMirror({ vni: 'per-rule' })],
  ['packet lengths at both ends, disabled', rules({ mirror: { ...band(1, 1), packetLength: 64, enabled: false } }, { name: 'b', mirror: { ...band(32766, 32766), packetLength: 8500 } })],
  ['a per-ENI session name with every per-ENI token', withMirror({ sessionName: 'am-{rule}-{eni}-{instance}-{zone}', layout: 'per-eni' })],
  ['a pooled session name', withMirror({ sessionName: 'am-{rule}-{zone}-{index}', layout: { pooled: 10 } })],
  ['http in a session name, not at its start', withMirror({ sessionName: 'x-http://{rule}' })],
  ['pooled 10 under an empty quotas', withMirror({ layout: { pooled: 10 } }, { quotas: {} })],
  ['pooled 500 under a raised quota', withMirror({ layout: { pooled: 500 } }, { quotas: { sourcesPerSession: 500 } })],
  [
    'an opt-out with every field',
    withOptOut({
      tag: 'automirror',
      value: 'off',
      allowedPrincipals: ['acs:ram::1234567890123456:root', 'acs:ram::1:user/alice@example.com', 'acs:ram::1:role/net-ops.v2'],
      protected: {
        instances: ['i-db01'],
        enis: ['eni-db01p'],
        match: {
          any: [
            { tag: 'tier', equals: 'critical' },
            { tag: 'pci', exists: true },
          ],
        },
      },
    }),
  ],
  ['an opt-out tag without a value', withOptOut({ tag: 'automirror' })],
  ['approved targets and unapproved: disable', policy({ approvedTargets: ['lb-netops01', 'eni-ids01'], unapproved: 'disable' })],
  ['unapproved: report', policy({ unapproved: 'report' })],
  ['a cost section', policy({ cost: { currency: 'CNY', pricePerSourceHour: { 'cn-hangzhou': 0.1, 'ap-southeast-1': 0 } } })],
  ['numbers YAML writes as floats: version 1.0, a priority of 1e3', stringify(policy()).replace('version: 1', 'version: 1.0').replace('min: 1000', 'min: 1e3')],
  [
    'rule names near the reserved prefix, and of 128 characters',
    rules({ name: 'aliyu', mirror: band(1, 9) }, { name: 'my-aliyun', mirror: band(10, 19) }, { name: 'a'.repeat(128), mirror: band(20, 29) }),
  ],
];

/** [what, the field the validator names (or undefined for a problem of the text), the document]. */
const invalid: ReadonlyArray<readonly [string, string | undefined, unknown]> = [
  // the document
  ['a list', '(document)', [policy()]],
  ['a scalar', '(document)', 'policy'],
  ['no version', 'version', { rules: policy().rules }],
  ['version 2', 'version', policy({ version: 2 })],
  ['version "1"', 'version', policy({ version: '1' })],
  ['no rules', 'rules', { version: 1 }],
  ['empty rules', 'rules', { version: 1, rules: [] }],
  ['rules as a mapping', 'rules', { version: 1, rules: { web: RULE } }],
  ['an unknown top-level field', 'optout', policy({ optout: { tag: 'x' } })],
  ['a $schema field (the schema is named in a comment)', '["$schema"]', policy({ $schema: './policy.schema.json' })],
  ['a duplicate key (the YAML parser refuses it too)', undefined, 'version: 1\nversion: 1\nrules: []\n'],
  ['aliases expanding over 100 times (the YAML parser refuses it too)', undefined, `x: &t [${'a, '.repeat(20)}a]\ny: [${'*t, '.repeat(120)}*t]\n`],
  // optOut
  ['optOut not a mapping', 'optOut', withOptOut('automirror')],
  ['optOut without tag', 'optOut.tag', withOptOut({ value: 'off' })],
  ['optOut unknown field', 'optOut.values', withOptOut({ tag: 'a', values: ['off'] })],
  ['an empty tag key', 'optOut.tag', withOptOut({ tag: '' })],
  ['a tag key of 129 characters', 'optOut.tag', withOptOut({ tag: 'k'.repeat(129) })],
  ['a tag key as a number', 'optOut.tag', withOptOut({ tag: 1 })],
  ['a control character in a tag key', 'optOut.tag', withOptOut({ tag: 'a\u001bb' })],
  ['a C1 control in a tag value', 'optOut.value', withOptOut({ tag: 'a', value: 'o\u0085ff' })],
  ['a zero-width space in a tag value', 'optOut.value', withOptOut({ tag: 'a', value: 'o\u200bff' })],
  ['a soft hyphen in a tag value', 'optOut.value', withOptOut({ tag: 'a', value: 'o\u00adff' })],
  ['a bidi override in a tag value', 'optOut.value', withOptOut({ tag: 'a', value: '\u202eoff' })],
  ['a line separator in a tag value', 'optOut.value', withOptOut({ tag: 'a', value: 'o\u2028ff' })],
  ['a tag value of 129 characters', 'optOut.value', withOptOut({ tag: 'a', value: 'v'.repeat(129) })],
  ['a tag value as a boolean', 'optOut.value', withOptOut({ tag: 'a', value: false })],
  ['a tag value left empty in YAML (null)', 'optOut.value', `version: 1\noptOut:\n  tag: a\n  value:\n${stringify({ rules: policy().rules })}`],
  ['allowedPrincipals empty', 'optOut.allowedPrincipals', withOptOut({ tag: 'a', allowedPrincipals: [] })],
  ['allowedPrincipals not a list', 'optOut.allowedPrincipals', withOptOut({ tag: 'a', allowedPrincipals: 'acs:ram::1:root' })],
  ['a principal of another service', 'optOut.allowedPrincipals[0]', withOptOut({ tag: 'a', allowedPrincipals: ['acs:sts::1:assumed-role/x'] })],
  ['a principal without an account', 'optOut.allowedPrincipals[0]', withOptOut({ tag: 'a', allowedPrincipals: ['acs:ram:::root'] })],
  ['a user name of 65 characters', 'optOut.allowedPrincipals[0]', withOptOut({ tag: 'a', allowedPrincipals: [`acs:ram::1:user/${'u'.repeat(65)}`] })],
  ['an @ in a role name', 'optOut.allowedPrincipals[0]', withOptOut({ tag: 'a', allowedPrincipals: ['acs:ram::1:role/a@b'] })],
  ['protected empty', 'optOut.protected', withProtected({})],
  ['protected not a mapping', 'optOut.protected', withProtected(['i-db01'])],
  ['protected unknown field', 'optOut.protected.vpcs', withProtected({ vpcs: ['vpc-a'] })],
  ['protected instances empty', 'optOut.protected.instances', withProtected({ instances: [] })],
  ['a protected instance id that is not one', 'optOut.protected.instances[0]', withProtected({ instances: ['eni-db01'] })],
  ['a protected ENI id that is not one', 'optOut.protected.enis[0]', withProtected({ enis: ['i-db01'] })],
  ['a protected match without an operator', 'optOut.protected.match', withProtected({ match: { tag: 'tier' } })],
  ['a protected match with scope', 'optOut.protected.match.scope', withProtected({ match: { tag: 'tier', exists: true, scope: { regions: ['cn-hangzhou'] } } })],
  ['a protected match nested 17 deep', undefined, withProtected({ match: nested(17) })],
  // quotas, approvedTargets, unapproved
  ['quotas not a mapping', 'quotas', policy({ quotas: 10 })],
  ['quotas unknown field', 'quotas.sessions', policy({ quotas: { sessions: 10 } })],
  ['sourcesPerSession 0', 'quotas.sourcesPerSession', policy({ quotas: { sourcesPerSession: 0 } })],
  ['sourcesPerSession 501', 'quotas.sourcesPerSession', policy({ quotas: { sourcesPerSession: 501 } })],
  ['sourcesPerSession 1.5', 'quotas.sourcesPerSession', policy({ quotas: { sourcesPerSession: 1.5 } })],
  ['sourcesPerSession "10"', 'quotas.sourcesPerSession', policy({ quotas: { sourcesPerSession: '10' } })],
  ['approvedTargets empty', 'approvedTargets', policy({ approvedTargets: [] })],
  ['an approved target that is a session', 'approvedTargets[0]', policy({ approvedTargets: ['tms-a'] })],
  ['an approved target of 65 characters', 'approvedTargets[0]', policy({ approvedTargets: [`lb-${'a'.repeat(62)}`] })],
  ['an approved target as a number', 'approvedTargets[0]', policy({ approvedTargets: [1] })],
  ['unapproved: ignore', 'unapproved', policy({ unapproved: 'ignore' })],
  ['unapproved: true', 'unapproved', policy({ unapproved: true })],
  // rules
  ['a rule that is a string', 'rules[0]', { version: 1, rules: ['web'] }],
  ['a rule with an unknown field', 'rules[0].priority', policy({}, { priority: 1 })],
  ['a rule without a name', 'rules[0].name', policy({}, { name: undefined })],
  ['a rule without match', 'rules[0].match', policy({}, { match: undefined })],
  ['a rule without mirror', 'rules[0].mirror', policy({}, { mirror: undefined })],
  ['an empty rule name', 'rules[0].name', policy({}, { name: '' })],
  ['a rule name of 129 characters', 'rules[0].name', policy({}, { name: 'a'.repeat(129) })],
  ['a rule name starting with aliyun', 'rules[0].name', policy({}, { name: 'aliyun-web' })],
  ['a rule name starting with ALIYUN', 'rules[0].name', policy({}, { name: 'ALIYUNweb' })],
  ['a rule name starting with a dash', 'rules[0].name', policy({}, { name: '-web' })],
  ['a rule name with a space', 'rules[0].name', policy({}, { name: 'prod web' })],
  ['a rule name with a slash', 'rules[0].name', policy({}, { name: 'prod/web' })],
  ['a rule name as a number', 'rules[0].name', policy({}, { name: 7 })],
  // match
  ['match not a mapping', 'rules[0].match', withMatch('env=prod')],
  ['match empty', 'rules[0].match', withMatch({})],
  ['match with only enis', 'rules[0].match', withMatch({ enis: 'primary' })],
  ['match with an unknown field beside a condition', 'rules[0].match.regions', withMatch({ tag: 'a', exists: true, regions: ['cn-hangzhou'] })],
  ['match with an unknown field beside a scope', 'rules[0].match.tags', withMatch({ scope: { regions: ['cn-hangzhou'] }, tags: {} })],
  ['tag and all in one node', 'rules[0].match', withMatch({ tag: 'a', exists: true, all: [{ tag: 'b', exists: true }] })],
  ['all and any in one node', 'rules[0].match', withMatch({ all: [{ tag: 'b', exists: true }], any: [{ tag: 'c', exists: true }] })],
  ['a condition without an operator', 'rules[0].match', withMatch({ tag: 'a' })],
  ['a condition with two operators', 'rules[0].match', withMatch({ tag: 'a', equals: 'x', prefix: 'x' })],
  ['an operator without a tag', 'rules[0].match', withMatch({ equals: 'x' })],
  ['an unknown operator', 'rules[0].match.matches', withMatch({ tag: 'a', matches: 'x.*' })],
  ['all with an operator beside it', 'rules[0].match.equals', withMatch({ all: [{ tag: 'b', exists: true }], equals: 'x' })],
  ['equals a number', 'rules[0].match.equals', withMatch({ tag: 'a', equals: 1 })],
  ['in empty', 'rules[0].match.in', withMatch({ tag: 'a', in: [] })],
  ['in with a number', 'rules[0].match.in[1]', withMatch({ tag: 'a', in: ['x', 2] })],
  ['in as a string', 'rules[0].match.in', withMatch({ tag: 'a', in: 'x' })],
  ['an empty prefix', 'rules[0].match.prefix', withMatch({ tag: 'a', prefix: '' })],
  ['exists "yes"', 'rules[0].match.exists', withMatch({ tag: 'a', exists: 'yes' })],
  ['all empty', 'rules[0].match.all', withMatch({ all: [] })],
  ['a scalar in all', 'rules[0].match.all[0]', withMatch({ all: ['env=prod'] })],
  ['a bad condition deep in any', 'rules[0].match.any[1].not.in', withMatch({ any: [{ tag: 'a', exists: true }, { not: { tag: 'b', in: [] } }] })],
  ['a condition whose tag is a number', 'rules[0].match.tag', withMatch({ tag: 1, exists: true })],
  ['not null', 'rules[0].match.not', withMatch({ not: null })],
  ['any not a list', 'rules[0].match.any', withMatch({ any: { tag: 'a', exists: true } })],
  ['not a scalar', 'rules[0].match.not', withMatch({ not: 'a' })],
  ['not a list', 'rules[0].match.not', withMatch({ not: [{ tag: 'a', exists: true }] })],
  ['a scope inside all', 'rules[0].match.all[0].scope', withMatch({ all: [{ tag: 'a', exists: true, scope: { regions: ['cn-hangzhou'] } }] })],
  ['enis beside a nested condition', 'rules[0].match.not.enis', withMatch({ not: { tag: 'a', exists: true, enis: 'all' } })],
  ['an expression nested 17 deep', undefined, withMatch(nested(17))],
  ['enis: secondary', 'rules[0].match.enis', withMatch({ tag: 'a', exists: true, enis: 'secondary' })],
  ['scope empty', 'rules[0].match.scope', withMatch({ scope: {} })],
  ['scope not a mapping', 'rules[0].match.scope', withMatch({ scope: ['cn-hangzhou'] })],
  ['scope unknown dimension', 'rules[0].match.scope.region', withMatch({ scope: { region: ['cn-hangzhou'] } })],
  ['scope regions empty', 'rules[0].match.scope.regions', withMatch({ scope: { regions: [] } })],
  ['an upper-case region', 'rules[0].match.scope.regions[0]', withMatch({ scope: { regions: ['CN-HANGZHOU'] } })],
  ['a VPC id that is not one', 'rules[0].match.scope.vpcs[0]', withMatch({ scope: { vpcs: ['vsw-a'] } })],
  ['a vSwitch id that is not one', 'rules[0].match.scope.vSwitches[0]', withMatch({ scope: { vSwitches: ['vpc-a'] } })],
  ['a zone that is not one', 'rules[0].match.scope.zones[0]', withMatch({ scope: { zones: ['hangzhou'] } })],
  ['a full instance type for a family', 'rules[0].match.scope.instanceTypeFamilies[0]', withMatch({ scope: { instanceTypeFamilies: ['ecs.g7.large'] } })],
  ['a zone id of 65 characters', 'rules[0].match.scope.zones[0]', withMatch({ scope: { zones: [`cn-${'a'.repeat(62)}`] } })],
  // mirror
  ['mirror not a mapping', 'rules[0].mirror', policy({}, { mirror: 'lb-a' })],
  ['mirror without filter', 'rules[0].mirror.filter', withMirror({ filter: undefined })],
  ['mirror without priority', 'rules[0].mirror.priority', withMirror({ priority: undefined })],
  ['mirror without target or pool', 'rules[0].mirror', withMirror({ target: undefined })],
  ['mirror with target and pool', 'rules[0].mirror', withMirror({ pool: [{ slb: 'lb-b' }] })],
  ['mirror unknown field', 'rules[0].mirror.session', withMirror({ session: 'x' })],
  ['a target not a mapping', 'rules[0].mirror.target', withMirror({ target: 'lb-a' })],
  ['a target with neither slb nor eni', 'rules[0].mirror.target', withMirror({ target: { capacity: 5 } })],
  ['a target with slb and eni', 'rules[0].mirror.target', withMirror({ target: { slb: 'lb-a', eni: 'eni-a' } })],
  ['a target with a zone (only pools have zones)', 'rules[0].mirror.target.zone', withMirror({ target: { slb: 'lb-a', zone: 'cn-hangzhou-h' } })],
  ['an slb that is an ENI id', 'rules[0].mirror.target.slb', withMirror({ target: { slb: 'eni-a' } })],
  ['an eni that is a CLB id', 'rules[0].mirror.target.eni', withMirror({ target: { eni: 'lb-a' } })],
  ['a CLB id with upper case', 'rules[0].mirror.target.slb', withMirror({ target: { slb: 'lb-A' } })],
  ['capacity 0', 'rules[0].mirror.target.capacity', withMirror({ target: { slb: 'lb-a', capacity: 0 } })],
  ['a CLB capacity of 501', 'rules[0].mirror.target.capacity', withMirror({ target: { slb: 'lb-a', capacity: 501 } })],
  ['an ENI capacity of 201', 'rules[0].mirror.target.capacity', withMirror({ target: { eni: 'eni-a', capacity: 201 } })],
  ['capacity "5"', 'rules[0].mirror.target.capacity', withMirror({ target: { slb: 'lb-a', capacity: '5' } })],
  ['pool empty', 'rules[0].mirror.pool', withMirror({ target: undefined, pool: [] })],
  ['a pool with a bad zone', 'rules[0].mirror.pool[0].zone', withMirror({ target: undefined, pool: [{ slb: 'lb-a', zone: 'h' }] })],
  ['a pool with an ENI capacity of 201', 'rules[0].mirror.pool[0].capacity', withMirror({ target: undefined, pool: [{ eni: 'eni-a', capacity: 201 }] })],
  ['a pool with an unknown field', 'rules[0].mirror.pool[0].weight', withMirror({ target: undefined, pool: [{ slb: 'lb-a', weight: 1 }] })],
  ['a pool naming a collector twice, alike', 'rules[0].mirror.pool[1]', withMirror({ target: undefined, pool: [{ slb: 'lb-a' }, { slb: 'lb-a' }] })],
  ['a filter id that is not one', 'rules[0].mirror.filter', withMirror({ filter: 'tmf_a' })],
  ['a filter id of 65 characters', 'rules[0].mirror.filter', withMirror({ filter: `tmf-${'a'.repeat(61)}` })],
  ['VNI -1', 'rules[0].mirror.vni', withMirror({ vni: -1 })],
  ['VNI 16777216', 'rules[0].mirror.vni', withMirror({ vni: 16_777_216 })],
  ['VNI 1.5', 'rules[0].mirror.vni', withMirror({ vni: 1.5 })],
  ['VNI per-eni', 'rules[0].mirror.vni', withMirror({ vni: 'per-eni' })],
  ['packetLength 63', 'rules[0].mirror.packetLength', withMirror({ packetLength: 63 })],
  ['packetLength 8501', 'rules[0].mirror.packetLength', withMirror({ packetLength: 8501 })],
  ['packetLength .inf', 'rules[0].mirror.packetLength', stringify(withMirror({ packetLength: 1 })).replace('packetLength: 1', 'packetLength: .inf')],
  ['enabled "true"', 'rules[0].mirror.enabled', withMirror({ enabled: 'true' })],
  ['priority not a mapping', 'rules[0].mirror.priority', withMirror({ priority: 1000 })],
  ['priority without max', 'rules[0].mirror.priority.max', withMirror({ priority: { min: 1 } })],
  ['priority with an unknown field', 'rules[0].mirror.priority.step', withMirror({ priority: { min: 1, max: 2, step: 1 } })],
  ['priority min 0', 'rules[0].mirror.priority.min', withMirror({ priority: { min: 0, max: 9 } })],
  ['priority max 32767', 'rules[0].mirror.priority.max', withMirror({ priority: { min: 1, max: 32767 } })],
  ['a session name with an unknown token', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am-{name}' })],
  ['a session name with an empty token', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am-{}' })],
  ['a session name with an unbalanced {', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am-{rule' })],
  ['a session name with a lone }', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am}-{rule}' })],
  ['a session name with a token in braces', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am-{{rule}}' })],
  ['{eni} in a pooled session name', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am-{eni}', layout: { pooled: 5 } })],
  ['{instance} in a pooled session name', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am-{instance}', layout: { pooled: 5 } })],
  ['{index} in a per-ENI session name', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am-{index}' })],
  ['{index} in an explicitly per-ENI session name', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am-{index}', layout: 'per-eni' })],
  ['a session name starting with http://', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'http://{rule}' })],
  ['a session name starting with HTTPS://', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'HTTPS://{rule}' })],
  ['a session name rendering to https:// between empty tokens', 'rules[0].mirror.sessionName', withMirror({ sessionName: '{zone}ht{zone}tps:/{eni}/x' })],
  ['a session name of 129 characters', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'n'.repeat(129) })],
  ['a session name with a tab', 'rules[0].mirror.sessionName', withMirror({ sessionName: 'am\t{rule}' })],
  ['layout: pooled', 'rules[0].mirror.layout', withMirror({ layout: 'pooled' })],
  ['layout empty', 'rules[0].mirror.layout.pooled', withMirror({ layout: {} })],
  ['layout with an unknown field', 'rules[0].mirror.layout.size', withMirror({ layout: { pooled: 2, size: 2 } })],
  ['pooled 0', 'rules[0].mirror.layout.pooled', withMirror({ layout: { pooled: 0 } })],
  ['pooled 11 under the default quota', 'rules[0].mirror.layout.pooled', withMirror({ layout: { pooled: 11 } })],
  ['pooled 11 under an empty quotas', 'rules[0].mirror.layout.pooled', withMirror({ layout: { pooled: 11 } }, { quotas: {} })],
  ['pooled 501 under the largest quota', 'rules[0].mirror.layout.pooled', withMirror({ layout: { pooled: 501 } }, { quotas: { sourcesPerSession: 500 } })],
  ['pooled "5"', 'rules[0].mirror.layout.pooled', withMirror({ layout: { pooled: '5' } })],
  // cost
  ['cost without prices', 'cost.pricePerSourceHour', policy({ cost: { currency: 'USD' } })],
  ['cost with no region', 'cost.pricePerSourceHour', policy({ cost: { currency: 'USD', pricePerSourceHour: {} } })],
  ['a negative price', 'cost.pricePerSourceHour["cn-hangzhou"]', policy({ cost: { currency: 'USD', pricePerSourceHour: { 'cn-hangzhou': -1 } } })],
  ['a price as text', 'cost.pricePerSourceHour["cn-hangzhou"]', policy({ cost: { currency: 'USD', pricePerSourceHour: { 'cn-hangzhou': '0.1' } } })],
  ['a price above the bound', 'cost.pricePerSourceHour["cn-hangzhou"]', policy({ cost: { currency: 'USD', pricePerSourceHour: { 'cn-hangzhou': 10_001 } } })],
  ['a price for a key that is no region', 'cost.pricePerSourceHour.Hangzhou', policy({ cost: { currency: 'USD', pricePerSourceHour: { Hangzhou: 0.1 } } })],
  ['a currency of four letters', 'cost.currency', policy({ cost: { currency: 'USDT', pricePerSourceHour: { 'cn-hangzhou': 0.1 } } })],
];

/** What JSON Schema cannot say, one case per check (CHECK_ONLY): `policy check` refuses it, the schema accepts it. */
const semanticOnly: ReadonlyArray<readonly [keyof typeof CHECK_ONLY, string | undefined, unknown]> = [
  ['uniqueNames', 'rules[1].name', rules({ mirror: band(1, 9) }, { mirror: band(10, 19) })],
  ['bandsApart', 'rules[1].mirror.priority', rules({ name: 'a', mirror: band(1, 10) }, { name: 'b', mirror: band(10, 19) })],
  ['bandOrder', 'rules[0].mirror.priority', withMirror({ priority: { min: 2000, max: 1000 } })],
  ['poolOnce', 'rules[0].mirror.pool[1]', withMirror({ target: undefined, pool: [{ slb: 'lb-a' }, { slb: 'lb-a', capacity: 5 }] })],
  ['pooledQuota', 'rules[0].mirror.layout.pooled', withMirror({ layout: { pooled: 30 } }, { quotas: { sourcesPerSession: 20 } })],
  ['renderedLength', 'rules[0].mirror.sessionName', withMirror({ sessionName: `${'n'.repeat(90)}-{eni}-{zone}` })],
  ['renderedLength', 'rules[0].mirror.sessionName', policy({}, { name: 'r'.repeat(100), mirror: { ...RULE.mirror, sessionName: '{rule}-{rule}' } })],
  ['renderedScheme', 'rules[0].mirror.sessionName', policy({}, { name: 'http', mirror: { ...RULE.mirror, sessionName: '{rule}://{eni}' } })],
  ['utf16Length', 'rules[0].match.equals', withMatch({ tag: 'a', equals: '😀'.repeat(100) })],
  ['documentText', undefined, `${stringify(policy())}${`# ${'x'.repeat(1000)}\n`.repeat(300)}`],
  ['documentText', undefined, stringify(withMatch({ tag: 'a', equals: '['.repeat(65) })).replace(/equals: .*/, `equals: >-\n        ${'['.repeat(65)}`)],
  ['documentText', undefined, stringify(policy()).replace('filter: tmf-a', 'filter: !!js/function tmf-a')],
];

/** The validator refuses `doc`, naming the field `at` when given (so a case is refused for the reason it is about). */
function expectRefused(doc: unknown, at: string | undefined): void {
  const problems = validatorProblems(text(doc));
  expect(problems.length).toBeGreaterThan(0);
  if (at !== undefined)
    expect(
      problems.some((line) => line.includes(` ${at}: `)),
      problems.join('\n'),
    ).toBe(true);
}

describe('policy.schema.json and policy check', () => {
  it('finds the README examples and the policy files, each naming the schema for the YAML language server', () => {
    expect(readmeExamples.length).toBeGreaterThan(0);
    for (const [, doc] of [...readmeExamples, ...POLICY_FILES.map((f) => [f, read(f)] as const)]) expect(doc.split('\n')[0]).toBe('# yaml-language-server: $schema=./policy.schema.json');
  });

  it.each(valid)('both accept %s', (_, doc) => {
    expect(validatorProblems(text(doc))).toEqual([]);
    expect(schemaAccepts(text(doc)), JSON.stringify(matchesSchema.errors?.slice(0, 5))).toBe(true);
  });

  it.each(invalid)('both refuse %s', (_, at, doc) => {
    expectRefused(doc, at);
    expect(schemaAccepts(text(doc))).toBe(false);
  });

  it.each(semanticOnly)('only policy check refuses a case of %s', (check, at, doc) => {
    expectRefused(doc, at);
    expect(schemaAccepts(text(doc)), JSON.stringify(matchesSchema.errors?.slice(0, 5))).toBe(true);
    expect(schema.description).toContain(CHECK_ONLY[check]);
  });

  it('has a case for every check only policy check makes', () => {
    expect(new Set(semanticOnly.map(([check]) => check))).toEqual(new Set(Object.keys(CHECK_ONLY)));
  });
});

/**
 * Every schema reachable from `node` that defines something, with whether it is the value of a property; not the
 * if/then/else fragments, which only narrow fields defined (and described) elsewhere.
 */
function* walk(node: unknown, isProperty = false): Generator<{ node: Record<string, unknown>; isProperty: boolean }> {
  if (typeof node !== 'object' || node === null) return;
  const n = node as Record<string, unknown>;
  yield { node: n, isProperty };
  for (const [key, value] of Object.entries(n)) {
    if (key === 'if' || key === 'then' || key === 'else') continue;
    if (key === 'properties' || key === 'definitions') for (const child of Object.values(value as object)) yield* walk(child, key === 'properties');
    else if (Array.isArray(value)) for (const child of value) yield* walk(child);
    else if (typeof value === 'object') yield* walk(value);
  }
}

const resolve = (n: Record<string, unknown>): Record<string, unknown> => (typeof n.$ref === 'string' ? resolve(schema.definitions[n.$ref.replace('#/definitions/', '')]) : n);

describe('policy.schema.json for editors', () => {
  it('is draft-07, which the YAML language server supports', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('describes every field', () => {
    const properties = [...walk(schema)].filter((x) => x.isProperty).map((x) => resolve(x.node));
    expect(properties.length).toBeGreaterThan(50);
    expect(properties.filter((p) => typeof p.description !== 'string')).toEqual([]);
  });

  it('closes every mapping, as the validator refuses unknown fields', () => {
    // A mapping keyed by ids (cost.pricePerSourceHour) is closed by propertyNames.
    const closed = (n: Record<string, unknown>): boolean => n.additionalProperties === false || n.propertyNames !== undefined || (Array.isArray(n.oneOf) && n.oneOf.every((f) => closed(resolve(f))));
    const open = [...walk(schema)].map((x) => x.node).filter((n) => n.type === 'object' && !closed(n));
    expect(open).toEqual([]);
  });
});
