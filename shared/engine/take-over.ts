import type { Eni, MirrorSpec, Session, Tags } from '../domain.js';
import type { Decision } from '../policy/evaluate.js';
import { attributeDrift, type Drift, inBand, inPool, sessionName } from './desired.js';
import { claimsOwnership, isOwned, ownerTags } from './ownership.js';
import { targetLabel } from './placement.js';

/**
 * Tags that say a session is Terraform's. The Terraform provider writes no tag of its own and its sessions carry
 * nothing else recognisable (its requests' user agent is not in ListTrafficMirrorSessions), so this is the
 * convention the README asks Terraform users to follow — `managed-by = "terraform"` — and the common spellings of it.
 * A Terraform session without such a tag can't be told from a hand-made one.
 */
const MANAGED_BY = /^(managed[-_.]?by|created[-_.]?by|provisioner|iac)$/i;
const TERRAFORM_KEY = /^(terraform|tf)([-_.:/]|$)/i;

/** The tag that marks `s` as Terraform's, as `key=value`; undefined when it carries none. */
export function terraformTrace(s: Pick<Session, 'tags'>): string | undefined {
  for (const [key, value] of Object.entries(s.tags)) {
    if (TERRAFORM_KEY.test(key) || (MANAGED_BY.test(key) && /terraform/i.test(value))) return `${key}=${value}`;
  }
  return undefined;
}

/** What the policy says of the sources of unowned sessions: each ENI read and the decision for it. */
export interface SourceView {
  readonly enis: ReadonlyMap<string, Eni>;
  readonly decisions: ReadonlyMap<string, Decision>;
}

/** Taking over a session nobody claims for automirror: the rule it would be, the updates that bring it there, and its claim tags. */
export type TakeOver =
  | { readonly adopt: true; readonly rule: string; readonly changes: readonly Drift[]; readonly tags: Tags; readonly reason: string }
  | { readonly adopt: false; readonly reason: string };

/**
 * Whether `automirror adopt` may take `s` over: it claims nothing (an owned or claimed session is not this
 * command's), it is Created, it carries no Terraform trace (unless `force`), every source is read and opted in under
 * one rule, the session fits that rule's layout (one source per-ENI, at most the pool size pooled), its target is in
 * the rule's pool and its priority in the rule's band. What differs besides (filter, VNI, enabled, packet length,
 * name) is brought to the rule by updates before the claim is written. Target and priority are not moved: they are
 * allocations the planner makes against every other session, so a session outside them is not adoptable as it is.
 */
export function takeOver(s: Session, specs: ReadonlyMap<string, MirrorSpec>, view: SourceView, opts: { force?: boolean } = {}): TakeOver {
  if (isOwned(s)) return { adopt: false, reason: 'it is automirror’s already' };
  if (claimsOwnership(s.tags)) return { adopt: false, reason: 'it claims automirror’s ownership without a valid proof: see adopt --legacy' };
  if (s.status !== 'Created') return { adopt: false, reason: `it is ${s.status}, not Created` };
  const trace = terraformTrace(s);
  if (trace && !opts.force) return { adopt: false, reason: `it carries Terraform's trace (${trace}): adopt it only with --force, and only once Terraform has let it go` };
  if (s.sourceIds.length === 0) return { adopt: false, reason: 'it has no sources' };
  let rule: string | undefined;
  for (const src of s.sourceIds) {
    const d = view.decisions.get(src);
    if (!d) return { adopt: false, reason: `its source ${src} could not be read` };
    if (!('spec' in d)) return { adopt: false, reason: `its source ${src} is not opted in: ${d.excluded}` };
    if (rule !== undefined && d.spec.rule !== rule) return { adopt: false, reason: `its sources belong to rules ${rule} and ${d.spec.rule}` };
    rule = d.spec.rule;
  }
  const spec = specs.get(rule ?? '');
  if (!spec || rule === undefined) return { adopt: false, reason: 'its rule is not in the policy' };
  const first = view.enis.get(s.sourceIds[0]);
  if (spec.layout.kind === 'per-eni' && s.sourceIds.length > 1) return { adopt: false, reason: `rule ${rule} mirrors each ENI in its own session; this one has ${s.sourceIds.length} sources` };
  if (spec.layout.kind === 'pooled' && s.sourceIds.length > spec.layout.maxSources) {
    return { adopt: false, reason: `it has ${s.sourceIds.length} sources, more than rule ${rule}'s pool of ${spec.layout.maxSources}` };
  }
  if (!inPool(spec, s.target)) return { adopt: false, reason: `its target ${targetLabel(s.target)} is not one of rule ${rule}'s` };
  if (!inBand(spec, s.priority)) return { adopt: false, reason: `its priority ${s.priority} is outside rule ${rule}'s band ${spec.priorityBand.min}–${spec.priorityBand.max}` };
  const perEni = spec.layout.kind === 'per-eni';
  const name = perEni ? sessionName(spec, { eniId: s.sourceIds[0], eni: first }) : sessionName(spec, { zoneId: first?.zoneId });
  const changes = attributeDrift(s, spec, name);
  const tags = ownerTags(rule, perEni ? first?.instanceId : undefined);
  const what = changes.length === 0 ? 'as it is' : `after ${changes.map((c) => `${c.change.field} ${c.change.actual} → ${c.change.wanted}`).join(', ')}`;
  return { adopt: true, rule, changes, tags, reason: `matches rule ${rule} ${what} (${targetLabel(s.target)}, priority ${s.priority})` };
}

/** How the report sees a session automirror does not own. */
export type UnownedClass = 'adoptable' | 'conflicting' | 'unrelated';

/**
 * `adoptable`: `automirror adopt` would take it over; `conflicting`: it holds a slot of an ENI the policy opts in, or
 * a priority inside a rule's band (automirror's own sessions then work around it); `unrelated`: neither.
 */
export function classifyUnowned(s: Session, specs: ReadonlyMap<string, MirrorSpec>, view: SourceView): { readonly class: UnownedClass; readonly why: string } {
  const t = takeOver(s, specs, view);
  if (t.adopt) return { class: 'adoptable', why: t.reason };
  const held = s.sourceIds.filter((id) => {
    const d = view.decisions.get(id);
    return d !== undefined && 'spec' in d;
  });
  if (held.length > 0) return { class: 'conflicting', why: `holds a slot of opted-in ${held.join(', ')}; ${t.reason}` };
  const band = [...specs.values()].find((sp) => inBand(sp, s.priority));
  if (band) return { class: 'conflicting', why: `holds priority ${s.priority} in rule ${band.rule}'s band` };
  return { class: 'unrelated', why: t.reason };
}
