import type { Eni, Instance, MirrorSpec } from '../domain.js';
import { compileExpr, q, type TagView } from './selector.js';
import { type EvalTime, FOR_TAG, isoTime, judgeTemporary, ruleLive, UNTIL_TAG } from './temporary.js';
import type { Rule, Scope } from './types.js';

/** A rule compiled into its conditions, in the order they are checked and reported: tags, scope, which ENIs, time. */

/** One ENI as the rules see it. */
export interface Candidate {
  readonly eni: Eni;
  readonly instance: Instance | undefined;
  readonly regionId: string;
  readonly tags: TagView;
  /** When it is judged (and its sessions' creation), for a rule's `expires` and `match.temporary`. */
  readonly at?: EvalTime;
}

export interface Condition {
  readonly stage: 'tags' | 'scope' | 'enis' | 'time';
  readonly test: (c: Candidate) => boolean;
  /** Why `test` is false, completing "rule web …": `needs zone in [cn-hangzhou-h], found cn-hangzhou-i`. */
  readonly why: (c: Candidate) => string;
}

export interface CompiledRule {
  readonly name: string;
  readonly spec: MirrorSpec;
  readonly conditions: readonly Condition[];
}

const DIMENSIONS: Readonly<Record<keyof Scope, { readonly label: string; readonly of: (c: Candidate) => string | undefined }>> = {
  regions: { label: 'region', of: (c) => c.regionId },
  vpcs: { label: 'VPC', of: (c) => c.eni.vpcId },
  vSwitches: { label: 'vSwitch', of: (c) => c.eni.vSwitchId },
  zones: { label: 'zone', of: (c) => c.eni.zoneId },
  // ecs.g7.large → ecs.g7
  instanceTypeFamilies: { label: 'instance type family', of: (c) => c.instance?.instanceType.split('.', 2).join('.') },
};

export function compileRule(rule: Rule): CompiledRule {
  const conditions: Condition[] = [];
  if (rule.match.tags) {
    const expr = compileExpr(rule.match.tags);
    conditions.push({ stage: 'tags', test: (c) => expr.test(c.tags), why: (c) => expr.why(c.tags) });
  }
  for (const [dim, values] of Object.entries(rule.match.scope) as Array<[keyof Scope, readonly string[]]>) {
    const { label, of } = DIMENSIONS[dim];
    const allowed = new Set(values);
    const found = (v: string | undefined) => (v !== undefined ? q(v) : dim === 'instanceTypeFamilies' ? 'no known instance' : 'none');
    conditions.push({ stage: 'scope', test: (c) => allowed.has(of(c) as string), why: (c) => `needs ${label} in [${values.join(', ')}], found ${found(of(c))}` });
  }
  if (rule.match.enis === 'primary') conditions.push({ stage: 'enis', test: (c) => c.eni.primary, why: () => 'not the primary ENI' });
  const { expires } = rule;
  if (expires !== undefined) conditions.push({ stage: 'time', test: (c) => ruleLive(expires, c.at), why: () => `expired at ${isoTime(expires)}` });
  const temporary = rule.match.temporary;
  if (temporary) {
    const judged = (c: Candidate) => judgeTemporary(c.tags, rule.name, temporary.maxDurationMs, c.eni.id, c.at);
    conditions.push({
      stage: 'time',
      test: (c) => judged(c)?.status === 'active',
      why: (c) => judged(c)?.why ?? `needs tag ${UNTIL_TAG} or ${FOR_TAG} (temporary mirroring), found neither`,
    });
  }
  return { name: rule.name, spec: rule.spec, conditions };
}

/** The first condition the candidate fails, or undefined when the rule matches it. */
export function firstMiss(rule: CompiledRule, c: Candidate): Condition | undefined {
  for (const cond of rule.conditions) if (!cond.test(c)) return cond;
  return undefined;
}
