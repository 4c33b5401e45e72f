import middy from '@middy/core';
import { invokerFor } from '../../shared/cloud/invoker.js';
import { MnsQueue, MnsTopic, type MnsConfig } from '../../shared/cloud/mns.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { reconcileRegion } from '../../shared/engine/reconcile-region.js';
import { checkpointId, nextPart, parseRegionTask, partOf, taskIdOf } from '../../shared/engine/region-task.js';
import { deadlineGuard } from '../../shared/middleware/deadline.js';
import { classifyErrors, cloudFromContext, parseBuffer, type AutomirrorContext } from '../../shared/middleware/stack.js';
import { policyFromEnv } from '../../shared/policy/source.js';
import { ReportBuilder } from '../../shared/report/builder.js';
import { drainFailedEvents } from '../../shared/report/failed-queue.js';
import { addRegionResult, policyInfo, policySource } from '../../shared/report/from-plan.js';
import { logReport } from '../../shared/report/log.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
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
  const result = await reconcileRegion({ policy, ...engineAdapters(cloud) }, { regionId: task.regionId, mode: task.mode, runId: task.runId, deadline });

  const next = result.unfinished ? nextPart(task, settings.maxParts, startedAt) : undefined;
  if (next) {
    const fc = { ...context.cloud, accountId: context.accountId, fcEndpoint: process.env.AUTOMIRROR_FC_ENDPOINT || undefined };
    await invokerFor(settings.invoker, fc, settings.fc2Service).invokeAsync(settings.reconcileRegionFunction, next, { taskId: taskIdOf(next) });
  }
  const mns: MnsConfig = { ...context.cloud, accountId: context.accountId, mnsEndpoint: process.env.AUTOMIRROR_MNS_ENDPOINT || undefined };
  const drained = next ? undefined : await drainFailedEvents(new MnsQueue(mns, settings.failedQueue), settings.maxFailedEvents);
  const b = new ReportBuilder({ mode: task.mode, policy: policyInfo(policy, policySource()), regions: [task.regionId], accountId: context.accountId, startedAt, continuedFrom: task.checkpoint && checkpointId(task) });
  addRegionResult(b, result);
  for (const e of drained?.events ?? []) b.addFailedEvent(e);
  const report = b.countApiCalls(apiCalls).finish({ handedOff: next && checkpointId(next), truncated: result.unfinished && !next });

  const log = context.log.child({ runId: task.runId, regionId: task.regionId, part: partOf(task) });
  logReport(log, report);
  const markdown = renderMarkdown(report);
  if (drained) {
    await new MnsTopic(mns, settings.reportTopic).publish(markdown, 'drift-report');
    const kept = await drained.ack();
    if (kept > 0) log.warn('failed events not deleted after the report: they will be reported again', { kept });
  }
  return { report, markdown };
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(reconcileRegionHandler)
  .use(parseBuffer())
  .use(cloudFromContext())
  .use(deadlineGuard())
  .use(classifyErrors());
