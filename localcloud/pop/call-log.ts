import type { PopContext, PopInterceptor, PopOutcome } from './protocol.js';

/** One POP call as tests and benchmarks read it back. */
export interface CallRecord {
  seq: number;
  /** ISO time the call finished, by the cloud's clock. */
  time: string;
  product: string;
  action: string;
  params: Record<string, string>;
  accessKeyId: string;
  /** The account the key acts in. */
  accountId: string;
  requestId: string;
  signature: 'ACS3' | 'v2';
  /** `OK` or the error code answered (`ConnectionDropped` for a dropped connection). */
  code: string;
  /** HTTP status; 0 when the connection was dropped. */
  status: number;
  durationMs: number;
}

export interface CallQuery {
  action?: string;
  product?: string;
  /** Only calls with a larger `seq`. */
  since?: number;
}

/** Records every POP call (operation, parameters, outcome, time); keeps the newest `limit`. */
export class CallLog implements PopInterceptor {
  private entries: CallRecord[] = [];
  private seq = 0;
  private readonly started = new WeakMap<PopContext, number>();

  constructor(
    private readonly now: () => number,
    private readonly limit: number,
  ) {}

  before(ctx: PopContext): void {
    this.started.set(ctx, this.now());
  }

  after(ctx: PopContext, outcome: PopOutcome): void {
    const t = this.now();
    this.entries.push({
      seq: ++this.seq,
      time: new Date(t).toISOString(),
      product: ctx.product,
      action: ctx.action,
      params: ctx.params.toObject(),
      accessKeyId: ctx.accessKeyId,
      accountId: ctx.accountId,
      requestId: ctx.requestId,
      signature: ctx.signature,
      code: outcome.status === 0 ? 'ConnectionDropped' : outcome.code,
      status: outcome.status,
      durationMs: t - (this.started.get(ctx) ?? t),
    });
    // Trim in batches so a long benchmark does not pay a shift per call.
    if (this.entries.length >= 2 * this.limit) this.entries = this.entries.slice(-this.limit);
  }

  list(q: CallQuery = {}): CallRecord[] {
    return this.entries.slice(-this.limit).filter((c) => (q.action === undefined || c.action === q.action) && (q.product === undefined || c.product === q.product) && c.seq > (q.since ?? 0));
  }

  clear(): number {
    const n = Math.min(this.entries.length, this.limit);
    this.entries = [];
    return n;
  }
}
