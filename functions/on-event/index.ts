import middy from '@middy/core';
import { createHash } from 'node:crypto';
import { MnsQueue } from '../../shared/cloud/mns.js';
import type { Subject } from '../../shared/domain.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { deadlineClock } from '../../shared/engine/clock.js';
import { ensure } from '../../shared/engine/ensure.js';
import type { Result } from '../../shared/engine/result.js';
import { summarize, type EnsureSummary } from '../../shared/engine/summary.js';
import { deferWork } from '../../shared/events/deferral.js';
import { parsePayload } from '../../shared/events/payload.js';
import { deadlineGuard } from '../../shared/middleware/deadline.js';
import { classifyErrors, settleEventUnits } from '../../shared/middleware/results.js';
import { cloudFromContext, parseBuffer, type AutomirrorContext } from '../../shared/middleware/stack.js';
import { policyFromEnv } from '../../shared/policy/source.js';
import { settingsFromEnv } from '../../shared/settings.js';

/**
 * ECS events from EventBridge, and deferred work from the MNS queue trigger → reconcile the ENIs they concern,
 * one unit of work (account, region) at a time; what each came to is the engine's result, which the mapper in
 * shared/middleware/results.ts turns into deferrals, a retry or a drop. The run id behind ClientTokens comes from
 * the events themselves, so FC's retry of the same delivery repeats the same requests (no duplicates), while a new
 * event is a new request.
 */
async function onEvent(event: unknown, context: AutomirrorContext) {
  const settings = settingsFromEnv();
  const { subjects, events } = parsePayload(event, { accountId: context.accountId, regionId: context.cloud.regionId });
  const log = context.log.child({ events: events.map((e) => e.id).filter(Boolean) });
  const unused = events.filter((e) => e.verdict !== 'reconcile');
  if (unused.length > 0) log[unused.some((e) => e.verdict === 'bad') ? 'warn' : 'info']('events not acted on', { events: unused });
  if (subjects.length === 0) return { events };
  const policy = policyFromEnv();
  const runId = createHash('sha256').update(events.map((e) => e.id ?? '').join('\u0000')).digest('hex').slice(0, 32);
  const units: Array<{ subject: Subject; result: Result; summary?: EnsureSummary }> = [];
  for (const subject of subjects) {
    // One path per account: today only the deployment's own has credentials (a member account's would be assumed here).
    if (subject.accountId !== context.accountId) {
      units.push({ subject, result: { kind: 'terminal', reason: `account ${subject.accountId} is not served by this deployment (${context.accountId})` } });
      continue;
    }
    const cloud = { ...context.cloud, regionId: subject.regionId };
    // Cloud calls wait (throttling, retries) only until the deadline; what they could not do comes back deferred.
    const adapters = engineAdapters(cloud, { clock: deadlineClock(context.deadline) });
    const r = await ensure(subject, { policy, ...adapters }, { runId: `${subject.accountId}-${runId}`, deadline: context.deadline });
    const summary = summarize(r);
    log.info('reconciled', { accountId: subject.accountId, regionId: subject.regionId, result: r.result.kind, summary });
    units.push({ subject, result: r.result, summary });
  }
  const settled = await settleEventUnits(
    units,
    (subject, items) =>
      deferWork(subject, items, new MnsQueue({ ...context.cloud, regionId: subject.regionId, accountId: subject.accountId, mnsEndpoint: process.env.AUTOMIRROR_MNS_ENDPOINT || undefined }, settings.deferQueue), settings, runId),
    log,
  );
  const results = units.map((u, i) => ({ accountId: u.subject.accountId, regionId: u.subject.regionId, result: u.result.kind, ...u.summary, ...settled[i] }));
  return { events, results };
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(onEvent)
  .use(parseBuffer())
  .use(cloudFromContext())
  .use(deadlineGuard())
  .use(classifyErrors());
