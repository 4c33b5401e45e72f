import { IdMap } from '../core/id-map.js';
import type { SessionRec } from '../state.js';

/** The fields the indexes are built from; change them only through `SessionStore.update`. */
type Indexed = Pick<SessionRec, 'priority' | 'trafficMirrorSourceIds' | 'trafficMirrorTargetId' | 'trafficMirrorFilterId'>;

function addTo<K>(index: Map<K, Set<SessionRec>>, key: K, s: SessionRec): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(s);
}

function removeFrom<K>(index: Map<K, Set<SessionRec>>, key: K, s: SessionRec): void {
  const set = index.get(key);
  set?.delete(s);
  if (set?.size === 0) index.delete(key);
}

/**
 * A region's traffic mirror sessions with the indexes every rule check needs (sessions per source ENI, priority
 * uniqueness, sources per target, sessions per filter), so checks and `TrafficMirrorSourceId` lookups stay cheap
 * with thousands of sessions.
 */
export class SessionStore {
  private readonly byId = new IdMap<SessionRec>();
  private readonly bySource = new Map<string, Set<SessionRec>>();
  private readonly byPriority = new Map<number, Set<SessionRec>>();
  private readonly byTarget = new Map<string, Set<SessionRec>>();
  private readonly byFilter = new Map<string, Set<SessionRec>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): SessionRec | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<SessionRec> {
    return this.byId.values();
  }

  sorted(): readonly SessionRec[] {
    return this.byId.sorted();
  }

  add(s: SessionRec): void {
    this.byId.set(s.trafficMirrorSessionId, s);
    this.index(s);
  }

  delete(s: SessionRec): void {
    this.byId.delete(s.trafficMirrorSessionId);
    this.unindex(s);
  }

  update(s: SessionRec, change: Partial<Indexed>): void {
    this.unindex(s);
    Object.assign(s, change);
    this.index(s);
  }

  withSource(eniId: string): SessionRec[] {
    return [...(this.bySource.get(eniId) ?? [])];
  }

  withPriority(priority: number): SessionRec[] {
    return [...(this.byPriority.get(priority) ?? [])];
  }

  withTarget(targetId: string): SessionRec[] {
    return [...(this.byTarget.get(targetId) ?? [])];
  }

  countWithFilter(filterId: string): number {
    return this.byFilter.get(filterId)?.size ?? 0;
  }

  private index(s: SessionRec): void {
    for (const src of s.trafficMirrorSourceIds) addTo(this.bySource, src, s);
    addTo(this.byPriority, s.priority, s);
    addTo(this.byTarget, s.trafficMirrorTargetId, s);
    addTo(this.byFilter, s.trafficMirrorFilterId, s);
  }

  private unindex(s: SessionRec): void {
    for (const src of s.trafficMirrorSourceIds) removeFrom(this.bySource, src, s);
    removeFrom(this.byPriority, s.priority, s);
    removeFrom(this.byTarget, s.trafficMirrorTargetId, s);
    removeFrom(this.byFilter, s.trafficMirrorFilterId, s);
  }
}
