import type { Eni, MirrorSpec, MirrorTarget, Session, SessionChanges, SessionDraft } from '../domain.js';
import { renderSessionName } from '../policy/session-name.js';
import type { FieldChange } from './actions.js';
import { ownerTags } from './ownership.js';
import { sameTarget, targetLabel } from './placement.js';

/** What a session name template's tokens stand for: a per-ENI session's ENI, or a pooled session's zone and index. */
export interface NameContext {
  readonly eniId?: string;
  readonly eni?: Eni;
  readonly zoneId?: string;
  readonly index?: number;
}

/**
 * The name the rule's template gives a session (tokens as shared/policy/session-name.ts defines them); undefined
 * when the rule names nothing, or when it can't be known: a pooled template with {index} for an existing session
 * (its index is not recorded), or a per-ENI template for a session of several ENIs.
 */
export function sessionName(spec: MirrorSpec, ctx: NameContext): string | undefined {
  const template = spec.sessionName;
  if (!template) return undefined;
  if (spec.layout.kind === 'pooled') {
    if (ctx.index === undefined && template.includes('{index}')) return undefined;
    return renderSessionName(template, { rule: spec.rule, zone: ctx.zoneId ?? '', ...(ctx.index !== undefined && { index: ctx.index }) });
  }
  if (ctx.eniId === undefined) return undefined;
  return renderSessionName(template, { rule: spec.rule, eni: ctx.eniId, instance: ctx.eni?.instanceId ?? '', zone: ctx.eni?.zoneId ?? '' });
}

/**
 * The CreateTrafficMirrorSession request for `sources` under `spec`, tagged with automirror's ownership at birth
 * (and, for a per-ENI session, the ENI's instance).
 */
export function draftFor(spec: MirrorSpec, target: MirrorTarget, sources: readonly string[], priority: number, name: string | undefined, instanceId?: string): SessionDraft {
  return {
    name,
    sourceIds: sources,
    target,
    filterId: spec.filterId,
    priority,
    vni: spec.vni,
    packetLength: spec.packetLength,
    enabled: spec.enabled,
    tags: ownerTags(spec.rule, instanceId),
  };
}

/** A difference found, with the API change that fixes it. */
export interface Drift {
  readonly change: FieldChange;
  readonly set: SessionChanges;
}

/**
 * The attributes of an owned session that differ from its rule's spec and need no allocation: filter, VNI (only
 * when the spec fixes one; a cloud-picked VNI is never drift), enabled, packet length and name. Packet length is
 * updated in place: UpdateTrafficMirrorSessionAttribute documents PacketLength, so Terraform's ForceNew would only
 * interrupt mirroring for nothing.
 */
export function attributeDrift(s: Session, spec: MirrorSpec, wantedName: string | undefined): Drift[] {
  const out: Drift[] = [];
  if (s.filterId !== spec.filterId) out.push({ change: { field: 'filterId', wanted: spec.filterId, actual: s.filterId }, set: { filterId: spec.filterId } });
  if (spec.vni !== undefined && s.vni !== spec.vni) out.push({ change: { field: 'vni', wanted: spec.vni, actual: s.vni }, set: { vni: spec.vni } });
  if (s.enabled !== spec.enabled) out.push({ change: { field: 'enabled', wanted: spec.enabled, actual: s.enabled }, set: { enabled: spec.enabled } });
  if (s.packetLength !== spec.packetLength) {
    out.push({ change: { field: 'packetLength', wanted: spec.packetLength, actual: s.packetLength }, set: { packetLength: spec.packetLength } });
  }
  if (wantedName !== undefined && s.name !== wantedName) out.push({ change: { field: 'name', wanted: wantedName, actual: s.name }, set: { name: wantedName } });
  return out;
}

export const targetDrift = (s: Session, to: MirrorTarget): Drift => ({
  change: { field: 'target', wanted: targetLabel(to), actual: targetLabel(s.target) },
  set: { target: to },
});

export const priorityDrift = (s: Session, to: number): Drift => ({ change: { field: 'priority', wanted: to, actual: s.priority }, set: { priority: to } });

export const inPool = (spec: MirrorSpec, t: MirrorTarget): boolean => spec.targets.some((p) => sameTarget(p.target, t));

export const inBand = (spec: MirrorSpec, priority: number): boolean => priority >= spec.priorityBand.min && priority <= spec.priorityBand.max;
