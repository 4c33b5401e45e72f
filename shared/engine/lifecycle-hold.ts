import type { LifecycleActions, LifecycleResult } from '../cloud/ess.js';
import type { Session } from '../domain.js';
import type { LifecycleWork } from '../events/lifecycle.js';
import type { LifecycleHooksPolicy, Policy } from '../policy/types.js';
import { type AdaptersFor, type EnsureOptions, type EnsureResult, ensureUnits } from './ensure.js';
import { readSessions } from './observe.js';
import { isOwned } from './ownership.js';
import type { Result } from './result.js';

/** What a held scale-out comes to: its instances serve (mirrored, or nothing to mirror), wait longer, or can't be mirrored. */
export type HoldVerdict = { readonly kind: 'continue'; readonly why: string } | { readonly kind: 'wait'; readonly why: string } | { readonly kind: 'give-up'; readonly why: string };

/** Without a `lifecycleHooks` section (removed since setup), a held scale-out still ends as ESS's own default would. */
const FALLBACK: Pick<LifecycleHooksPolicy, 'defaultResult' | 'heartbeatTimeout'> = { defaultResult: 'CONTINUE', heartbeatTimeout: 600 };

/**
 * The one decision (pure): every opted-in ENI of the instances in an owned session that is Created → continue;
 * an opted-in ENI the plan or the cloud left unmirrored (blocked, no slot, no target), or an account not served →
 * give up; anything still on its way (a session Creating, an ENI deferred, a transient failure) → wait, until the
 * policy's heartbeatTimeout since the wait began, then give up.
 */
export function judgeHold(unit: { result: Result; ensured?: EnsureResult }, after: readonly Session[], waitedMs: number, budgetMs: number): HoldVerdict {
  if (unit.result.kind === 'terminal') return { kind: 'give-up', why: unit.result.reason };
  const ensured = unit.ensured;
  const wanted = (ensured?.decisions ?? []).flatMap((d) => ('spec' in d ? [d.eniId] : []));
  if (ensured && wanted.length === 0 && ensured.deferred.length === 0 && unit.result.kind !== 'retry') {
    return { kind: 'continue', why: 'no ENI of these instances is opted in: nothing to mirror' };
  }
  const blocked = (ensured?.unmirrored ?? []).filter((u) => wanted.includes(u.eniId));
  if (blocked.length > 0) return { kind: 'give-up', why: `can't be mirrored: ${blocked.map((u) => `${u.eniId} (${u.reason})`).join('; ')}` };
  const created = new Set(after.filter((s) => isOwned(s) && s.status === 'Created').flatMap((s) => s.sourceIds));
  const pending = wanted.filter((id) => !created.has(id));
  if (unit.result.kind !== 'retry' && ensured?.deferred.length === 0 && pending.length === 0) return { kind: 'continue', why: `mirrored: ${wanted.join(', ')}` };
  const why = pending.length > 0 ? `sessions not Created yet for ${pending.join(', ')}` : unit.result.kind === 'retry' ? unit.result.reason : 'ENIs not ready yet';
  if (waitedMs >= budgetMs) return { kind: 'give-up', why: `not mirrored within ${Math.round(budgetMs / 1000)} s: ${why}` };
  return { kind: 'wait', why };
}

export interface HeldOutcome {
  readonly work: LifecycleWork;
  readonly verdict: HoldVerdict;
  /** What the wait ended with; absent while it goes on (heartbeat sent, requeued). */
  readonly result?: LifecycleResult;
  /** `ended`: ESS had ended the action already (a duplicate notification, or its own timeout first). */
  readonly action: 'completed' | 'ended' | 'waiting';
}

export interface HoldDeps {
  readonly policy: Policy;
  readonly adaptersFor: AdaptersFor;
  readonly essFor: (accountId: string, regionId: string) => LifecycleActions | undefined;
  /** Puts the action back (with a delay) to be judged again; its failure throws, so the invocation is retried. */
  readonly requeue: (work: LifecycleWork) => Promise<void>;
  readonly now: () => number;
}

/**
 * Each held scale-out: ensure its instances' ENIs through the engine, read their sessions again, judge, then end
 * the wait (CompleteLifecycleAction) or extend it (RecordLifecycleActionHeartbeat, and requeue). An action ESS
 * already ended answers so, which a duplicate notification meets: done, nothing changed.
 */
export async function holdScaleOuts(works: readonly LifecycleWork[], deps: HoldDeps, opts: EnsureOptions): Promise<HeldOutcome[]> {
  const cfg = { ...FALLBACK, ...deps.policy.lifecycleHooks };
  const out: HeldOutcome[] = [];
  for (const work of works) {
    const accountId = work.accountId ?? '';
    const subject = { accountId, regionId: work.regionId, instanceIds: [...work.instanceIds], eniIds: [], cause: `scale-out into ${work.scalingGroupId} held until mirrored` };
    const [unit] = await ensureUnits([subject], deps, opts);
    const vpc = deps.adaptersFor(accountId, work.regionId)?.vpc;
    const wanted = (unit.ensured?.decisions ?? []).flatMap((d) => ('spec' in d ? [d.eniId] : []));
    const after = vpc && wanted.length > 0 ? await readSessions(wanted, vpc) : [];
    const verdict = judgeHold(unit, after, deps.now() - work.since, cfg.heartbeatTimeout * 1000);
    const ess = deps.essFor(accountId, work.regionId);
    if (!ess) {
      out.push({ work, verdict: { kind: 'give-up', why: `account ${accountId} is not served by this deployment` }, action: 'ended' });
      continue;
    }
    if (verdict.kind === 'wait') {
      const beat = await ess.recordHeartbeat(work.lifecycleHookId, work.token);
      if (beat === 'recorded') await deps.requeue({ ...work, attempt: work.attempt + 1 });
      out.push({ work, verdict, action: beat === 'recorded' ? 'waiting' : 'ended' });
      continue;
    }
    const result: LifecycleResult = verdict.kind === 'continue' ? 'CONTINUE' : cfg.defaultResult;
    out.push({ work, verdict, result, action: await ess.completeLifecycleAction(work.lifecycleHookId, work.token, result) });
  }
  return out;
}
