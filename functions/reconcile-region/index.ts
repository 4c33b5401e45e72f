import '../../shared/middleware/clear-debug.js';
import middy from '@middy/core';
import { cloudForAccount, reach } from '../../shared/cloud/accounts.js';
import { historyKey, OssHistoryStore } from '../../shared/cloud/history-store.js';
import { functionInvoker } from '../../shared/cloud/invoker.js';
import { publishMetrics } from '../../shared/cloud/metrics.js';
import { type MnsConfig, MnsQueue, MnsTopic } from '../../shared/cloud/mns.js';
import { engineAdapters, metricsAdapter } from '../../shared/engine/call-policy.js';
import { deadlineClock } from '../../shared/engine/clock.js';
import { reconcileRegion } from '../../shared/engine/reconcile-region.js';
import { BadInput } from '../../shared/events/bad-input.js';
import { checkpointId, nextPart, parseRegionTask, partOf, taskIdOf } from '../../shared/events/region-task.js';
import { deadlineGuard } from '../../shared/middleware/deadline.js';
import { classifyErrors, settleRegionPart, settleUnreachable } from '../../shared/middleware/results.js';
import { type AutomirrorContext, cloudFromContext, parseBuffer } from '../../shared/middleware/stack.js';
import { policyFromEnv } from '../../shared/policy/source.js';
import { alertUnapproved } from '../../shared/report/alert.js';
import { ReportBuilder, type ReportEnd } from '../../shared/report/builder.js';
import { policyInfo, policySource, regionReport } from '../../shared/report/from-plan.js';
import { keepHistory } from '../../shared/report/keep-history.js';
import { reportMetrics } from '../../shared/report/metrics.js';
import { finishReport } from '../../shared/report/publish.js';
import { settingsFromEnv } from '../../shared/settings.js';

/**
 * One region's reconcile, or one part of it: `{regionId, mode, runId, checkpoint?}` → scan, plan, apply until the
 * deadline → drift report. A part out of time hands the rest to a follow-up invocation (same run id, next part,
 * FC task dedup so a retried hand-off forks nothing). The last part drains the failed-events queue into its report
 * and publishes the Markdown summary to the report topic, with the change since the region's previous run when a
 * history bucket is set; every part logs and returns its full report.
 */
async function reconcileRegionHandler(event: unknown, context: AutomirrorContext) {
  const settings = settingsFromEnv();
  const parsed = parseRegionTask(event);
  // The unit of work is (account, region): a task that names no account is the deployment's own. Member accounts
  // are reached (STS AssumeRole) only when the deployment is configured for several (AUTOMIRROR_ACCOUNTS).
  const accountId = parsed.accountId ?? context.accountId;
  if (settings.excludeAccounts.includes(accountId)) throw new BadInput(`account ${accountId} is excluded (AUTOMIRROR_EXCLUDE_ACCOUNTS)`);
  const listed = settings.accounts.kind !== 'list' || accountId === context.accountId || settings.accounts.accountIds.includes(accountId);
  if (!listed) throw new BadInput(`account ${accountId} is not in AUTOMIRROR_ACCOUNTS`);
  const members = settings.accounts.kind === 'own' ? undefined : { roleName: settings.memberRole, runId: parsed.runId };
  const account = cloudForAccount({ accountId: context.accountId, cloud: context.cloud, members }, accountId, parsed.regionId);
  if (!account) throw new BadInput(`account ${accountId} is not served by this deployment (${context.accountId})`);
  const task = { ...parsed, accountId };
  const startedAt = new Date();
  const policy = policyFromEnv();
  const mns: MnsConfig = { ...context.cloud, accountId: context.accountId, mnsEndpoint: process.env.AUTOMIRROR_MNS_ENDPOINT || undefined };
  const log = context.log.child({ runId: task.runId, accountId, regionId: task.regionId, part: partOf(task) });
  const topic = new MnsTopic(mns, settings.reportTopic);
  const lastOutbox = { queue: new MnsQueue(mns, settings.failedQueue), topic, maxFailedEvents: settings.maxFailedEvents };
  const start = { policy: policyInfo(policy, policySource()), accountId, startedAt, continuedFrom: task.checkpoint && checkpointId(task) };

  // An account whose role can't be assumed is this unit's report, with the STS error, and nothing else of it runs.
  const unreachable = await reach(account).then(() => undefined, settleUnreachable);
  if (unreachable) {
    const b = new ReportBuilder({ ...start, mode: task.mode, regions: [task.regionId] });
    b.addError({ regionId: task.regionId, context: `reach account ${accountId} (STS AssumeRole, role ${settings.memberRole})`, ...unreachable });
    log.error('dropped: the account can not be reached, reported', unreachable);
    const finished = await finishReport(b, { truncated: true }, log, lastOutbox);
    return { ...finished, dropped: `${unreachable.code ?? 'Unreachable'}: ${unreachable.message}` };
  }

  let apiCalls = 0;
  const cloud = { ...account, around: <T>(_: string, send: () => Promise<T>) => (apiCalls++, send()) };
  const deadline = settings.partSeconds > 0 ? Math.min(context.deadline, startedAt.getTime() + settings.partSeconds * 1000) : context.deadline;
  // Waits (throttling, retries) end at the part's deadline: cut-short writes come back unfinished and go to the next part.
  const clock = deadlineClock(deadline);
  const result = await reconcileRegion({ policy, ...engineAdapters(cloud, { clock }) }, { regionId: task.regionId, mode: task.mode, runId: `${accountId}-${task.runId}`, deadline, clock });

  const b = regionReport(result, start, apiCalls);
  // Unapproved mirroring is alerted at once, by every part that finds it, not only in the run's final summary.
  try {
    await alertUnapproved(result.foreign.unapproved, topic, log, { accountId, foundBy: 'reconcile' });
  } catch (err) {
    b.addError({ regionId: task.regionId, context: 'publish the unapproved-mirroring alert', message: err instanceof Error ? err.message : String(err) });
  }
  // requeue → the next part (FC async, task dedup); a refused hand-off ends the run here, reported.
  const next = nextPart(task, settings.maxParts, startedAt);
  const settled = await settleRegionPart(result.result, next, async (t) => {
    await functionInvoker(settings, context.cloud, context.accountId).invokeAsync(settings.reconcileRegionFunction, t, { taskId: taskIdOf(t) });
  });
  if (settled.refused && next) b.addError({ regionId: task.regionId, context: `hand-off to part ${partOf(next)}`, ...settled.refused });
  const handedOff = settled.handedOff;
  const outbox = handedOff ? undefined : lastOutbox;
  let end: ReportEnd = { handedOff: handedOff && checkpointId(handedOff), truncated: settled.truncated };
  if (outbox && settings.historyBucket) {
    const store = new OssHistoryStore({ ...context.cloud, bucket: settings.historyBucket, ossEndpoint: process.env.AUTOMIRROR_OSS_ENDPOINT || undefined }, historyKey(accountId, task.regionId));
    end = await keepHistory(store, b, end, `${accountId}-${task.runId}`, task.regionId);
  }
  const finished = await finishReport(b, end, log, outbox);
  // The run's last part publishes its figures, into the deployment's own CloudMonitor (dimensions name the account).
  if (!settings.metrics || handedOff) return finished;
  const metrics = await publishMetrics(metricsAdapter(context.cloud, settings.metricsGroupId, { clock }), reportMetrics(finished.report, Date.now()), log);
  return { ...finished, metrics };
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(reconcileRegionHandler)
  .use(parseBuffer())
  .use(cloudFromContext({ proves: true }))
  .use(deadlineGuard())
  .use(classifyErrors());
