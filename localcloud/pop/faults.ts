import { ApiError } from '../core/api-error.js';
import type { Rng } from '../core/rng.js';
import { matchesOperation } from './operation-key.js';
import type { PopContext, PopInterceptor } from './protocol.js';

export interface Fault {
  /** `Action`, `Product.Action` or `*`. */
  operation: string;
  /** Answer this error code (with `status`, default 500, and `message`). */
  code?: string;
  status?: number;
  message?: string;
  /** Probability that a matching call is hit (default 1), drawn from the world's seeded generator. */
  rate?: number;
  /** Delay before answering. */
  latencyMs?: number;
  /** Hang past the client's timeout, then drop: `true` hangs 120 s, a number hangs that many ms. */
  timeout?: boolean | number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Hit only the first N matching calls. */
  count?: number;
}

const HANG_MS = 120_000;

/** Injects latency, errors, hangs and dropped connections per operation, repeatably for a given seed. */
export class Faults implements PopInterceptor {
  private rules: Array<{ fault: Fault; hits: number }> = [];
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();

  constructor(private readonly rng: Rng) {}

  set(faults: readonly Fault[]): void {
    this.rules = faults.map((fault) => ({ fault: { ...fault }, hits: 0 }));
  }

  get(): Fault[] {
    return this.rules.map((r) => ({ ...r.fault }));
  }

  async before(ctx: PopContext): Promise<void> {
    for (const rule of this.rules) {
      const f = rule.fault;
      if (!matchesOperation(f.operation, ctx)) continue;
      if (f.count !== undefined && rule.hits >= f.count) continue;
      if (this.rng.next() >= (f.rate ?? 1)) continue;
      rule.hits++;
      if (f.latencyMs) await this.sleep(f.latencyMs);
      if (f.timeout) await this.sleep(f.timeout === true ? HANG_MS : f.timeout);
      if (f.drop || f.timeout) throw new ApiError('ConnectionDropped', 'Injected fault: connection dropped.', 0);
      if (f.code) throw new ApiError(f.code, f.message ?? `Injected fault: ${f.code}.`, f.status ?? 500);
    }
  }

  /** Wakes every hanging call so the server can close. */
  close(): void {
    for (const s of this.sleeping) {
      clearTimeout(s.timer);
      s.wake();
    }
    this.sleeping.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const s = { timer: setTimeout(() => wake(), ms), wake: resolve };
      const wake = () => {
        this.sleeping.delete(s);
        resolve();
      };
      s.timer.unref();
      this.sleeping.add(s);
    });
  }
}
