import type { PriorityBand } from '../domain.js';

/** Where a key's probing starts inside a band: FNV-1a of the key, so every invocation picks the same number. */
export function priorityStart(band: PriorityBand, key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return band.min + ((h >>> 0) % (band.max - band.min + 1));
}

/** The band in probing order from `first` (a planned priority), wrapping around once. */
export function* priorityCandidates(band: PriorityBand, first: number): Generator<number> {
  const size = band.max - band.min + 1;
  const offset = Math.min(Math.max(first, band.min), band.max) - band.min;
  for (let i = 0; i < size; i++) yield band.min + ((offset + i) % size);
}

/** The probing key of a per-ENI session (rule and ENI) and of the index-th pooled session of a rule on a target. */
export const eniPriorityKey = (rule: string, eniId: string): string => `${rule}\u0000${eniId}`;
export const poolPriorityKey = (rule: string, targetId: string, index: number): string => `${rule}\u0000${targetId}\u0000${index}`;

/** Next free offset at or after i, with path halving; `size` means none is left. */
class FreeCursor {
  private readonly next: Int32Array;

  constructor(readonly size: number) {
    this.next = new Int32Array(size + 1);
    for (let i = 0; i <= size; i++) this.next[i] = i;
  }

  find(i: number): number {
    while (this.next[i] !== i) {
      this.next[i] = this.next[this.next[i]];
      i = this.next[i];
    }
    return i;
  }

  take(i: number): void {
    this.next[i] = i + 1;
  }
}

const MAX_PRIORITY = 32766;

/**
 * The priorities of one region as a plan sees them: those the sessions read hold, plus those the plan hands out,
 * so several new sessions in one plan never pick the same number. Probing from each key's deterministic start
 * costs near-constant time per allocation (a next-free cursor per band), however full the band is.
 */
export class PriorityBook {
  private readonly taken = new Uint8Array(MAX_PRIORITY + 1);
  private readonly cursors = new Map<string, FreeCursor>();

  constructor(held: Iterable<number>) {
    for (const p of held) if (p >= 1 && p <= MAX_PRIORITY) this.taken[p] = 1;
  }

  isFree(p: number): boolean {
    return this.taken[p] === 0;
  }

  /** The first free priority of `band` probing from `key`'s start, now taken; undefined when the band is full. */
  take(band: PriorityBand, key: string): number | undefined {
    const name = `${band.min}-${band.max}`;
    let cursor = this.cursors.get(name);
    if (!cursor) this.cursors.set(name, (cursor = new FreeCursor(band.max - band.min + 1)));
    const start = priorityStart(band, key) - band.min;
    for (;;) {
      let i = cursor.find(start);
      if (i === cursor.size) i = cursor.find(0);
      if (i === cursor.size) return undefined;
      cursor.take(i);
      const p = band.min + i;
      if (this.taken[p] === 0) {
        this.taken[p] = 1;
        return p;
      }
    }
  }
}
