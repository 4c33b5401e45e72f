import { createHash } from 'node:crypto';
import type { PriorityBand } from '../domain.js';

/**
 * Candidate priorities for one ENI under one rule: a deterministic start inside the band (so concurrent
 * invocations for the same ENI race for the same number and the cloud's uniqueness rule picks one winner),
 * then the rest of the band in order, wrapping around.
 */
export function* priorityCandidates(band: PriorityBand, rule: string, eniId: string): Generator<number> {
  const size = band.max - band.min + 1;
  const start = createHash('sha256').update(`${rule}\u0000${eniId}`).digest().readUInt32BE(0) % size;
  for (let i = 0; i < size; i++) yield band.min + ((start + i) % size);
}
