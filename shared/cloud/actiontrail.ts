import * as $dara from '@darabonba/typescript';
import { latestWrite, type TagWrite, writesKey } from '../domain.js';
import { tagWritesOf } from '../events/tag-write.js';
import type { CloudConfig } from './config.js';
import { cloudCall } from './errors.js';
import { ACTIONTRAIL, PopClient, RawResponse } from './pop-client.js';

/** Who last set a tag key on a resource, as the cloud's audit trail recorded it. */
export interface TagHistory {
  /** The latest recorded write of `tagKey` on `resourceId` within the trail's retention, or undefined. */
  lastTagWrite(resourceId: string, tagKey: string): Promise<TagWrite | undefined>;
  /**
   * The latest recorded write (set or removal) of any of `tagKeys` on `resourceId` since `since` (ISO 8601), and
   * whether the search was complete: every page read back to `since`, and `since` within the trail's retention.
   * Only a complete search that found nothing shows there was no such write.
   */
  lastWriteSince(resourceId: string, tagKeys: readonly string[], since: string | undefined): Promise<TagSearch>;
}

export interface TagSearch {
  readonly write?: TagWrite;
  readonly complete: boolean;
}

/**
 * LookupEvents (ActionTrail 2020-07-06: https://www.alibabacloud.com/help/en/actiontrail/developer-reference/api-actiontrail-2020-07-06-lookupevents):
 * events are kept 90 days and one query spans at most 30 (StartTime and EndTime both given), so the retention is
 * read as three windows, newest first; 50 events a page at most; two LookupAttribute conditions, ANDed
 * (https://www.alibabacloud.com/help/en/actiontrail/support/how-to-set-the-lookupattribute-parameter).
 */
const DAY_MS = 24 * 3600 * 1000;
const WINDOW_DAYS = 30;
const WINDOWS = 3;
const PAGE = 50;
/** Pages read per window: a resource with more writes than this in 30 days is judged on its latest ones. */
const PAGES_PER_WINDOW = 4;

class LookupEventsRequest extends $dara.Model {
  // `declare`: a field initialiser would reset what the Model constructor assigned from its map.
  declare startTime?: string;
  declare endTime?: string;
  declare maxResults?: string;
  declare nextToken?: string;
  declare direction?: string;
  declare lookupAttribute?: Array<{ Key: string; Value: string }>;
  static names(): Record<string, string> {
    return { startTime: 'StartTime', endTime: 'EndTime', maxResults: 'MaxResults', nextToken: 'NextToken', direction: 'Direction', lookupAttribute: 'LookupAttribute' };
  }
  static types(): Record<string, unknown> {
    return { startTime: 'string', endTime: 'string', maxResults: 'string', nextToken: 'string', direction: 'string', lookupAttribute: { type: 'array', itemType: 'any' } };
  }
}

interface LookupEventsBody {
  Events?: unknown[];
  NextToken?: string;
}

/** ActionTrail's own record of a resource's tag writes: it names who wrote them, which a tag cannot forge. */
export class ActionTrailApi implements TagHistory {
  private readonly pop: PopClient;

  constructor(
    cfg: CloudConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.pop = new PopClient(ACTIONTRAIL, cfg);
  }

  async lastTagWrite(resourceId: string, tagKey: string): Promise<TagWrite | undefined> {
    return (await this.lastWriteSince(resourceId, [tagKey], undefined)).write;
  }

  async lastWriteSince(resourceId: string, tagKeys: readonly string[], since: string | undefined): Promise<TagSearch> {
    const end = this.now();
    const retention = end - WINDOWS * WINDOW_DAYS * DAY_MS;
    const sinceMs = since === undefined ? Number.NaN : Date.parse(since);
    // A `since` unknown or older than the retention: whatever is found, the search can't show there was no write.
    const from = Number.isNaN(sinceMs) || sinceMs < retention ? retention : sinceMs;
    let complete = from > retention;
    for (let w = 0; w < WINDOWS; w++) {
      const windowEnd = end - w * WINDOW_DAYS * DAY_MS;
      if (windowEnd <= from) break;
      const window = { endTime: iso(windowEnd), startTime: iso(Math.max(from, windowEnd - WINDOW_DAYS * DAY_MS)) };
      let nextToken: string | undefined;
      for (let page = 0; ; page++) {
        if (page === PAGES_PER_WINDOW) {
          complete = false;
          break;
        }
        const req = new LookupEventsRequest({
          ...window,
          maxResults: String(PAGE),
          direction: 'BACKWARD',
          lookupAttribute: [
            { Key: 'ResourceName', Value: resourceId },
            { Key: 'EventRW', Value: 'Write' },
          ],
          ...(nextToken && { nextToken }),
        });
        const res = await cloudCall(() => this.pop.call('LookupEvents', req, new RawResponse<LookupEventsBody>({})));
        const found = latestWrite((res.body?.Events ?? []).flatMap((e) => tagWritesOf(e, [resourceId])).filter((t) => tagKeys.some((k) => writesKey(t, k)) && Date.parse(t.time) >= from));
        if (found) return { write: found, complete: true };
        nextToken = typeof res.body?.NextToken === 'string' && res.body.NextToken !== '' ? res.body.NextToken : undefined;
        if (!nextToken) break;
      }
    }
    return { complete };
  }
}

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
