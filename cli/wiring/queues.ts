import { type MnsConfig, mnsClient } from '../../shared/cloud/mns.js';

/**
 * The MNS queues and topic automirror uses. Creating a queue that exists with the same attributes succeeds
 * (MNS answers 204), so this is safe to run on every setup.
 */
export async function ensureMessaging(cfg: MnsConfig, names: { deferQueue: string; failedQueue: string; reportTopic: string }): Promise<string[]> {
  const mns = await mnsClient(cfg);
  // Deferred work is short-lived; failed events are kept for the reconcile's report (up to MNS's 7-day maximum).
  await mns.createQueue(names.deferQueue, { VisibilityTimeout: 60, MessageRetentionPeriod: 86_400 });
  await mns.createQueue(names.failedQueue, { VisibilityTimeout: 60, MessageRetentionPeriod: 604_800 });
  await mns.createTopic(names.reportTopic, { MaximumMessageSize: 65_536 });
  return [`queue ${names.deferQueue}`, `queue ${names.failedQueue}`, `topic ${names.reportTopic}`];
}
