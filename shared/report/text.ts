/** Bounding and defusing strings that come from the cloud or from events, for every rendering. */

/** The first `n` characters, never ending on half a surrogate pair. */
export function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  const end = /[\uD800-\uDBFF]/.test(s[n - 1] ?? '') ? n - 1 : n;
  return s.slice(0, Math.max(0, end));
}

/** At most `n` characters, with an ellipsis where it was cut. */
export function clip(s: string, n: number): string {
  return s.length <= n ? s : `${cut(s, n - 1)}…`;
}

/**
 * Bidirectional overrides and isolates would let a hostile tag make one id read as another ("Trojan source"):
 * each becomes U+FFFD, visibly.
 */
export function defuse(s: string): string {
  return s.replace(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g, '\uFFFD');
}
