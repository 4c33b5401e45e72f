import type { CloudError } from '../cloud/errors.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import type { SessionDraft } from '../domain.js';
import type { Action } from './actions.js';
import { clientToken } from './apply.js';
import { mapConcurrent } from './concurrent.js';

/**
 * The cloud's word on a planned change before it is made: each create and update sent once with DryRun=true,
 * which runs every check of the real call (quotas, priority taken, permission, source and target types) and answers
 * DryRunOperation when the call would succeed. Requests and ClientTokens are the ones apply sends for the same run
 * id (a DryRun leaves its token unused), so the real call that follows is the request that was checked.
 */
export type CloudVerdict =
  | { readonly verdict: 'would-succeed' }
  | { readonly verdict: 'refused'; readonly code: string; readonly message: string; readonly retryable: boolean }
  | { readonly verdict: 'not-checked'; readonly why: string };

/** What the cloud answers a DryRun that passed its checks. */
export const DRY_RUN_PASSED = 'DryRunOperation';

/** Dry runs in flight at once: as many as apply's actions (its default concurrency). */
const CONCURRENCY = 8;

/** The first write apply makes for the action, sent as a dry run; undefined for one that has no dry run. */
function dryRunOf(a: Action, vpc: MirrorSessions, runId: string): (() => Promise<unknown>) | { why: string } {
  const dry = { dryRun: true } as const;
  switch (a.kind) {
    case 'create':
    case 'replace': {
      // A replace that deletes first frees the slot or priority its create needs: the create can't be checked before.
      if (a.kind === 'replace' && a.breakFirst) return { why: `the old session ${a.sessionId} goes first, freeing what the new one needs` };
      const request: SessionDraft = { ...a.draft, priority: a.draft.priority };
      return () => vpc.create(request, clientToken(runId, 'create', request), dry);
    }
    case 'update':
      return () => vpc.update(a.sessionId, a.set, clientToken(runId, 'update', [a.sessionId, a.set]), dry);
    case 'add-sources':
      return () => vpc.addSources(a.sessionId, a.eniIds, clientToken(runId, 'add', [a.sessionId, a.eniIds]), dry);
    case 'remove-sources':
      return () => vpc.removeSources(a.sessionId, a.eniIds, clientToken(runId, 'remove', [a.sessionId, a.eniIds]), dry);
    case 'delete':
      return { why: 'a delete is not pre-checked' };
    case 're-sign':
      return { why: 'TagResources takes no DryRun' };
  }
}

/** One action's verdict: the dry run's answer, DryRunOperation meaning it would succeed. */
async function verifyOne(a: Action, vpc: MirrorSessions, runId: string): Promise<CloudVerdict> {
  const send = dryRunOf(a, vpc, runId);
  if (typeof send !== 'function') return { verdict: 'not-checked', why: send.why };
  try {
    await send();
    // A cloud that made the change instead would be a cloud ignoring DryRun: said, not hidden.
    return { verdict: 'refused', code: 'Automirror.DryRunIgnored', message: 'the cloud answered the dry run as a real call', retryable: false };
  } catch (err) {
    const e = err as CloudError;
    if (e.code === DRY_RUN_PASSED) return { verdict: 'would-succeed' };
    return { verdict: 'refused', code: e.code ?? 'Unknown', message: e.message, retryable: e.retryable === true };
  }
}

/** Every action's verdict, in the actions' order. */
export function verifyActions(actions: readonly Action[], vpc: MirrorSessions, runId: string): Promise<CloudVerdict[]> {
  return mapConcurrent(actions, CONCURRENCY, (a) => verifyOne(a, vpc, runId));
}
