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

/**
 * NextToken paging over items already in id order. The token names the last id returned (opaque to clients), so
 * paging stays correct while resources come and go between pages. One pass: matching, counting and slicing.
 */
export function pageByToken<T>(
  sorted: Iterable<T>,
  idOf: (t: T) => string,
  match: (t: T) => boolean,
  nextToken: string | undefined,
  maxResults: number,
): Page<T> {
  const after = decodeToken(nextToken);
  const items: T[] = [];
  let total = 0;
  let more = false;
  for (const t of sorted) {
    if (!match(t)) continue;
    total++;
    if (after !== undefined && idOf(t) <= after) continue;
    if (items.length < maxResults) items.push(t);
    else more = true;
  }
  return { items, total, nextToken: more ? Buffer.from(PREFIX + idOf(items[items.length - 1])).toString('base64url') : '' };
}

/** The deprecated PageNumber/PageSize paging (SLB, and ECS without NextToken). */
export function pageByNumber<T>(sorted: Iterable<T>, match: (t: T) => boolean, pageNumber: number, pageSize: number): { items: T[]; total: number } {
  const first = (pageNumber - 1) * pageSize;
  const items: T[] = [];
  let total = 0;
  for (const t of sorted) {
    if (!match(t)) continue;
    if (total >= first && items.length < pageSize) items.push(t);
    total++;
  }
  return { items, total };
}
