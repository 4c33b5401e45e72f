import { createHash } from 'node:crypto';

/** Deterministic addresses from a resource id, so a world loads the same way every time. */
export function macFor(id: string): string {
  const h = createHash('md5').update(id).digest('hex');
  return `00:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

export function ipFor(id: string): string {
  const h = createHash('md5').update(id).digest();
  return `10.${h[0] % 256}.${h[1] % 256}.${(h[2] % 250) + 2}`;
}
