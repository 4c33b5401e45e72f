import type { MirrorSessions } from '../cloud/vpc.js';
import { dimensionValue, type MetricPoint, timeToMirror } from '../report/metrics.js';
import type { Clock } from './clock.js';
import type { EnsuredUnit } from './ensure.js';
import { type SettleOptions, settled } from './settle.js';

/** Finer than the apply's own settling: the poll interval is part of what is measured. */
const MEASURE: SettleOptions = { timeoutMs: 60_000, firstPollMs: 50, maxPollMs: 1_000 };

/**
 * Time to mirror per unit of an event's work: the sessions its run created (create and replace actions done) are
 * polled until Created, within `deadline`, and the span runs from the earliest launch event's time to when the last
 * of them was seen Created (so it includes up to one poll interval). A session not Created by the deadline, or gone,
 * leaves its unit without a point rather than with a guess.
 */
export async function timeToMirrorPoints(
  units: readonly EnsuredUnit[],
  eventTimes: readonly number[],
  vpcFor: (accountId: string, regionId: string) => MirrorSessions | undefined,
  clock: Clock,
  deadline: number,
): Promise<MetricPoint[]> {
  if (eventTimes.length === 0) return [];
  const points: MetricPoint[] = [];
  for (const u of units) {
    const ids = (u.ensured?.outcomes ?? []).flatMap((o) => (o.status === 'done' && (o.action.kind === 'create' || o.action.kind === 'replace') ? [o.sessionId] : []));
    const vpc = ids.length > 0 ? vpcFor(u.subject.accountId, u.subject.regionId) : undefined;
    if (!vpc) continue;
    const seen = await Promise.all(
      ids.map(async (id) => {
        const s = await settled(vpc, id, clock, MEASURE, deadline).catch(() => undefined);
        return s?.settled && s.session ? clock.now() : undefined;
      }),
    );
    if (seen.some((t) => t === undefined)) continue;
    const p = timeToMirror(eventTimes, seen as number[], { account: dimensionValue(u.subject.accountId), region: dimensionValue(u.subject.regionId) });
    if (p) points.push(p);
  }
  return points;
}
