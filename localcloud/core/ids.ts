import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Resource ids in Alibaba's style: a prefix and 20 lowercase alphanumerics (`tms-bp1…`). */
export function newId(prefix: string): string {
  const bytes = randomBytes(20);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}-${s}`;
}

export function newRequestId(): string {
  return randomUUID().toUpperCase();
}
