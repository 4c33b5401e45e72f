import { ACTION_KINDS, ACTION_STATUSES, type ActionKind, type ActionStatus, type DriftReport, type Totals } from './model.js';

/** The parts of a report its totals are counted from. */
export type Countable = Pick<DriftReport, 'items' | 'coverage' | 'failedEvents' | 'errors'>;

const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/**
 * Coverage is rounded down to one decimal, so that 100 means every opted-in ENI is mirrored: 9,999 of 10,000 reads
 * 99.9, never 100.
 */
export function coveragePercent(mirrored: number, unmirrored: number, optedOut = 0): number | null {
  const inScope = mirrored + unmirrored + optedOut;
  return inScope === 0 ? null : Math.floor((1000 * mirrored) / inScope) / 10;
}

export function computeTotals(r: Countable): Totals {
  const actions: Record<ActionKind, number> = zeroes(ACTION_KINDS);
  const statuses: Record<ActionStatus, number> = zeroes(ACTION_STATUSES);
  let fields = 0;
  for (const item of r.items) {
    actions[item.action.kind] += 1;
    statuses[item.action.status] += 1;
    fields += item.fields.length;
  }
  const { mirrored, optedOut, excluded, unmirrored } = r.coverage;
  return {
    enis: mirrored.length + optedOut.length + excluded.length + unmirrored.length,
    mirrored: mirrored.length,
    optedOut: optedOut.length,
    excluded: excluded.length,
    unmirrored: unmirrored.length,
    overriddenOptOuts: [...mirrored, ...unmirrored].filter((e) => e.optOutOverridden).length,
    coveragePercent: coveragePercent(mirrored.length, unmirrored.length, optedOut.length),
    items: r.items.length,
    fields,
    actions,
    statuses,
    failedEvents: r.failedEvents.length,
    errors: r.errors.length,
  };
}
