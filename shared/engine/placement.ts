import type { MirrorTarget, PoolTarget, Session } from '../domain.js';

export const targetLabel = (t: MirrorTarget): string => `${t.kind}:${t.id}`;

/** Labels of the pool targets the region no longer has: CLBs DescribeLoadBalancers does not return, ENIs not read. */
export function goneTargets(targets: readonly MirrorTarget[], live: { readonly slbs: { has(id: string): boolean }; readonly enis: ReadonlySet<string> }): Set<string> {
  return new Set(targets.filter((t) => !(t.kind === 'SLB' ? live.slbs : live.enis).has(t.id)).map(targetLabel));
}

/** Why an opted-in ENI is withheld from the plan: its rule names no target the region still has. */
export const goneReason = (rule: string, targets: readonly string[]): string =>
  `rule ${rule}'s target${targets.length > 1 ? 's' : ''} ${targets.join(', ')} no longer exist${targets.length > 1 ? '' : 's'} in the region: nothing is mirrored until the policy names a live one`;

export const sameTarget = (a: MirrorTarget, b: MirrorTarget): boolean => a.kind === b.kind && a.id === b.id;

/** Zone affinity tiers: a target of the ENI's zone, then one serving any zone, then one preferring another zone. */
function tier(t: PoolTarget, zoneId: string | undefined): number {
  if (t.zoneId === undefined) return 1;
  return zoneId !== undefined && t.zoneId === zoneId ? 0 : 2;
}

/** Pooled sessions still filling, for TargetBook.choose: free slots of the open session per target id. */
export interface Filling {
  free(targetId: string): number | undefined;
  /** Whether a new session may be opened (false when a sessions quota is reached). */
  readonly opens: boolean;
}

const NO_FILLING: Filling = { free: () => undefined, opens: true };

/** Lexicographic order of equal-length keys; ties keep the earlier (pool order). */
function before(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/**
 * Sources per mirror target, counting every session read (owned or not) plus what the plan places, so no target
 * is filled past its capacity.
 */
export class TargetBook {
  private readonly used = new Map<string, number>();

  constructor(sessions: readonly Session[]) {
    for (const s of sessions) this.add(s.target.id, s.sourceIds.length);
  }

  usage(targetId: string): number {
    return this.used.get(targetId) ?? 0;
  }

  add(targetId: string, n: number): void {
    this.used.set(targetId, this.usage(targetId) + n);
  }

  /**
   * The pool target for `n` more sources from an ENI in `zoneId`: zone affinity first; within a tier, a target
   * whose open session (`free`: the free slots of a pooled session of the rule there still filling, undefined when
   * none) takes them, fewest free slots first, so sessions fill before new ones open; then the most remaining
   * capacity, then pool order. `opens: false` (no new session may be created) leaves only targets with an open
   * session. Undefined when no target has room.
   */
  choose(pool: readonly PoolTarget[], zoneId: string | undefined, n: number, fill: Filling = NO_FILLING): PoolTarget | undefined {
    let best: PoolTarget | undefined;
    let bestKey: readonly number[] = [];
    for (const t of pool) {
      const room = t.capacity - this.usage(t.target.id);
      if (room < n) continue;
      const free = fill.free(t.target.id);
      const open = free !== undefined && free >= n;
      if (!open && !fill.opens) continue;
      const key = [tier(t, zoneId), open ? 0 : 1, open ? free : 0, -room];
      if (!best || before(key, bestKey)) [best, bestKey] = [t, key];
    }
    return best;
  }

  /** "lb-a 500/500, lb-b 498/500": why a pool had no room, for a report. */
  describe(pool: readonly PoolTarget[]): string {
    return pool.map((t) => `${t.target.id} ${this.usage(t.target.id)}/${t.capacity}`).join(', ');
  }
}
