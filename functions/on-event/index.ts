import middy from '@middy/core';
import { createHash } from 'node:crypto';
import { MnsQueue } from '../../shared/cloud/mns.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { deadlineClock } from '../../shared/engine/clock.js';
import { ensure } from '../../shared/engine/ensure.js';
import { summarize } from '../../shared/engine/summary.js';
import { deferWork } from '../../shared/events/deferral.js';
import { parsePayload } from '../../shared/events/payload.js';
import { deadlineGuard } from '../../shared/middleware/deadline.js';
import { classifyErrors, cloudFromContext, parseBuffer, type AutomirrorContext } from '../../shared/middleware/stack.js';
import { policyFromEnv } from '../../shared/policy/source.js';
import { settingsFromEnv } from '../../shared/settings.js';

/**
 * ECS events from EventBridge, and deferred work from the MNS queue trigger → reconcile the ENIs they concern.
 * The run id behind ClientTokens comes from the events themselves, so FC's retry of the same delivery repeats
 * the same requests (no duplicates), while a new event is a new request.
 */
async function onEvent(event: unknown, context: AutomirrorContext) {
  const settings = settingsFromEnv();
  const { subjects, events } = parsePayload(event, context.cloud.regionId);
  const log = context.log.child({ events: events.map((e) => e.id).filter(Boolean) });
  const unused = events.filter((e) => e.verdict !== 'reconcile');
  if (unused.length > 0) log[unused.some((e) => e.verdict === 'bad') ? 'warn' : 'info']('events not acted on', { events: unused });
  if (subjects.length === 0) return { events };
  const policy = policyFromEnv();
  const runId = createHash('sha256').update(events.map((e) => e.id ?? '').join('\u0000')).digest('hex').slice(0, 32);
  const results = [];
  for (const subject of subjects) {
    const cloud = { ...context.cloud, regionId: subject.regionId };
    // Cloud calls wait (throttling, retries) only until the deadline; what they could not do comes back deferred.
    const adapters = engineAdapters(cloud, { clock: deadlineClock(context.deadline) });
    const result = await ensure(subject, { policy, ...adapters }, { runId, deadline: context.deadline });
    const summary = summarize(result);
    const queue = new MnsQueue({ ...cloud, accountId: context.accountId, mnsEndpoint: process.env.AUTOMIRROR_MNS_ENDPOINT || undefined }, settings.deferQueue);
    const deferral = await deferWork(subject, summary.deferred, queue, settings);
    if (deferral.abandoned.length > 0) log.error('deferred too often: left to the scheduled reconcile', { abandoned: deferral.abandoned });
    log.info('reconciled', { regionId: subject.regionId, summary, deferral });
    results.push({ regionId: subject.regionId, ...summary, deferral });
  }
  const transient = results.flatMap((r) => r.failed.filter((f) => f.retryable));
  // Throwing makes FC retry the async invocation; after its retries the event goes to the onFailure queue.
  if (transient.length > 0) throw new Error(`transient failures, FC will retry: ${transient.map((f) => f.error).join('; ')}`);
  return { events, results };
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(onEvent)
  .use(parseBuffer())
  .use(cloudFromContext())
  .use(deadlineGuard())
  .use(classifyErrors());
