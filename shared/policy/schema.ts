import type { PriorityBand } from '../domain.js';
import { ENI_ID, RULE_NAME, SLB_ID } from './formats.js';
import { has, integer, isMapping, list, mapping, type Path, type Problems, show, text } from './problems.js';
import { parseCost } from './schema-cost.js';
import { parseLifecycleHooks } from './schema-lifecycle.js';
import { parseMatch } from './schema-match.js';
import { PRIORITY, parseMirror } from './schema-mirror.js';
import { parseOptOut } from './schema-optout.js';
import { parseTime } from './temporary.js';
import type { Policy, Rule, UnapprovedPolicy } from './types.js';

// The default quota (VPC "Quotas"); the hard ceiling is what one internal CLB target takes.
export const DEFAULT_SOURCES_PER_SESSION = 10;
export const MAX_SOURCES_PER_SESSION = 500;

/** A parsed document as a Policy, or undefined with every problem recorded in `p`. */
export function toPolicy(p: Problems, doc: unknown): Policy | undefined {
  const m = mapping(p, [], doc, ['version', 'rules'], ['optOut', 'quotas', 'approvedTargets', 'unapproved', 'lifecycleHooks', 'cost']);
  if (!m) return undefined;
  if (has(m, 'version') && m.version !== 1) p.add(['version'], `expected 1, got ${JSON.stringify(m.version) ?? 'nothing'}`);
  const optOut = has(m, 'optOut') ? parseOptOut(p, m.optOut) : undefined;
  const quotas = has(m, 'quotas') ? parseQuotas(p, m.quotas) : { sourcesPerSession: DEFAULT_SOURCES_PER_SESSION };
  // With the quota itself refused, pooled layouts are checked against the ceiling only, so its error is not repeated.
  const perSession = quotas?.sourcesPerSession ?? MAX_SOURCES_PER_SESSION;
  const rules = has(m, 'rules') ? list(p, ['rules'], m.rules, (path, r) => parseRule(p, path, r, perSession)) : undefined;
  if (Array.isArray(m.rules)) checkAcrossRules(p, m.rules);
  const approvedTargets = has(m, 'approvedTargets') ? list(p, ['approvedTargets'], m.approvedTargets, (path, t) => parseApprovedTarget(p, path, t)) : undefined;
  const unapproved = has(m, 'unapproved') ? parseUnapproved(p, m.unapproved) : undefined;
  const lifecycleHooks = has(m, 'lifecycleHooks') ? parseLifecycleHooks(p, m.lifecycleHooks) : undefined;
  const cost = has(m, 'cost') ? parseCost(p, m.cost) : undefined;
  if (p.list.length > 0 || !rules || !quotas) return undefined;
  return {
    version: 1,
    ...(optOut && { optOut }),
    quotas,
    rules,
    ...(approvedTargets && { approvedTargets }),
    ...(unapproved && { unapproved }),
    ...(lifecycleHooks && { lifecycleHooks }),
    ...(cost && { cost }),
  };
}

/** An approved collector: an internal CLB (`lb-…`) or an ENI (`eni-…`) id, as a rule's target names them. */
function parseApprovedTarget(p: Problems, path: Path, v: unknown): string | undefined {
  if (typeof v === 'string' && v.length <= SLB_ID.max && (SLB_ID.pattern?.test(v) || ENI_ID.pattern?.test(v))) return v;
  p.add(path, `expected ${SLB_ID.what} or ${ENI_ID.what}, got ${show(v)}`);
  return undefined;
}

export const UNAPPROVED: readonly UnapprovedPolicy[] = ['report', 'disable'];

function parseUnapproved(p: Problems, v: unknown): UnapprovedPolicy | undefined {
  if (UNAPPROVED.includes(v as UnapprovedPolicy)) return v as UnapprovedPolicy;
  p.add(['unapproved'], `expected report or disable, got ${show(v)}`);
  return undefined;
}

function parseQuotas(p: Problems, v: unknown): Policy['quotas'] | undefined {
  const m = mapping(p, ['quotas'], v, [], ['sourcesPerSession']);
  if (!m) return undefined;
  if (!has(m, 'sourcesPerSession')) return { sourcesPerSession: DEFAULT_SOURCES_PER_SESSION };
  const n = integer(p, ['quotas', 'sourcesPerSession'], m.sourcesPerSession, 1, MAX_SOURCES_PER_SESSION);
  return n === undefined ? undefined : { sourcesPerSession: n };
}

function parseRule(p: Problems, path: Path, v: unknown, sourcesPerSession: number): Rule | undefined {
  const m = mapping(p, path, v, ['name', 'match', 'mirror'], ['expires']);
  if (!m) return undefined;
  const name = text(p, [...path, 'name'], m.name, RULE_NAME);
  const match = has(m, 'match') ? parseMatch(p, [...path, 'match'], m.match) : undefined;
  const spec = has(m, 'mirror') ? parseMirror(p, [...path, 'mirror'], m.mirror, name ?? '', sourcesPerSession) : undefined;
  // A temporary mirror's expiry counts from its own session's creation: one session per ENI.
  if (match?.temporary && spec?.layout.kind === 'pooled')
    p.add([...path, 'mirror', 'layout'], 'a rule with match.temporary mirrors each ENI in its own session (per-eni): its expiry counts from that session');
  const expires = has(m, 'expires') ? parseExpires(p, [...path, 'expires'], m.expires) : undefined;
  if (name === undefined || !match || !spec || (has(m, 'expires') && expires === undefined) || (match.temporary && spec.layout.kind === 'pooled')) return undefined;
  return { name, match, spec, ...(expires !== undefined && { expires }) };
}

/** An RFC 3339 time, strictly (shared/policy/temporary.ts parseTime). */
function parseExpires(p: Problems, path: Path, v: unknown): number | undefined {
  const t = typeof v === 'string' ? parseTime(v) : { error: 'expected an RFC 3339 time like 2026-12-03T10:00:00Z (quoted)' };
  if (typeof t === 'number') return t;
  p.add(path, `${t.error}, got ${show(v)}`);
  return undefined;
}

/**
 * Names become the sessions' rule tag, and bands are the priorities a rule's sessions take: neither may be shared.
 * Checked on every rule whose name or band is readable, so these problems are listed beside the others.
 */
function checkAcrossRules(p: Problems, raw: readonly unknown[]): void {
  const names = raw.map((r) => (isMapping(r) && typeof r.name === 'string' ? r.name : undefined));
  const bands = raw.map(bandOf);
  raw.forEach((_, i) => {
    const first = names.indexOf(names[i]);
    if (names[i] !== undefined && first < i) p.add(['rules', i, 'name'], `${show(names[i])} is already the name of rules[${first}]`);
    const band = bands[i];
    const other = band ? bands.findIndex((o, j) => j < i && o !== undefined && o.min <= band.max && band.min <= o.max) : -1;
    if (band && other >= 0) {
      const o = bands[other] as PriorityBand;
      const who = names[other] === undefined ? '' : ` of rule ${show(names[other])}`;
      p.add(['rules', i, 'mirror', 'priority'], `band ${band.min}–${band.max} overlaps ${o.min}–${o.max}${who} (rules[${other}]); their sessions would compete for the same priorities`);
    }
  });
}

function bandOf(rule: unknown): PriorityBand | undefined {
  const band = isMapping(rule) && isMapping(rule.mirror) ? rule.mirror.priority : undefined;
  if (!isMapping(band)) return undefined;
  const { min, max } = band;
  const valid = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= PRIORITY.min && (n as number) <= PRIORITY.max;
  return valid(min) && valid(max) && min <= max ? { min, max } : undefined;
}
