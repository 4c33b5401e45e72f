import '../../shared/middleware/clear-debug.js';
import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { cloudForAccount } from '../../shared/cloud/accounts.js';
import { MnsQueue, MnsTopic } from '../../shared/cloud/mns.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { checkSessions, repairSubjects } from '../../shared/engine/check-sessions.js';
import { deadlineClock } from '../../shared/engine/clock.js';
import { ensureUnits } from '../../shared/engine/ensure.js';
import { unprovenClaims } from '../../shared/engine/ownership.js';
import { summarize } from '../../shared/engine/summary.js';
import { deferWork } from '../../shared/events/deferral.js';
import { eventsForLog, LOGGED } from '../../shared/events/log-view.js';
import { parsePayload } from '../../shared/events/payload.js';
import { deadlineGuard } from '../../shared/middleware/deadline.js';
import { classifyErrors, settleEventUnits, settleSessionChecks } from '../../shared/middleware/results.js';
import { type AutomirrorContext, cloudFromContext, parseBuffer } from '../../shared/middleware/stack.js';
import { policyFromEnv } from '../../shared/policy/source.js';
import { alertUnapproved } from '../../shared/report/alert.js';
import { settingsFromEnv } from '../../shared/settings.js';
import { settleScaleOuts } from './lifecycle.js';

/**
 * ECS events from EventBridge, and deferred work from the MNS queue trigger → reconcile the ENIs they concern,
 * VPC ActionTrail events → check the session they name for unapproved mirroring (alerted at once, first),
 * one unit of work (account, region) at a time; what each came to is the engine's result, which the mapper in
 * shared/middleware/results.ts turns into deferrals, a retry or a drop. The run id behind ClientTokens comes from
 * the events themselves, so FC's retry of the same delivery repeats the same requests (no duplicates), while a new
 * event is a new request.
 */
async function onEvent(event: unknown, context: AutomirrorContext) {
  const settings = settingsFromEnv();
  // Only the regions this deployment covers: its own and the scheduled reconcile's (others are out of scope).
  const { subjects: fromEvents, checks, events, lifecycle } = parsePayload(event, { accountId: context.accountId, regionId: context.cloud.regionId, regions: settings.regions });
  const view = eventsForLog(events);
  const log = context.log.child({ events: view.ids });
  if (view.unused) log[view.unused.level]('events not acted on', { events: view.unused.events, ...(view.unused.more ? { more: view.unused.more } : {}) });
  if (fromEvents.length === 0 && checks.length === 0 && lifecycle.length === 0) return { events };
  const policy = policyFromEnv();
  const runId = createHash('sha256')
    .update(events.map((e) => e.id ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  const deployment = { accountId: context.accountId, cloud: context.cloud };
  const mns = { ...context.cloud, accountId: context.accountId, mnsEndpoint: process.env.AUTOMIRROR_MNS_ENDPOINT || undefined };
  // Cloud calls wait (throttling, retries) only until the deadline; what they could not do comes back deferred.
  const clock = deadlineClock(context.deadline);
  const adaptersFor = (accountId: string, regionId: string) => {
    const cloud = cloudForAccount(deployment, accountId, regionId);
    return cloud && engineAdapters(cloud, { clock });
  };
  const checked = await checkSessions(checks, { policy, vpcFor: (a, r) => adaptersFor(a, r)?.vpc, clock }, { runId, deadline: context.deadline });
  const findings = checked.flatMap((c) => (c.finding ? [c.finding] : []));
  const sessions = checked.map((c) => ({ sessionId: c.check.sessionId, regionId: c.check.regionId, outcome: c.outcome, response: c.finding?.response }));
  // Bounded like the batch's own log view: a batch may name up to 1,000 sessions.
  if (sessions.length > 0) log.info('sessions checked', { sessions: sessions.slice(0, LOGGED), ...(sessions.length > LOGGED ? { more: sessions.length - LOGGED } : {}) });
  // The alert goes out before anything else, and even when a disable must be retried (the retry alerts again).
  await alertUnapproved(findings, new MnsTopic(mns, settings.reportTopic), log, { accountId: context.accountId, foundBy: 'event' });
  settleSessionChecks(checked, log);
  const checkedPart = sessions.length > 0 ? { sessions } : {};
  // automirror's own session changed by someone else: its sources are ensured now, the plan putting it back.
  for (const c of checked) if (c.repair && c.outcome === 'owned') log.warn('automirror’s session disabled by someone else: repairing', { sessionId: c.check.sessionId, why: c.repair.why });
  // Scale-outs our lifecycle hooks hold: mirrored first, then let serve (or the configured result, reported).
  const held = await settleScaleOuts(lifecycle, { policy, adaptersFor, mns, settings, log, clock }, { runId, deadline: context.deadline });
  const heldPart = held.length > 0 ? { lifecycle: held } : {};
  const subjects = repairSubjects(fromEvents, checked);
  if (subjects.length === 0) return { events, ...checkedPart, ...heldPart };
  const raw = await ensureUnits(subjects, { policy, adaptersFor }, { runId, deadline: context.deadline });
  const units = raw.map((u) => ({ ...u, summary: u.ensured && summarize(u.ensured) }));
  for (const u of units) {
    log.info('reconciled', { accountId: u.subject.accountId, regionId: u.subject.regionId, result: u.result.kind, summary: u.summary });
    // Someone tried to switch mirroring off without the right to: the security team hears of it at once.
    for (const o of u.summary?.overriddenOptOuts ?? []) log.warn('opt-out overridden', { accountId: u.subject.accountId, regionId: u.subject.regionId, ...o });
  }
  // Someone wrote automirror's ownership tag on a session automirror can't prove is its own: left alone, and an alert.
  const forged = unprovenClaims(units.flatMap((u) => u.ensured?.observed.sessions ?? []));
  if (forged.count > 0) log.error('sessions claim automirror’s ownership without a valid proof: left alone', forged);
  // The deferral queue is the deployment's own (setup made it in its account and region), whatever the unit's.
  const queue = new MnsQueue(mns, settings.deferQueue);
  const settled = await settleEventUnits(units, (subject, items) => deferWork(subject, items, queue, settings, runId), log);
  const results = units.map((u, i) => ({ accountId: u.subject.accountId, regionId: u.subject.regionId, result: u.result.kind, ...u.summary, ...settled[i] }));
  return { events, results, ...checkedPart, ...heldPart };
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(onEvent)
  .use(parseBuffer())
  .use(cloudFromContext({ proves: true }))
  .use(deadlineGuard())
  .use(classifyErrors());
