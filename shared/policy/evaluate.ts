import type { Eni, Instance, MirrorSpec, Tags } from '../domain.js';
import type { Policy } from './types.js';

export type Decision = { readonly eniId: string; readonly spec: MirrorSpec } | { readonly eniId: string; readonly excluded: string };

/** ENI tags override the instance's for the same key. */
export const effectiveTags = (eni: Eni, instance: Instance | undefined): Tags => ({ ...(instance?.tags ?? {}), ...eni.tags });

/** Decides, for one ENI, the mirror spec of the first matching rule, or why it is not mirrored. Pure. */
export function evaluate(policy: Policy, eni: Eni, instance: Instance | undefined): Decision {
  const eniId = eni.id;
  if (eni.serviceManaged) return { eniId, excluded: 'service-managed ENIs cannot be mirror sources' };
  const tags = effectiveTags(eni, instance);
  const o = policy.optOut;
  if (o && o.key in tags && (o.value === undefined || tags[o.key] === o.value)) {
    return { eniId, excluded: `opt-out tag ${o.key}${o.value === undefined ? '' : `=${o.value}`} is set` };
  }
  for (const rule of policy.rules) {
    if (Object.entries(rule.matchTags).every(([k, v]) => tags[k] === v)) {
      const m = rule.mirror;
      return {
        eniId,
        spec: {
          rule: rule.name,
          targets: [{ target: m.target, capacity: m.target.kind === 'SLB' ? 500 : 20 }],
          filterId: m.filterId,
          vni: m.vni,
          packetLength: m.packetLength,
          enabled: m.enabled,
          priorityBand: m.priority,
          layout: { kind: 'per-eni' },
        },
      };
    }
  }
  return { eniId, excluded: 'no rule matches its tags' };
}
