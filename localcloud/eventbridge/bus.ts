import { randomUUID } from 'node:crypto';
import { Rng } from '../core/rng.js';
import type { CloudEvent } from '../events/cloud-event.js';
import { Tracker } from '../platform/tracker.js';
import { matches } from './pattern.js';
import type { RuleRecord, RuleStore, TargetSpec } from './rules.js';

/** At-least-once delivery, made observable for tests. */
export interface DeliveryOptions {
  /** Probability (0..1) that an event is routed a second time, as EventBridge may after a network error; 1 = always. */
  duplicates?: number;
  /** Hold events for this many ms, then route the batch in a shuffled order (never the original one when it has 2+). */
  reorderWindowMs?: number;
  /** Seed for the duplicate and reorder choices, so a run repeats. */
  seed?: number;
}

/** How the bus reaches a target; the platform implements it (FC invoke, MNS send). */
export interface TargetDispatcher {
  /** Rejects when the delivery failed; the bus then retries per the target's PushRetryStrategy. */
  dispatch(target: TargetSpec, event: CloudEvent, rule: RuleRecord): Promise<void>;
  deadLetter(arn: string, event: CloudEvent): Promise<void>;
}

export interface DeliveryRecord {
  eventId: string;
  source: string;
  type: string;
  bus: string;
  rule: string;
  target: string;
  attempt: number;
  ok: boolean;
  error?: string;
  at: number;
}

export interface BusOptions {
  accountId: string;
  regionId: string;
  now: () => number;
  /** How long a documented "second" of retry backoff lasts here (1000 = real time). */
  secondMs: number;
  delivery?: DeliveryOptions;
}

/** Push retry schedules in seconds (EventBridge CreateRule API reference, PushRetryStrategy). */
function retryDelaySeconds(strategy: TargetSpec['PushRetryStrategy'], retry: number, rng: Rng): number | undefined {
  if (strategy === 'EXPONENTIAL_DECAY_RETRY') return retry <= 176 ? Math.min(512, 2 ** (retry - 1)) : undefined;
  return retry <= 3 ? 10 + rng.next() * 10 : undefined; // BACKOFF_RETRY, the default
}

/** Routes events from the cloud, PutEvents and replays to every enabled rule whose pattern matches. */
export class EventBus {
  readonly received: CloudEvent[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  private readonly rng: Rng;
  private readonly tracker = new Tracker();
  private held: CloudEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly rules: RuleStore,
    private readonly dispatcher: TargetDispatcher,
    private readonly opts: BusOptions,
  ) {
    this.rng = new Rng(opts.delivery?.seed ?? 1);
  }

  /** Fills in the envelope as EventBridge does, records the event and routes it (asynchronously). */
  put(input: Partial<CloudEvent> & { source: string; type: string }, busName?: string): CloudEvent {
    const bus = this.rules.bus(busName ?? (input.aliyuneventbusname as string | undefined) ?? 'default').name;
    const now = new Date(this.opts.now()).toISOString();
    const event: CloudEvent = {
      ...input,
      id: input.id ?? randomUUID(),
      specversion: '1.0',
      time: input.time ?? now,
      data: input.data ?? null,
      aliyunaccountid: input.aliyunaccountid ?? this.opts.accountId,
      aliyunregionid: input.aliyunregionid ?? this.opts.regionId,
      aliyuneventbusname: bus,
      aliyunpublishtime: now,
    };
    this.received.push(event);
    const copies = this.rng.next() < (this.opts.delivery?.duplicates ?? 0) ? 2 : 1;
    for (let i = 0; i < copies; i++) this.hold(event);
    return event;
  }

  /** Resolves once nothing is held, routing or waiting to retry. */
  idle(): Promise<void> {
    return this.tracker.idle();
  }

  get pending(): number {
    return this.tracker.pending;
  }

  close(): void {
    clearTimeout(this.flushTimer);
    this.held = [];
    this.tracker.close();
  }

  private hold(event: CloudEvent): void {
    const window = this.opts.delivery?.reorderWindowMs ?? 0;
    if (window <= 0) {
      this.tracker.run(() => this.route(event));
      return;
    }
    this.held.push(event);
    if (this.flushTimer) return;
    const release = this.tracker.hold();
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const batch = shuffled(this.held, this.rng);
      this.held = [];
      for (const e of batch) this.tracker.run(() => this.route(e));
      release();
    }, window);
  }

  private async route(event: CloudEvent): Promise<void> {
    const bus = event.aliyuneventbusname ?? 'default';
    const work: Promise<void>[] = [];
    for (const rule of this.rules.enabledRules(bus)) {
      if (!matches(rule.pattern, event)) continue;
      for (const target of rule.targets.values()) work.push(this.deliver(event, rule, target));
    }
    await Promise.all(work);
  }

  private async deliver(event: CloudEvent, rule: RuleRecord, target: TargetSpec): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const record = { eventId: event.id, source: event.source, type: event.type, bus: rule.busName, rule: rule.name, target: target.Id, attempt };
      try {
        await this.dispatcher.dispatch(target, event, rule);
        this.deliveries.push({ ...record, ok: true, at: this.opts.now() });
        return;
      } catch (err) {
        this.deliveries.push({ ...record, ok: false, error: (err as Error).message, at: this.opts.now() });
        const wait = retryDelaySeconds(target.PushRetryStrategy, attempt, this.rng);
        if (wait === undefined || this.tracker.closed) break;
        await this.tracker.sleep(wait * this.opts.secondMs);
      }
    }
    const dlq = target.DeadLetterQueue?.Arn;
    if (dlq && !this.tracker.closed) await this.dispatcher.deadLetter(dlq, event).catch(() => undefined);
  }
}

/** A seeded shuffle that never returns the input order for two or more items, so reordering is observable. */
function shuffled<T>(items: T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  if (out.length > 1 && out.every((x, i) => x === items[i])) out.push(out.shift()!);
  return out;
}
