import type { Eni, MirrorSpec, Ownership, PoolTarget, Session } from '../../shared/domain.js';
import { ownerTags } from '../../shared/engine/ownership.js';
import type { Decision } from '../../shared/policy/evaluate.js';

/** Plain-data builders for the pure core's tests: a rule's spec, ENIs, sessions and decisions. */
export const slb = (id: string, capacity = 500, zoneId?: string): PoolTarget => ({ target: { kind: 'SLB', id }, capacity, zoneId });

export function spec(over: Partial<MirrorSpec> = {}): MirrorSpec {
  return {
    rule: 'web',
    targets: [slb('lb-1')],
    filterId: 'tmf-1',
    packetLength: 1500,
    enabled: true,
    priorityBand: { min: 1000, max: 1999 },
    layout: { kind: 'per-eni' },
    ...over,
  };
}

export const pooled = (maxSources: number, over: Partial<MirrorSpec> = {}): MirrorSpec => spec({ layout: { kind: 'pooled', maxSources }, ...over });

export function eni(id: string, over: Partial<Eni> = {}): Eni {
  return { id, regionId: 'cn-hangzhou', primary: true, status: 'InUse', vpcId: 'vpc-1', vSwitchId: 'vsw-1', zoneId: 'cn-hangzhou-h', serviceManaged: false, tags: {}, ...over };
}

/** The verdicts the adapter gives a session it verified (the pure core sees only these). */
export const PROVEN: Ownership = { verdict: 'proven', kid: 'k1', current: true };
export const NOT_CLAIMED: Ownership = { verdict: 'none' };

/** An owned (proven) session of `rule` (pass rule: null for one automirror does not own). */
export function session(id: string, sourceIds: string[], over: Partial<Session> & { rule?: string | null } = {}): Session {
  const { rule = 'web', ...rest } = over;
  return {
    id,
    name: '',
    status: 'Created',
    enabled: true,
    priority: 1500,
    vni: 7,
    packetLength: 1500,
    filterId: 'tmf-1',
    target: { kind: 'SLB', id: 'lb-1' },
    sourceIds,
    tags: rule === null ? { team: 'netops' } : ownerTags(rule),
    ownership: rule === null ? NOT_CLAIMED : PROVEN,
    ...rest,
  };
}

export const opted = (eniId: string, s: MirrorSpec = spec()): Decision => ({ eniId, spec: s });
export const excluded = (eniId: string, why = 'no rule matches its tags'): Decision => ({ eniId, excluded: why });

/** A deterministic shuffle (an LCG seeded by `seed`): order-independence tests get the same orders every run. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed + 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
