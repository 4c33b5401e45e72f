import type { CloudEvent } from '../events/cloud-event.js';
import type { CloudState } from '../state.js';

/** One ActionTrail event as LookupEvents returns it, with what the filters compare. */
export interface TrailRecord {
  readonly seq: number;
  readonly timeMs: number;
  readonly event: Record<string, unknown>;
  /** Ids of the resources the event names (referencedResources), and their ActionTrail resource types. */
  readonly resources: ReadonlySet<string>;
  readonly resourceTypes: ReadonlySet<string>;
}

/** ActionTrail keeps 90 days of events for LookupEvents (ActionTrail "Limits": event history, 90 days). */
export const RETENTION_MS = 90 * 24 * 3600 * 1000;

const isTrailType = (type: string) => /:ActionTrail:(ApiCall|ConsoleOperation)$/.test(type);

/**
 * The account's event history: every ActionTrail record the services publish to the bus (each write they serve),
 * kept for the retention period and at most `limit` records (oldest dropped first).
 */
export class Trail {
  private readonly records: TrailRecord[] = [];
  private seq = 0;

  constructor(
    private readonly state: CloudState,
    private readonly limit: number,
  ) {
    state.events.subscribe((e) => this.record(e));
  }

  private record(e: CloudEvent): void {
    if (!isTrailType(e.type) || typeof e.data !== 'object' || e.data === null) return;
    const event = e.data as Record<string, unknown>;
    const refs = (event.referencedResources ?? {}) as Record<string, unknown>;
    const resources = new Set(Object.values(refs).flatMap((v) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])));
    const timeMs = Date.parse(String(event.eventTime ?? '')) || this.state.now();
    this.records.push({ seq: ++this.seq, timeMs, event, resources, resourceTypes: new Set(Object.keys(refs)) });
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
  }

  /** The records still within the retention, oldest first. */
  list(): TrailRecord[] {
    const since = this.state.now() - RETENTION_MS;
    while (this.records.length > 0 && this.records[0].timeMs < since) this.records.shift();
    return this.records.slice();
  }
}
