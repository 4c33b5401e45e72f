import type { Eni, MirrorSpec, MirrorTarget, PriorityBand, Session, SessionDraft } from '../domain.js';
import type { Policy } from '../policy/types.js';
import { INSTANCE_TAG, RULE_TAG } from './ownership.js';
import { sameTarget, targetLabel } from './placement.js';

/**
 * What automirror would create for a placement: a claim without its proof is waited for only when it is exactly this
 * (anyone allowed to create and tag can write a claim; one that differs is forged at once, so it can't hold a rule off).
 */
export interface ExpectedClaim {
  readonly rule: string;
  readonly pool: readonly MirrorTarget[];
  readonly band: PriorityBand;
  readonly filterId: string;
  /** Undefined: the cloud picks it, any VNI is what automirror would have had. */
  readonly vni?: number;
  readonly packetLength: number;
  readonly enabled: boolean;
  readonly sources: readonly string[];
  /** Per-ENI sessions: one source, tagged with its ENI's instance (not checked when that is not known here). */
  readonly perEni: boolean;
  readonly instanceId?: string;
}

/** What the planner would create under `spec` for `eniId` (attached to `instanceId`). */
export const expectedOf = (spec: MirrorSpec, eniId: string, instanceId: string | undefined): ExpectedClaim => {
  const perEni = spec.layout.kind !== 'pooled';
  const { rule, filterId, vni, packetLength, enabled, priorityBand: band } = spec;
  return { rule, pool: spec.targets.map((t) => t.target), band, filterId, vni, packetLength, enabled, sources: [eniId], perEni, instanceId: perEni ? instanceId : undefined };
};

/** What a create about to be written expects of another writer's identical create (apply meets it at a priority). */
export const expectedOfDraft = (rule: string, d: SessionDraft, band: PriorityBand): ExpectedClaim => ({
  rule,
  pool: [d.target],
  band,
  filterId: d.filterId,
  vni: d.vni,
  packetLength: d.packetLength,
  enabled: d.enabled,
  sources: d.sourceIds,
  perEni: d.tags[INSTANCE_TAG] !== undefined,
  instanceId: d.tags[INSTANCE_TAG],
});

/** Why `s` is not the session automirror would have made for `e`; undefined when it is. */
export function claimMismatch(s: Session, e: ExpectedClaim): string | undefined {
  if (s.tags[RULE_TAG] !== e.rule) return `its rule tag is not ${e.rule}`;
  if (!e.pool.some((t) => sameTarget(t, s.target))) return `its target ${targetLabel(s.target)} is not in rule ${e.rule}'s pool`;
  if (s.filterId !== e.filterId) return `its filter ${s.filterId} is not rule ${e.rule}'s ${e.filterId}`;
  if (s.priority < e.band.min || s.priority > e.band.max) return `its priority ${s.priority} is outside rule ${e.rule}'s band ${e.band.min}–${e.band.max}`;
  if (e.vni !== undefined && s.vni !== e.vni) return `its VNI ${s.vni} is not rule ${e.rule}'s ${e.vni}`;
  if (s.packetLength !== e.packetLength) return `its packet length ${s.packetLength} is not rule ${e.rule}'s ${e.packetLength}`;
  if (s.enabled !== e.enabled) return `it is ${s.enabled ? 'enabled' : 'disabled'}, rule ${e.rule}'s sessions are not`;
  if (!e.sources.every((x) => s.sourceIds.includes(x))) return `it does not mirror ${e.sources.join(', ')}`;
  if (e.perEni && s.sourceIds.length !== 1) return `rule ${e.rule} makes one session per ENI, it has ${s.sourceIds.length} sources`;
  if (e.perEni && e.instanceId !== undefined && s.tags[INSTANCE_TAG] !== e.instanceId) return `its instance tag ${s.tags[INSTANCE_TAG] ?? '(none)'} is not ${e.instanceId}'s`;
  if (!e.perEni && s.tags[INSTANCE_TAG] !== undefined) return `rule ${e.rule}'s pooled sessions carry no instance tag`;
  return undefined;
}

/**
 * A claim without proof yet (moments old) that is exactly what automirror would have made here: most likely another
 * invocation between its Create and its proof, waited for rather than duplicated. The one test plan and apply ask.
 */
export const awaitsProof = (s: Session, e: ExpectedClaim): boolean => s.ownership.verdict === 'pending' && s.status !== 'Deleting' && claimMismatch(s, e) === undefined;

/**
 * The sessions as read, with each pending claim that is not what its rule would make for its first source (of
 * `enis`, when read) turned into a forged claim at once: reported as such and never waited for. Pure; the event path
 * and the region scan both read sessions through it.
 */
export function judgePending(sessions: readonly Session[], policy: Policy, enis: readonly Eni[]): Session[] {
  if (!sessions.some((s) => s.ownership.verdict === 'pending')) return [...sessions];
  const specs = new Map(policy.rules.map((r) => [r.name, r.spec]));
  const instances = new Map(enis.map((e) => [e.id, e.instanceId]));
  return sessions.map((s) => {
    if (s.ownership.verdict !== 'pending') return s;
    const spec = specs.get(s.tags[RULE_TAG] ?? '');
    const first = s.sourceIds[0];
    const why = !spec ? 'its rule tag names no rule of the policy' : first === undefined ? 'it has no source' : claimMismatch(s, expectedOf(spec, first, instances.get(first)));
    return why === undefined ? s : { ...s, ownership: { verdict: 'forged', why: `it claims automirror's ownership with no proof and is not what automirror would have made: ${why}` } };
  });
}
