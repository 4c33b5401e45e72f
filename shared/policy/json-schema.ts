import { ENI_ID, FILTER_ID, INSTANCE_ID, RULE_NAME, SESSION_NAME, SLB_ID, TAG_KEY, TAG_VALUE, ZONE } from './formats.js';
import { exactlyOneOf, integer, type JsonSchema, list, mapping, patternOf, text, when } from './json-schema-parts.js';
import { OPERATOR_NAMES, TAG_OPERATORS } from './operators.js';
import { DEFAULT_SOURCES_PER_SESSION, MAX_SOURCES_PER_SESSION, UNAPPROVED } from './schema.js';
import { costSchema } from './schema-cost.js';
import { lifecycleHooksSchema } from './schema-lifecycle.js';
import { ENIS, MAX_DEPTH, SCOPE_DIMENSIONS } from './schema-match.js';
import { CAPACITY, type MIRROR_OPTIONAL, type MIRROR_REQUIRED, PACKET_LENGTH, PRIORITY } from './schema-mirror.js';
import { PRINCIPAL } from './schema-optout.js';
import { SESSION_NAME_TOKENS } from './session-name.js';
import { DEFAULT_MAX_DURATION_MS, FOR_TAG, MAX_DURATION_CEILING_MS, showDuration, UNTIL_TAG } from './temporary.js';
import type { Scope } from './types.js';
import { MAX_VNI } from './vni.js';

/**
 * policy.schema.json: the policy format as JSON Schema draft-07 (what the YAML language server and most editors
 * support), built from the validator's own formats, limits and registries, so that an editor completes and checks a
 * policy as `automirror policy check` does. test/policy/json-schema.test.ts runs the same documents through both.
 */

/**
 * What `policy check` refuses and the schema accepts: comparisons between fields or across rules, and the document
 * as text. JSON Schema has no way to compare two values of a document; each is a case in the equivalence test.
 */
export const CHECK_ONLY = {
  uniqueNames: 'rule names are unique',
  bandsApart: "rules' priority bands do not overlap",
  bandOrder: 'priority.min is at most priority.max',
  poolOnce: 'a pool names each collector once (the schema refuses only identical entries)',
  pooledQuota: 'layout.pooled is at most a declared quotas.sourcesPerSession (the default quota is in the schema)',
  renderedLength: 'session names, rendered with the rule name and the longest ids, fit 128 characters',
  renderedScheme: 'a session name rendered with the rule name does not start with http:// or https://',
  utf16Length: 'lengths count UTF-16 code units (JSON Schema counts code points, so a character beyond U+FFFF, such as an emoji, counts 2 in policy check and 1 here)',
  documentText: 'the text itself: at most 256 KB, flow collections nested at most 64 deep, no unresolved YAML tags such as !!js/function',
} as const;

const def = (name: string) => ({ $ref: `#/definitions/${name}` });
const expressionAt = (depth: number) => def(`tagExpression${depth}`);
/** A description beside a `$ref`: draft-07 ignores a $ref's siblings, so the reference goes under allOf. */
const described = (description: string, schema: JsonSchema): JsonSchema => ({ description, allOf: [schema] });

const OPERATORS: Record<string, JsonSchema> = Object.fromEntries(OPERATOR_NAMES.map((op) => [op, TAG_OPERATORS[op].schema]));
const TAG = text(TAG_KEY, "the tag's key; expressions see the instance's tags with the ENI's tags over them, key by key");

/**
 * The forms of a tag expression node at `depth` (0 for the outermost), each a mapping of its own fields and the
 * `beside` ones (a rule's `match` holds the expression beside scope and enis). Depth is bounded like the validator's
 * (schema-match.ts MAX_DEPTH): at the deepest level only a condition is left.
 */
function expressionForms(depth: number, beside?: Readonly<Record<string, JsonSchema>>): JsonSchema[] {
  // A condition beside other fields is a mapping of its own (additionalProperties sees no further than its object).
  const condition = beside ? conditionWith(beside) : def('tagCondition');
  if (depth === MAX_DEPTH) return [condition];
  const inner = expressionAt(depth + 1);
  return [
    condition,
    mapping('every expression of the list holds', { all: list(inner, 'expressions that must all hold'), ...(beside ?? {}) }, ['all']),
    mapping('at least one expression of the list holds', { any: list(inner, 'expressions of which at least one must hold'), ...(beside ?? {}) }, ['any']),
    mapping('the expression does not hold', { not: described('an expression that must not hold', inner), ...(beside ?? {}) }, ['not']),
  ];
}

const conditionWith = (beside: Readonly<Record<string, JsonSchema>>) =>
  mapping(`a tag condition: tag and exactly one of ${OPERATOR_NAMES.join(', ')}`, { tag: TAG, ...OPERATORS, ...beside }, ['tag'], exactlyOneOf(OPERATOR_NAMES));

const SCOPE_HELP: Readonly<Record<keyof Scope, readonly [list: string, item: string]>> = {
  regions: ["the ENI's region must be one of these", SCOPE_DIMENSIONS.regions.what],
  vpcs: ["the ENI's VPC must be one of these", SCOPE_DIMENSIONS.vpcs.what],
  vSwitches: ["the ENI's vSwitch must be one of these", SCOPE_DIMENSIONS.vSwitches.what],
  zones: ["the ENI's zone must be one of these", SCOPE_DIMENSIONS.zones.what],
  instanceTypeFamilies: ["the instance's type family must be one of these; an ENI without a known instance does not match", SCOPE_DIMENSIONS.instanceTypeFamilies.what],
};

const scope = mapping(
  'where the ENI is: each dimension given must list its value; an absent dimension does not restrict; at least one',
  Object.fromEntries(Object.entries(SCOPE_HELP).map(([dim, [help, item]]) => [dim, list(text(SCOPE_DIMENSIONS[dim as keyof Scope], item), help)])),
  [],
  { minProperties: 1 },
);

const DURATION_PATTERN = '^[1-9][0-9]{0,5}[mhd]$';
/** An RFC 3339 time with seconds and a zone; the calendar itself (no 31 November) is what `policy check` adds. */
const TIME: JsonSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$' };

const MATCH_FIELDS = {
  scope: def('scope'),
  enis: { description: `${ENIS.join(' (the default) or ')}: only each instance's primary ENI`, enum: ENIS, default: ENIS[0] },
  temporary: {
    description: `a temporary rule: it selects only ENIs whose tags (or their instance's) say ${UNTIL_TAG}=<RFC 3339 time> or ${FOR_TAG}=<duration: 90m, 6h, 2d>, until then; per-eni layout only`,
    oneOf: [
      { const: true, description: `maxDuration ${showDuration(DEFAULT_MAX_DURATION_MS)}` },
      mapping('with a bound', {
        maxDuration: {
          type: 'string',
          pattern: DURATION_PATTERN,
          description: `the longest a temporary mirror may last, at most ${showDuration(MAX_DURATION_CEILING_MS)}`,
          default: showDuration(DEFAULT_MAX_DURATION_MS),
        },
      }),
    ],
  },
};

const match: JsonSchema = {
  description: 'which ENIs the rule opts in: a tag expression (all, any, not or a tag condition written directly here), a scope, temporary, or several; and enis',
  type: 'object',
  oneOf: [
    ...expressionForms(0, MATCH_FIELDS),
    mapping('a scope without a tag expression', MATCH_FIELDS, ['scope']),
    mapping('temporary without a tag expression or scope', MATCH_FIELDS, ['temporary'], { not: { required: ['scope'] } }),
  ],
};

type TargetKind = keyof typeof CAPACITY;
const TARGET_HELP: Readonly<Record<TargetKind, string>> = { slb: 'an internal CLB with a UDP 4789 listener', eni: 'an ENI' };
const KINDS = Object.keys(CAPACITY) as TargetKind[];

/** `{slb: lb-…}` or `{eni: eni-…}` with a capacity whose limit is the kind's, and, in a pool, a zone. */
function target(description: string, inPool: boolean): JsonSchema {
  const ids = Object.fromEntries(KINDS.map((k) => [k, text(CAPACITY[k].format, `${TARGET_HELP[k]}: ${CAPACITY[k].format.what}`)]));
  const limits = KINDS.map((k) => when({ required: [k] }, { properties: { capacity: { maximum: CAPACITY[k].max } } }));
  const capacity = integer(
    1,
    Math.max(...KINDS.map((k) => CAPACITY[k].max)),
    `sources the target takes across all sessions: ${KINDS.map((k) => `default ${CAPACITY[k].byDefault}, at most ${CAPACITY[k].max} for ${k === 'slb' ? 'a CLB' : 'an ENI'}`).join('; ')}`,
  );
  const zone = text(ZONE, `ENIs in this zone go to this collector first (${ZONE.what})`);
  return mapping(description, { ...ids, capacity, ...(inPool && { zone }) }, [], { ...exactlyOneOf(KINDS), allOf: limits });
}

const tokens = `\\{(?:${SESSION_NAME_TOKENS.join('|')})\\}`;
/** `{eni}`/`{instance}`/`{zone}`/`{index}` render empty when the rule name is put in, so they may sit between the letters. */
const empty = `(?:\\{(?:${SESSION_NAME_TOKENS.filter((t) => t !== 'rule').join('|')})\\})*`;
const scheme = `^${empty}${[...'http'].map((c) => `[${c}${c.toUpperCase()}]${empty}`).join('')}(?:[sS]${empty})?:${empty}/${empty}/`;
const sessionName = {
  ...text(SESSION_NAME, `a template for session names: text with ${SESSION_NAME_TOKENS.map((t) => `{${t}}`).join(', ')} ({index} numbers pooled sessions; {eni} and {instance} only with per-eni)`),
  pattern: `^(?:[^{}]|${tokens})*$`,
  allOf: [{ not: { pattern: scheme } }],
};

type MirrorField = (typeof MIRROR_REQUIRED)[number] | (typeof MIRROR_OPTIONAL)[number];
const MIRROR: Readonly<Record<MirrorField, JsonSchema>> = {
  target: target('the one collector: { slb: lb-… } or { eni: eni-… }, with an optional capacity (or pool)', false),
  pool: list(target('a collector of the pool: { slb: … } or { eni: … }, with an optional capacity and zone', true), 'several collectors instead of target', { uniqueItems: true }),
  filter: text(FILTER_ID, `the traffic mirror filter: ${FILTER_ID.what}`),
  vni: {
    description: 'the VXLAN VNI of the sessions; per-rule: the first 24 bits of SHA-256 of the rule name; omitted: the cloud picks one',
    oneOf: [integer(0, MAX_VNI, 'a fixed VNI'), { description: "the rule's own VNI", const: 'per-rule' }],
  },
  packetLength: integer(PACKET_LENGTH.min, PACKET_LENGTH.max, 'bytes of each packet mirrored', { default: PACKET_LENGTH.byDefault }),
  enabled: { description: "whether the rule's sessions mirror", type: 'boolean', default: true },
  priority: mapping(
    "the band this rule's sessions take priorities from (unique per region; lower wins); bands of different rules must not overlap",
    { min: integer(PRIORITY.min, PRIORITY.max, 'the lowest priority of the band'), max: integer(PRIORITY.min, PRIORITY.max, 'the highest priority of the band, at least min') },
    ['min', 'max'],
  ),
  sessionName,
  layout: {
    description: 'per-eni (the default): one session per ENI; { pooled: N }: sessions of up to N ENIs',
    default: 'per-eni',
    oneOf: [
      { description: 'one session per ENI', const: 'per-eni' },
      mapping('sessions of several ENIs', { pooled: integer(1, MAX_SOURCES_PER_SESSION, 'ENIs per session, at most quotas.sourcesPerSession') }, ['pooled']),
    ],
  },
};

const mirror = mapping('how the ENIs the rule opts in are mirrored', MIRROR, ['filter', 'priority'] satisfies readonly MirrorField[], {
  ...exactlyOneOf(['target', 'pool'] satisfies readonly MirrorField[]),
  // Pooled sessions have no one ENI or instance to name; per-ENI ones have no index.
  ...when(
    { required: ['layout'], properties: { layout: { type: 'object' } } },
    { properties: { sessionName: { not: { pattern: '\\{(?:eni|instance)\\}' } } } },
    { properties: { sessionName: { not: { pattern: '\\{index\\}' } } } },
  ),
});

const rule = mapping(
  'a rule: which ENIs it opts in and how they are mirrored',
  {
    name: text(RULE_NAME, `recorded on each session in the tag automirror:rule; unique: ${RULE_NAME.what}`),
    match,
    mirror,
    expires: { ...TIME, description: 'when the rule stops selecting (RFC 3339, quoted): the reconcile after it removes its sessions' },
  },
  ['name', 'match', 'mirror'],
);

const optOut = mapping(
  'the opt-out tag: on the ENI or its instance, it takes the ENI out, unless allowedPrincipals or protected say this one may not',
  {
    tag: text(TAG_KEY, "the opt-out tag's key"),
    value: text(TAG_VALUE, 'the value that opts out; without it, any value of the tag opts out'),
    allowedPrincipals: list(
      text(PRINCIPAL, `${PRINCIPAL.what} (role: any session of it)`),
      "only these may opt out (matched against ActionTrail's record of the latest write of the opt-out tag); omit it to honour every opt-out",
    ),
    protected: mapping(
      'resources never opted out, whoever tags them; at least one of instances, enis, match',
      {
        instances: list(text(INSTANCE_ID, INSTANCE_ID.what), 'instances never opted out'),
        enis: list(text(ENI_ID, ENI_ID.what), 'ENIs never opted out'),
        match: described("ENIs whose tags (the instance's with the ENI's over them) match this are never opted out", expressionAt(0)),
      },
      [],
      { minProperties: 1 },
    ),
  },
  ['tag'],
);

const definitions = {
  scope,
  tagCondition: conditionWith({}),
  ...Object.fromEntries(
    Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => [
      `tagExpression${depth}`,
      { description: `a tag expression (all, any, not or a tag condition) at depth ${depth}, of at most ${MAX_DEPTH}`, oneOf: expressionForms(depth) },
    ]),
  ),
};

const description = [
  'The automirror tag policy: which ENIs are mirrored, and to which collector (README.md, "Policy").',
  `Only \`automirror policy check\` also checks that ${Object.values(CHECK_ONLY).join('; ')}.`,
].join(' ');

/** The policy format as JSON Schema draft-07, the text of policy.schema.json. */
export const policySchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:automirror:policy:v1',
  title: 'automirror policy',
  ...mapping(
    description,
    {
      version: { description: 'the format of this document: 1', const: 1 },
      optOut,
      quotas: mapping("limits of the account, where they differ from the cloud's defaults", {
        sourcesPerSession: integer(1, MAX_SOURCES_PER_SESSION, "sources one session may hold: the cloud's default quota, unless the account's was raised", { default: DEFAULT_SOURCES_PER_SESSION }),
      }),
      approvedTargets: list(
        { description: `${SLB_ID.what} or ${ENI_ID.what}`, type: 'string', maxLength: SLB_ID.max, anyOf: [SLB_ID, ENI_ID].map((f) => ({ pattern: patternOf(f.pattern as RegExp) })) },
        "collectors that sessions automirror does not own may mirror to, besides every rule's targets; a session toward anything else is unapproved mirroring",
      ),
      unapproved: {
        description: `what is done about an unapproved session: ${UNAPPROVED[0]} (the default): alerted and reported; ${UNAPPROVED[1]}: also Enabled=false on it`,
        enum: UNAPPROVED,
        default: UNAPPROVED[0],
      },
      lifecycleHooks: lifecycleHooksSchema,
      cost: costSchema,
      rules: list(rule, 'evaluated in order; the first match wins'),
    },
    ['version', 'rules'],
    {
      // The default quota bounds pooled layouts in the schema; a declared one only in `policy check` (CHECK_ONLY.pooledQuota).
      // quotas holds nothing but sourcesPerSession, so a non-empty quotas declares it.
      if: { required: ['quotas'], properties: { quotas: { minProperties: 1 } } },
      else: { properties: { rules: { items: { properties: { mirror: { properties: { layout: { properties: { pooled: { maximum: DEFAULT_SOURCES_PER_SESSION } } } } } } } } } },
    },
  ),
  definitions,
} as const;
