import { createHash } from 'node:crypto';
import type { MirrorSessions } from '../cloud/vpc.js';
import { CloudError, toCloudError } from '../cloud/errors.js';
import type { Action, Outcome } from './actions.js';
import { ownerTags, ruleOf } from './ownership.js';
import { priorityCandidates } from './priority.js';

/**
 * A ClientToken derived from the run and the action: a retried call in the same run is a no-op at the cloud,
 * while a later run (say, after a session was deleted by hand) is a new request.
 */
export function clientToken(runId: string, ...parts: Array<string | number>): string {
  return createHash('sha256').update([runId, ...parts].join('\u0000')).digest('hex').slice(0, 48);
}

/** Executes actions in order; a failure is reported in its outcome and does not stop the others. */
export async function apply(actions: readonly Action[], vpc: MirrorSessions, runId: string): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const action of actions) {
    try {
      outcomes.push(await applyOne(action, vpc, runId));
    } catch (err) {
      const e = toCloudError(err);
      outcomes.push({ action, status: 'failed', error: `${e.code}: ${e.message}`, retryable: e.retryable });
    }
  }
  return outcomes;
}

async function applyOne(action: Action, vpc: MirrorSessions, runId: string): Promise<Outcome> {
  if (action.kind === 'delete') {
    try {
      await vpc.delete(action.sessionId, clientToken(runId, 'delete', action.sessionId));
    } catch (err) {
      if (!(err instanceof CloudError && err.code === 'ResourceNotFound.TrafficMirrorSession')) throw err;
      return { action, status: 'converged', sessionId: action.sessionId, detail: 'already deleted' };
    }
    return { action, status: 'done', sessionId: action.sessionId };
  }
  return create(action, vpc, runId);
}

/**
 * Creates the session, probing the rule's priority band. The cloud's one-priority-per-region rule is the arbiter
 * between concurrent invocations: after a refusal the truth is re-read, so losing the race to another invocation
 * for the same ENI converges instead of creating a duplicate, whatever the refusal's code.
 */
async function create(action: Extract<Action, { kind: 'create' }>, vpc: MirrorSessions, runId: string): Promise<Outcome> {
  const { spec, eniId } = action;
  let lastError: CloudError | undefined;
  for (const priority of priorityCandidates(spec.priorityBand, spec.rule, eniId)) {
    try {
      const id = await vpc.create(
        {
          name: spec.sessionName,
          sourceIds: [eniId],
          target: spec.targets[0].target,
          filterId: spec.filterId,
          priority,
          vni: spec.vni,
          packetLength: spec.packetLength,
          enabled: spec.enabled,
          tags: ownerTags(spec.rule),
        },
        clientToken(runId, 'create', spec.rule, eniId, priority),
      );
      return { action, status: 'done', sessionId: id, priority };
    } catch (err) {
      const e = toCloudError(err);
      if (e.retryable) throw e;
      const holders = await vpc.list({ priority });
      if (holders.length === 0) throw e; // the refusal was not about the priority
      const mine = (await vpc.list({ sourceId: eniId })).find((s) => ruleOf(s) === spec.rule && s.status !== 'Deleting');
      if (mine) return { action, status: 'converged', sessionId: mine.id, detail: `another invocation created it at priority ${mine.priority}` };
      lastError = e;
    }
  }
  throw lastError ?? new CloudError('PriorityBandExhausted', `no free priority in ${spec.priorityBand.min}–${spec.priorityBand.max}`, false);
}
