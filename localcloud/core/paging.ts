import { ApiError } from './api-error.js';

export interface Page<T> {
  items: T[];
  /** Empty on the last page. */
  nextToken: string;
  /** Every match, not just this page. */
  total: number;
}

const PREFIX = 'after:';

function decodeToken(nextToken: string | undefined): string | undefined {
  if (!nextToken) return undefined;
  const after = Buffer.from(nextToken, 'base64url').toString('utf8');
  if (!after.startsWith(PREFIX)) throw new ApiError('InvalidNextToken', 'The specified NextToken is invalid.', 400);
  return after.slice(PREFIX.length);
}

/** The index of the first item whose id is greater than `after`. */
function firstAfter<T>(sorted: readonly T[], idOf: (t: T) => string, after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (idOf(sorted[mid]) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const tokenFor = (id: string) => Buffer.from(PREFIX + id).toString('base64url');

/**
 * NextToken paging over items already in id order. The token names the last id returned (opaque to clients), so
 * paging stays correct while resources come and go between pages. Without a filter, a page of an id-ordered array
 * is found by binary search; with one, a single pass matches, counts and slices.
 */
export function pageByToken<T>(sorted: Iterable<T>, idOf: (t: T) => string, match: ((t: T) => boolean) | undefined, nextToken: string | undefined, maxResults: number): Page<T> {
  const after = decodeToken(nextToken);
  if (!match && Array.isArray(sorted)) {
    const start = after === undefined ? 0 : firstAfter(sorted as readonly T[], idOf, after);
    const items = sorted.slice(start, start + maxResults);
    const more = start + maxResults < sorted.length;
    return { items, total: sorted.length, nextToken: more ? tokenFor(idOf(items[items.length - 1])) : '' };
  }
  const items: T[] = [];
  let total = 0;
  let more = false;
  for (const t of sorted) {
    if (match && !match(t)) continue;
    total++;
    if (after !== undefined && idOf(t) <= after) continue;
    if (items.length < maxResults) items.push(t);
    else more = true;
  }
  return { items, total, nextToken: more ? tokenFor(idOf(items[items.length - 1])) : '' };
}

/** The deprecated PageNumber/PageSize paging (SLB, and ECS without NextToken). */
export function pageByNumber<T>(sorted: Iterable<T>, match: ((t: T) => boolean) | undefined, pageNumber: number, pageSize: number): { items: T[]; total: number } {
  const first = (pageNumber - 1) * pageSize;
  const items: T[] = [];
  let total = 0;
  for (const t of sorted) {
    if (match && !match(t)) continue;
    if (total >= first && items.length < pageSize) items.push(t);
    total++;
  }
  return { items, total };
}
