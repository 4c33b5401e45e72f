import type { RegionResult } from '../shared/engine/reconcile-region.js';

/**
 * One approval for a run over several regions: each region's reconcile stops at its approval (before any write)
 * until every region has planned or failed, then `decide` is asked once with all the plans, in region order. A
 * region that fails before planning makes the answer no for all: nothing is applied anywhere.
 */
export function approvalGate(regions: number, decide: (planned: readonly RegionResult[]) => Promise<boolean>) {
  const planned: Array<RegionResult | undefined> = new Array(regions).fill(undefined);
  const waiting: Array<{ resolve: (ok: boolean) => void; reject: (err: unknown) => void }> = [];
  const ended = new Set<number>();
  let failed = false;
  const arrive = (i: number) => {
    if (ended.has(i)) return;
    ended.add(i);
    if (ended.size < regions) return;
    const answer = failed ? Promise.resolve(false) : decide(planned.filter((p): p is RegionResult => p !== undefined));
    answer.then(
      (ok) => waiting.forEach((w) => w.resolve(ok)),
      (err) => waiting.forEach((w) => w.reject(err)),
    );
  };
  return {
    /** RegionOptions.approve for region `i`. */
    approve: (i: number) => (result: RegionResult) =>
      new Promise<boolean>((resolve, reject) => {
        planned[i] = result;
        waiting.push({ resolve, reject });
        arrive(i);
      }),
    /** Region `i` failed; once it has been asked this changes nothing. */
    fail(i: number) {
      if (ended.has(i)) return;
      failed = true;
      arrive(i);
    },
  };
}
