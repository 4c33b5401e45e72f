import { ApiError } from './api-error.js';

/**
 * NextToken paging over items sorted by id. The token names the last id returned (opaque to clients),
 * so paging stays correct while resources are created or deleted between pages.
 */
export function page<T>(items: T[], idOf: (t: T) => string, nextToken: string | undefined, maxResults: number): { items: T[]; nextToken: string } {
  const sorted = [...items].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  let start = 0;
  if (nextToken) {
    let after: string;
    try {
      after = Buffer.from(nextToken, 'base64url').toString('utf8');
    } catch {
      after = '';
    }
    if (!after.startsWith('after:')) throw new ApiError('InvalidNextToken', 'The specified NextToken is invalid.', 400);
    const last = after.slice('after:'.length);
    start = sorted.findIndex((t) => idOf(t) > last);
    if (start < 0) start = sorted.length;
  }
  const slice = sorted.slice(start, start + maxResults);
  const more = start + maxResults < sorted.length;
  return { items: slice, nextToken: more ? Buffer.from(`after:${idOf(slice[slice.length - 1])}`).toString('base64url') : '' };
}
