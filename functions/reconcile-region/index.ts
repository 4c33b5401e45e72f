import middy from '@middy/core';
import { CloudError } from '../../shared/cloud/errors.js';
import { functionInvoker } from '../../shared/cloud/invoker.js';
import { MnsQueue, MnsTopic, type MnsConfig } from '../../shared/cloud/mns.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { deadlineClock } from '../../shared/engine/clock.js';
import { reconcileRegion } from '../../shared/engine/reconcile-region.js';
import { checkpointId, nextPart, parseRegionTask, partOf, taskIdOf } from '../../shared/engine/region-task.js';
import { deadlineGuard } from '../../shared/middleware/deadline.js';
import { classifyErrors, cloudFromContext, parseBuffer, type AutomirrorContext } from '../../shared/middleware/stack.js';
import { policyFromEnv } from '../../shared/policy/source.js';
import { policyInfo, policySource, regionReport } from '../../shared/report/from-plan.js';
import { finishReport } from '../../shared/report/publish.js';
import { settingsFromEnv } from '../../shared/settings.js';

/**
 * One region's reconcile, or one part of it: `{regionId, mode, runId, checkpoint?}` → scan, plan, apply until the
 * deadline → drift report. A part out of time hands the rest to a follow-up invocation (same run id, next part,
 * FC task dedup so a retried hand-off forks nothing). The last part drains the failed-events queue into its report
 * and publishes the Markdown summary to the report topic; every part logs and returns its full report.
 */
async function reconcileRegionHandler(event: unknown, context: AutomirrorContext) {
  const settings = settingsFromEnv();
  const task = parseRegionTask(event);
  const startedAt = new Date();
  const policy = policyFromEnv();
  let apiCalls = 0;
  const cloud = { ...context.cloud, regionId: task.regionId, around: <T>(_: string, send: () => Promise<T>) => (apiCalls++, send()) };
  const deadline = settings.partSeconds > 0 ? Math.min(context.deadline, startedAt.getTime() + settings.partSeconds * 1000) : context.deadline;
  // Waits (throttling, retries) end at the part's deadline: cut-short writes come back unfinished and go to the next part.
  const clock = deadlineClock(deadline);
  const result = await reconcileRegion({ policy, ...engineAdapters(cloud, { clock }) }, { regionId: task.regionId, mode: task.mode, runId: task.runId, deadline, clock });

  const b = regionReport(result, { policy: policyInfo(policy, policySource()), accountId: context.accountId, startedAt, continuedFrom: task.checkpoint && checkpointId(task) }, apiCalls);
  let next = result.unfinished ? nextPart(task, settings.maxParts, startedAt) : undefined;
  if (next) {
    try {
      await functionInvoker(settings, context.cloud, context.accountId).invokeAsync(settings.reconcileRegionFunction, next, { taskId: taskIdOf(next) });
    } catch (err) {
      // A transient failure fails the part, and FC's retry re-scans; a refusal ends the run here, reported.
      if (!(err instanceof CloudError) || err.retryable) throw err;
      b.addError({ regionId: task.regionId, context: `hand-off to part ${partOf(next)}`, code: err.code, message: err.message });
      next = undefined;
    }
  }
  const mns: MnsConfig = { ...context.cloud, accountId: context.accountId, mnsEndpoint: process.env.AUTOMIRROR_MNS_ENDPOINT || undefined };
  const outbox = next ? undefined : { queue: new MnsQueue(mns, settings.failedQueue), topic: new MnsTopic(mns, settings.reportTopic), maxFailedEvents: settings.maxFailedEvents };
  const log = context.log.child({ runId: task.runId, regionId: task.regionId, part: partOf(task) });
  return finishReport(b, { handedOff: next && checkpointId(next), truncated: result.unfinished && !next }, log, outbox);
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(reconcileRegionHandler)
  .use(parseBuffer())
  .use(cloudFromContext())
  .use(deadlineGuard())
  .use(classifyErrors());
