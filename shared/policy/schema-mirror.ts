import type { MirrorSpec, PoolTarget, PriorityBand, SessionLayout } from '../domain.js';
import { ENI_ID, FILTER_ID, SESSION_NAME, SLB_ID, ZONE } from './formats.js';
import { boolean, has, integer, isMapping, list, mapping, oneOf, type Path, type Problems, show, text } from './problems.js';
import { sessionNameProblems } from './session-name.js';
import { MAX_VNI, perRuleVni } from './vni.js';

export const MIRROR_REQUIRED = ['filter', 'priority'] as const;
export const MIRROR_OPTIONAL = ['target', 'pool', 'vni', 'packetLength', 'enabled', 'sessionName', 'layout'] as const;
// Sources a target takes across all sessions (VPC "Traffic mirroring overview" and "Quotas"): an internal CLB takes 500 at most; an ENI target 20, or
// 200 on the large instance types.
export const CAPACITY = {
  slb: { kind: 'SLB', format: SLB_ID, byDefault: 500, max: 500 },
  eni: { kind: 'NetworkInterface', format: ENI_ID, byDefault: 20, max: 200 },
} as const;

/** Session priorities the cloud accepts; unique per account and region. */
export const PRIORITY: PriorityBand = { min: 1, max: 32766 };

/** Bytes of each packet mirrored (VPC CreateTrafficMirrorSession PacketLength). */
export const PACKET_LENGTH = { min: 64, max: 8500, byDefault: 1500 } as const;

/** A rule's `mirror` as the engine's MirrorSpec, defaults filled in; `sourcesPerSession` bounds pooled layouts. */
export function parseMirror(p: Problems, path: Path, v: unknown, rule: string, sourcesPerSession: number): MirrorSpec | undefined {
  const m = mapping(p, path, v, MIRROR_REQUIRED, MIRROR_OPTIONAL);
  if (!m) return undefined;
  const at = (field: string) => [...path, field];
  const which = oneOf(p, path, m, ['target', 'pool']);
  const targets = which === 'target' ? single(parseTarget(p, at('target'), m.target, false)) : which === 'pool' ? parsePool(p, at('pool'), m.pool) : undefined;
  const filterId = text(p, at('filter'), m.filter, FILTER_ID);
  const vni = parseVni(p, at('vni'), m, rule);
  const packetLength = has(m, 'packetLength') ? integer(p, at('packetLength'), m.packetLength, PACKET_LENGTH.min, PACKET_LENGTH.max) : PACKET_LENGTH.byDefault;
  const enabled = has(m, 'enabled') ? boolean(p, at('enabled'), m.enabled) : true;
  const priorityBand = parseBand(p, at('priority'), m.priority);
  const layout = has(m, 'layout') ? parseLayout(p, at('layout'), m.layout, sourcesPerSession) : ({ kind: 'per-eni' } as const);
  let sessionName: string | undefined;
  if (has(m, 'sessionName')) {
    sessionName = text(p, at('sessionName'), m.sessionName, SESSION_NAME);
    if (sessionName !== undefined && layout) for (const msg of sessionNameProblems(sessionName, rule, layout)) p.add(at('sessionName'), msg);
  }
  if (!targets || filterId === undefined || vni === false || packetLength === undefined || enabled === undefined || !priorityBand || !layout) return undefined;
  return { rule, targets, filterId, vni, packetLength, enabled, priorityBand, sessionName, layout };
}

const single = (t: PoolTarget | undefined) => t && [t];

function parsePool(p: Problems, path: Path, v: unknown): PoolTarget[] | undefined {
  const pool = list(p, path, v, (ip, x) => parseTarget(p, ip, x, true));
  pool?.forEach((t, i) => {
    const first = pool.findIndex((o) => o.target.id === t.target.id);
    if (first < i) p.add([...path, i], `${t.target.id} is already in the pool at [${first}]`);
  });
  return pool;
}

/** `{slb: lb-…}` or `{eni: eni-…}`, with a capacity and, in a pool, the zone it serves. */
function parseTarget(p: Problems, path: Path, v: unknown, inPool: boolean): PoolTarget | undefined {
  const m = mapping(p, path, v, [], inPool ? ['slb', 'eni', 'capacity', 'zone'] : ['slb', 'eni', 'capacity']);
  if (!m) return undefined;
  const key = oneOf(p, path, m, ['slb', 'eni']) as keyof typeof CAPACITY | undefined;
  if (!key) return undefined;
  const c = CAPACITY[key];
  const id = text(p, [...path, key], m[key], c.format);
  const capacity = has(m, 'capacity') ? integer(p, [...path, 'capacity'], m.capacity, 1, c.max) : c.byDefault;
  const zoneId = has(m, 'zone') ? text(p, [...path, 'zone'], m.zone, ZONE) : undefined;
  if (id === undefined || capacity === undefined || (has(m, 'zone') && zoneId === undefined)) return undefined;
  return { target: { kind: c.kind, id }, capacity, ...(zoneId !== undefined && { zoneId }) };
}

/** A fixed VNI, `per-rule`, or none (the cloud picks); `false` when refused. */
function parseVni(p: Problems, path: Path, m: Record<string, unknown>, rule: string): number | undefined | false {
  if (!has(m, 'vni')) return undefined;
  if (m.vni === 'per-rule') return perRuleVni(rule);
  if (Number.isInteger(m.vni) && (m.vni as number) >= 0 && (m.vni as number) <= MAX_VNI) return m.vni as number;
  p.add(path, `expected an integer 0–${MAX_VNI} or per-rule, got ${show(m.vni)}`);
  return false;
}

function parseBand(p: Problems, path: Path, v: unknown): PriorityBand | undefined {
  const m = mapping(p, path, v, ['min', 'max']);
  if (!m) return undefined;
  const min = integer(p, [...path, 'min'], m.min, PRIORITY.min, PRIORITY.max);
  const max = integer(p, [...path, 'max'], m.max, PRIORITY.min, PRIORITY.max);
  if (min === undefined || max === undefined) return undefined;
  if (min > max) {
    p.add(path, `expected min ≤ max, got ${min}–${max}`);
    return undefined;
  }
  return { min, max };
}

function parseLayout(p: Problems, path: Path, v: unknown, sourcesPerSession: number): SessionLayout | undefined {
  if (v === 'per-eni') return { kind: 'per-eni' };
  if (!isMapping(v)) {
    p.add(path, `expected per-eni or {pooled: N}, got ${show(v)}`);
    return undefined;
  }
  const m = mapping(p, path, v, ['pooled']);
  if (!m || !has(m, 'pooled')) return undefined;
  const n = m.pooled as number;
  if (Number.isInteger(n) && n >= 1 && n <= sourcesPerSession) return { kind: 'pooled', maxSources: n };
  p.add([...path, 'pooled'], `expected an integer 1–${sourcesPerSession} (the sources-per-session quota; declare quotas.sourcesPerSession if the account's was raised), got ${show(m.pooled)}`);
  return undefined;
}
