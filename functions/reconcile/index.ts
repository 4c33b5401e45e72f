import '../../shared/middleware/clear-debug.js';
import middy from '@middy/core';
import { functionInvoker } from '../../shared/cloud/invoker.js';
import { accountsOfRun } from '../../shared/cloud/resource-directory.js';
import { directoryAdapter } from '../../shared/engine/call-policy.js';
import { type RegionTask, scheduledRun, taskIdOf } from '../../shared/events/region-task.js';
import { deadlineGuard } from '../../shared/middleware/deadline.js';
import { classifyErrors } from '../../shared/middleware/results.js';
import { type AutomirrorContext, cloudFromContext, parseBuffer } from '../../shared/middleware/stack.js';
import { settingsFromEnv } from '../../shared/settings.js';

/**
 * The scheduled reconcile (timer trigger): one asynchronous reconcile-region invocation per (account, region) of
 * the run. The accounts are resolved first, each run anew (AUTOMIRROR_ACCOUNTS: the own account, a list, or the
 * Resource Directory's members); a directory that can't be listed fails the firing, for FC's retry. A region's scan
 * and apply can take far longer than a trigger's invocation may run, and (account, region) pairs are independent,
 * so each gets its own invocation, FC's async retries, its own continuation chain and its own account's credentials
 * (a member whose role can't be assumed is reported by its own invocations, and stops no other). Each first part
 * carries an async task id derived from the run, the account and the region, so a retried firing starts nothing twice.
 */
async function reconcile(event: unknown, context: AutomirrorContext) {
  const settings = settingsFromEnv();
  const run = scheduledRun(event, context.requestId, { mode: settings.reconcileMode, regions: settings.regions.length > 0 ? settings.regions : [context.cloud.regionId] });
  const accounts = await accountsOfRun(settings.accounts, settings.excludeAccounts, context.accountId, (folderId) => directoryAdapter(context.cloud).memberAccounts(folderId));
  const invoker = functionInvoker(settings, context.cloud, context.accountId);
  const regions = [];
  for (const accountId of accounts) {
    for (const regionId of run.regions) {
      const task: RegionTask = { accountId, regionId, mode: run.mode, runId: run.runId };
      const { requestId, started } = await invoker.invokeAsync(settings.reconcileRegionFunction, task, { taskId: taskIdOf(task) });
      regions.push({ accountId, regionId, requestId, started });
    }
  }
  context.log.info('reconcile started', { runId: run.runId, mode: run.mode, invoker: settings.invoker, accounts: accounts.length, regions });
  return { runId: run.runId, mode: run.mode, accounts, regions };
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(reconcile).use(parseBuffer()).use(cloudFromContext()).use(deadlineGuard()).use(classifyErrors());
