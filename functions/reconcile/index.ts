import '../../shared/middleware/clear-debug.js';
import middy from '@middy/core';
import { functionInvoker } from '../../shared/cloud/invoker.js';
import { type RegionTask, scheduledRun, taskIdOf } from '../../shared/events/region-task.js';
import { deadlineGuard } from '../../shared/middleware/deadline.js';
import { classifyErrors } from '../../shared/middleware/results.js';
import { type AutomirrorContext, cloudFromContext, parseBuffer } from '../../shared/middleware/stack.js';
import { settingsFromEnv } from '../../shared/settings.js';

/**
 * The scheduled reconcile (timer trigger): one asynchronous reconcile-region invocation per configured region. A
 * region's scan and apply can take far longer than a trigger's invocation may run, and regions are independent,
 * so each gets its own invocation, FC's async retries and its own continuation chain. Each region's first part
 * carries an async task id derived from the run, so a retried firing starts nothing twice.
 */
async function reconcile(event: unknown, context: AutomirrorContext) {
  const settings = settingsFromEnv();
  const run = scheduledRun(event, context.requestId, { mode: settings.reconcileMode, regions: settings.regions.length > 0 ? settings.regions : [context.cloud.regionId] });
  const invoker = functionInvoker(settings, context.cloud, context.accountId);
  const regions = [];
  for (const regionId of run.regions) {
    const task: RegionTask = { accountId: context.accountId, regionId, mode: run.mode, runId: run.runId };
    const { requestId, started } = await invoker.invokeAsync(settings.reconcileRegionFunction, task, { taskId: taskIdOf(task) });
    regions.push({ regionId, requestId, started });
  }
  context.log.info('reconcile started', { runId: run.runId, mode: run.mode, invoker: settings.invoker, regions });
  return { runId: run.runId, mode: run.mode, regions };
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(reconcile).use(parseBuffer()).use(cloudFromContext()).use(deadlineGuard()).use(classifyErrors());
