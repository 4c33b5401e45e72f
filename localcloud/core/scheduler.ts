/** A transition that runs once its time has come; `dueAt` lets chained steps keep their own schedule. */
export type Due = (dueAt: number) => void;

interface Entry {
  at: number;
  seq: number;
  run: Due;
}

const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * Clock-driven transitions (Creating → Created, Pending → Running, …). They settle lazily when state is read and
 * also on an unref'd timer, so events still fire on time when nobody reads. A min-heap keeps settling proportional
 * to the work due, not to the size of the world.
 */
export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;

  constructor(private readonly now: () => number) {}

  at(time: number, run: Due): void {
    if (this.stopped) return;
    this.push({ at: time, seq: this.seq++, run });
    this.arm();
  }

  after(delayMs: number, run: Due): void {
    this.at(this.now() + delayMs, run);
  }

  /** Runs every transition that is due, in time order (steps scheduled by a step run in the same pass when due). */
  runDue(): void {
    const t = this.now();
    while (this.heap.length > 0 && this.heap[0].at <= t) {
      const e = this.pop();
      e.run(e.at);
    }
    this.arm();
  }

  /** Drops pending transitions and the timer; used when the cloud closes. */
  stop(): void {
    this.stopped = true;
    this.heap.length = 0;
    this.disarm();
  }

  private arm(): void {
    if (this.stopped || this.heap.length === 0) {
      this.disarm();
      return;
    }
    const next = this.heap[0].at;
    if (this.timer && this.armedFor <= next) return;
    this.disarm();
    this.armedFor = next;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.armedFor = Infinity;
        this.runDue();
      },
      Math.max(0, next - this.now()),
    );
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Entry;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
