import type { Eni, Instance, MirrorSpec } from '../domain.js';
import { type Candidate, type CompiledRule, type Condition, compileRule, firstMiss } from './conditions.js';
import { compileOptOut, type OptInRemoval, type OptOutRecord, type OptOutWrites } from './opt-out.js';
import { keysOf } from './selector.js';
import { type EvalTime, hasTemporaryTag, judgeTemporary, type TemporaryRecord, unusable } from './temporary.js';
import type { Policy } from './types.js';

/**
 * A rule's spec, or why not mirrored; `optOut` says what became of an opt-out tag found (honoured or overridden),
 * `temporary` what became of a temporary-mirroring tag found (shared/policy/temporary.ts).
 */
export type Decision =
  | { readonly eniId: string; readonly spec: MirrorSpec; readonly optOut?: OptOutRecord; readonly temporary?: TemporaryRecord }
  | { readonly eniId: string; readonly excluded: string; readonly optOut?: OptOutRecord; readonly temporary?: TemporaryRecord };

/** One rule's verdict on one ENI, for `automirror explain`. */
export interface RuleTrace {
  readonly rule: string;
  readonly matched: boolean;
  /** The first failing condition, or why a matching rule did or did not decide. */
  readonly detail: string;
}

export interface Explanation {
  readonly eniId: string;
  readonly decision: Decision;
  /** The tags the rules saw: the instance's, overridden key by key by the ENI's. */
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string; readonly from: 'ENI' | 'instance' }>;
  readonly rules: readonly RuleTrace[];
}

/** A proven automirror session mirrors the ENI: its rule, and the instance it names (per-ENI sessions). */
export interface Held {
  readonly rule: string;
  readonly instanceId?: string;
}

export interface PolicyEvaluator {
  /**
   * The mirror spec of the first matching rule, or why the ENI is not mirrored. Pure and synchronous. `writes`
   * (who last set the opt-out tag on which resource) is what a governed opt-out is judged on; `removal`, what is
   * known of the tag write that took a held ENI out of its rule (see `removalKeys`); `at`, the engine's time and the
   * ENI's sessions' creation, which rules' `expires` and temporary rules are judged on (without it no temporary rule
   * selects and no rule expires).
   */
  evaluate(eni: Eni, instance: Instance | undefined, regionId?: string, writes?: OptOutWrites, removal?: OptInRemoval, at?: EvalTime): Decision;
  explain(eni: Eni, instance: Instance | undefined, regionId?: string, writes?: OptOutWrites, removal?: OptInRemoval, at?: EvalTime): Explanation;
  /**
   * For an ENI a proven session of `held.rule` mirrors that `decision` leaves unmirrored: the tag keys whose last
   * write decides whether that was a governed opt-out, or undefined when it can't be one. It can't when the policy
   * has no governance, the rule is gone (a policy edit is authoritative), another reason excludes the ENI, the rule
   * fails on more than its tags (scope, which ENIs), or the ENI left the session's instance (detached, moved).
   */
  removalKeys(eni: Eni, instance: Instance | undefined, held: Held, decision: Decision, regionId?: string, at?: EvalTime): readonly string[] | undefined;
}

// How many rules a "no rule matches" reason names before it only counts the rest.
const REASON_RULES = 3;

/** Compiles a policy's selectors once; the evaluator then decides each ENI without re-reading the policy. */
export function compilePolicy(policy: Policy): PolicyEvaluator {
  const rules = policy.rules.map(compileRule);
  const targetOf = new Map(policy.rules.flatMap((r) => r.spec.targets.flatMap((t) => (t.target.kind === 'NetworkInterface' ? [[t.target.id, r.name] as const] : []))));
  const optOut = compileOptOut(policy.optOut);
  const governed = policy.optOut?.allowedPrincipals !== undefined || policy.optOut?.protected !== undefined;
  const byName = new Map(policy.rules.map((r, i) => [r.name, { compiled: rules[i], keys: r.match.tags ? [...new Set(keysOf(r.match.tags))].sort() : [] }]));

  /** The rule's tag keys when only its tags keep it from selecting the ENI, which is still on the session's instance. */
  const onlyTagsMiss = (c: Candidate, held: Held): readonly string[] | undefined => {
    const r = byName.get(held.rule);
    if (!r || r.keys.length === 0 || c.instance === undefined || (held.instanceId !== undefined && held.instanceId !== c.instance.id)) return undefined;
    return r.compiled.conditions.every((cond) => cond.stage === 'tags' || cond.test(c)) && firstMiss(r.compiled, c)?.stage === 'tags' ? r.keys : undefined;
  };

  /** Exclusions that no rule can override. */
  const overriding = ({ eni }: Candidate): string | undefined => {
    if (eni.serviceManaged) return 'service-managed ENI: the cloud does not allow it as a mirror source';
    const targetRule = targetOf.get(eni.id);
    if (targetRule !== undefined) return `${eni.id} is a mirror target of rule ${targetRule}; an ENI cannot be both source and target`;
    return undefined;
  };

  const temporaryRules = rules.filter((_, i) => policy.rules[i].match.temporary !== undefined);
  const maxOf = new Map(policy.rules.flatMap((r) => (r.match.temporary ? [[r.name, r.match.temporary.maxDurationMs] as const] : [])));
  /**
   * What became of a temporary tag: judged by the temporary rule that decided, else by the first one that only its
   * time keeps from selecting (or the first one); with no temporary rule, unusable. An expiry is the reason an ENI
   * nothing else selects is not mirrored, so the plan's removal of its session says so.
   */
  const withTemporary = (c: Candidate, d: Decision): Decision => {
    if (!hasTemporaryTag(c.tags)) return d;
    const decider = 'spec' in d ? temporaryRules.find((r) => r.name === d.spec.rule) : undefined;
    const judge = decider ?? temporaryRules.find((r) => r.conditions.every((cond) => cond.stage === 'time' || cond.test(c))) ?? (temporaryRules.length > 0 ? temporaryRules[0] : undefined);
    const temporary = judge ? judgeTemporary(c.tags, judge.name, maxOf.get(judge.name) as number, c.eni.id, c.at) : unusable(c.tags);
    if (!temporary) return d;
    if ('spec' in d && !decider && temporary.status === 'active')
      return { ...d, temporary: { ...temporary, status: 'superseded', why: `already mirrored by rule ${d.spec.rule} full-time: ${temporary.tag} adds nothing` } };
    const expired = temporary.status === 'expired' && 'excluded' in d && !d.optOut && !overriding(c);
    return expired ? { ...d, excluded: temporary.why, temporary } : { ...d, temporary };
  };

  const decide = (c: Candidate, writes: OptOutWrites | undefined, removal: OptInRemoval | undefined): Decision => withTemporary(c, decideRules(c, writes, removal));

  const decideRules = (c: Candidate, writes: OptOutWrites | undefined, removal: OptInRemoval | undefined): Decision => {
    const eniId = c.eni.id;
    const excluded = overriding(c);
    if (excluded) return { eniId, excluded };
    const o = optOut.judge(c.eni, c.instance, c.tags, writes);
    const misses: Condition[] = [];
    for (const r of rules) {
      const miss = firstMiss(r, c);
      if (!miss) {
        // An overridden opt-out leaves the ENI to the rules, as if the tag were not there.
        if (o?.status === 'honoured') return { eniId, excluded: o.why, optOut: { ...o, rule: r.name } };
        return { eniId, spec: r.spec, ...(o && { optOut: { ...o, rule: r.name } }) };
      }
      misses.push(miss);
    }
    // No rule would mirror it anyway: the opt-out tag still says why, but it takes nothing out of coverage (no rule).
    if (o?.status === 'honoured') return { eniId, excluded: o.why, optOut: o };
    // Removing the tag a rule selects on is an opt-out too: overridden, the ENI stays mirrored under that rule.
    const held = removal && governed && onlyTagsMiss(c, removal) ? byName.get(removal.rule) : undefined;
    const r = held && removal && optOut.judgeRemoval(eniId, c.instance?.id, c.tags, removal, held.keys);
    if (held && r?.status === 'overridden') return { eniId, spec: held.compiled.spec, optOut: r };
    if (r) return { eniId, excluded: r.why, optOut: r };
    return { eniId, excluded: noMatch(rules, misses, c) };
  };

  return {
    evaluate: (eni, instance, regionId, writes, removal, at) => decide(candidate(eni, instance, regionId, at), writes, removal),
    removalKeys(eni, instance, held, decision, regionId, at) {
      if (!governed || !('excluded' in decision) || decision.optOut?.status === 'honoured') return undefined;
      const c = candidate(eni, instance, regionId, at);
      return overriding(c) || rules.some((r) => !firstMiss(r, c)) ? undefined : onlyTagsMiss(c, held);
    },
    explain(eni, instance, regionId, writes, removal, at) {
      const c = candidate(eni, instance, regionId, at);
      const decision = decide(c, writes, removal);
      const trace = rules.map((r): RuleTrace => {
        const miss = firstMiss(r, c);
        if (miss) return { rule: r.name, matched: false, detail: miss.why(c) };
        if ('excluded' in decision) return { rule: r.name, matched: true, detail: `matches, but ${decision.excluded}` };
        const decides = decision.spec.rule === r.name;
        return { rule: r.name, matched: true, detail: decides ? 'matches: the first rule that does, so it decides' : `matches, but rule ${decision.spec.rule} comes first` };
      });
      return { eniId: eni.id, decision, tags: tagsSeen(eni, instance), rules: trace };
    },
  };
}

function candidate(eni: Eni, instance: Instance | undefined, regionId = eni.regionId, at?: EvalTime): Candidate {
  // Own properties are copied into a null-prototype object, so `__proto__` and `constructor` are plain keys.
  const tags: Record<string, string> = Object.assign(Object.create(null), instance?.tags, eni.tags);
  return { eni, instance, regionId, tags, ...(at && { at }) };
}

/**
 * Why no rule matched. A rule whose tags matched but whose scope or ENI choice did not is what the policy author
 * meant for this ENI, so it alone is named ("rule web: not the primary ENI"); otherwise each rule says what it needs.
 */
function noMatch(rules: readonly CompiledRule[], misses: readonly Condition[], c: Candidate): string {
  const near = rules.findIndex((r, i) => misses[i].stage !== 'tags' && r.conditions[0].stage === 'tags');
  if (near >= 0) return `rule ${rules[near].name}: ${misses[near].why(c)}`;
  const named = rules.slice(0, REASON_RULES).map((r, i) => `${r.name} ${misses[i].why(c)}`);
  const more = rules.length - named.length;
  return `no rule matches: ${named.join('; ')}${more > 0 ? `; and ${more} more rule${more > 1 ? 's' : ''}` : ''}`;
}

function tagsSeen(eni: Eni, instance: Instance | undefined): Explanation['tags'] {
  const seen = new Map<string, Explanation['tags'][number]>();
  for (const [key, value] of Object.entries(instance?.tags ?? {})) seen.set(key, { key, value, from: 'instance' });
  for (const [key, value] of Object.entries(eni.tags)) seen.set(key, { key, value, from: 'ENI' });
  return [...seen.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// Compiled once per policy object, so callers holding a Policy get compiled speed through the plain functions too.
const compiled = new WeakMap<Policy, PolicyEvaluator>();
function evaluatorFor(policy: Policy): PolicyEvaluator {
  let e = compiled.get(policy);
  if (!e) compiled.set(policy, (e = compilePolicy(policy)));
  return e;
}

/** Decides one ENI under the policy; `regionId` defaults to the ENI's. */
export const evaluate = (policy: Policy, eni: Eni, instance: Instance | undefined, regionId?: string, writes?: OptOutWrites, removal?: OptInRemoval, at?: EvalTime): Decision =>
  evaluatorFor(policy).evaluate(eni, instance, regionId, writes, removal, at);

/** The tag keys whose last write decides a held ENI's removal from its rule (PolicyEvaluator.removalKeys). */
export const removalKeys = (policy: Policy, eni: Eni, instance: Instance | undefined, held: Held, decision: Decision, regionId?: string, at?: EvalTime): readonly string[] | undefined =>
  evaluatorFor(policy).removalKeys(eni, instance, held, decision, regionId, at);

/** The per-rule trace behind `evaluate`'s decision, for `automirror explain`. */
export const explainEni = (policy: Policy, eni: Eni, instance: Instance | undefined, regionId?: string, writes?: OptOutWrites, at?: EvalTime): Explanation =>
  evaluatorFor(policy).explain(eni, instance, regionId, writes, undefined, at);
