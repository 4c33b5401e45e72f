import type { Eni, MirrorSpec, Ownership, PoolTarget, Session } from '../shared/domain.js';
import { ownerTags } from '../shared/engine/ownership.js';
import type { PlanInput } from '../shared/engine/plan.js';
import type { Decision } from '../shared/policy/evaluate.js';

/**
 * A region-sized plan input, deterministic for a given size: ENIs in four zones under two rules (per-ENI web over a
 * 40-collector pool with zone affinity; pooled db over 10), one in ten excluded. A quarter as many sessions: mostly
 * owned per-ENI sessions already mirroring web ENIs (some drifting, a few duplicated), pooled db sessions, sessions
 * of a rule that no longer exists, and sessions automirror does not own.
 */
/** Owned sessions as the adapter verified them: proven under the signing key. */
const PROVEN: Ownership = { verdict: 'proven', kid: 'k1', current: true };
const NOT_CLAIMED: Ownership = { verdict: 'none' };

export function planInput(eniCount: number, sessionCount: number): PlanInput {
  const zones = ['cn-hangzhou-h', 'cn-hangzhou-i', 'cn-hangzhou-j', 'cn-hangzhou-k'];
  const pool = (prefix: string, n: number): PoolTarget[] => Array.from({ length: n }, (_, i) => ({ target: { kind: 'SLB', id: `lb-${prefix}${i}` }, capacity: 500, zoneId: zones[i % 4] }));
  const base = { filterId: 'tmf-all', packetLength: 1500, enabled: true } as const;
  const web: MirrorSpec = { ...base, rule: 'web', targets: pool('web', 40), priorityBand: { min: 1, max: 24_999 }, layout: { kind: 'per-eni' }, sessionName: 'am-{rule}-{eni}' };
  const db: MirrorSpec = { ...base, rule: 'db', targets: pool('db', 10), priorityBand: { min: 25_000, max: 32_766 }, layout: { kind: 'pooled', maxSources: 10 } };

  const id = (i: number) => `eni-${i.toString(36).padStart(6, '0')}`;
  const enis: Eni[] = [];
  const decisions: Decision[] = [];
  for (let i = 0; i < eniCount; i++) {
    const eniId = id(i);
    enis.push({ id: eniId, regionId: 'cn-hangzhou', instanceId: `i-${i}`, primary: true, status: 'InUse', vpcId: 'vpc-1', vSwitchId: 'vsw-1', zoneId: zones[i % 4], serviceManaged: false, tags: {} });
    const k = i % 10;
    decisions.push(k === 9 ? { eniId, excluded: 'no rule matches its tags' } : { eniId, spec: k >= 7 ? db : web });
  }

  const sessions: Session[] = [];
  const session = (sources: string[], rule: string | null, over: Partial<Session> = {}): void => {
    const n = sessions.length;
    sessions.push({
      id: `tms-${n.toString(36).padStart(6, '0')}`,
      name: rule === 'web' ? `am-web-${sources[0]}` : '',
      status: 'Created',
      enabled: true,
      priority: rule === 'db' ? 25_000 + n : 1 + ((n * 7) % 24_999),
      vni: 1,
      packetLength: 1500,
      filterId: 'tmf-all',
      target: { kind: 'SLB', id: rule === 'db' ? `lb-db${n % 10}` : `lb-web${n % 40}` },
      sourceIds: sources,
      tags: rule === null ? { team: 'netops' } : ownerTags(rule),
      ownership: rule === null ? NOT_CLAIMED : PROVEN,
      ...over,
    });
  };
  const webEnis = decisions.filter((d) => 'spec' in d && d.spec.rule === 'web').map((d) => d.eniId);
  const dbEnis = decisions.filter((d) => 'spec' in d && d.spec.rule === 'db').map((d) => d.eniId);
  const budget = { web: Math.floor(sessionCount * 0.7), db: Math.floor(sessionCount * 0.1), retired: Math.floor(sessionCount * 0.1) };
  for (let i = 0; i < budget.web && i < webEnis.length; i++) session([webEnis[i]], 'web', i % 10 === 0 ? { enabled: false } : i % 50 === 1 ? { packetLength: 9000 } : {});
  for (let i = 0; i < budget.db; i++) session(dbEnis.slice(i * 7, i * 7 + 1 + (i % 7)), 'db');
  for (let i = 0; i < budget.retired; i++) session([id(i * 3 + 1)], 'retired');
  while (sessions.length < sessionCount) session([id((sessions.length * 13) % eniCount)], null);
  return { decisions, enis, sessions, rules: ['web', 'db'] };
}
