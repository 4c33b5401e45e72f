import middy from '@middy/core';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import { ensure } from '../../shared/engine/ensure.js';
import { summarize } from '../../shared/engine/summary.js';
import { parseEvent } from '../../shared/events/parse.js';
import { policyFromEnv } from '../../shared/policy/source.js';
import { cloudFromContext, classifyErrors, parseBuffer, type AutomirrorContext } from '../../shared/middleware/stack.js';

/** ECS events from EventBridge → reconcile the ENIs they concern. */
async function onEvent(event: unknown, context: AutomirrorContext) {
  const parsed = parseEvent(event, context.cloud.regionId);
  const log = context.log.child({ eventId: parsed.eventId });
  if ('ignored' in parsed) {
    log.info('event ignored', { reason: parsed.ignored });
    return { eventId: parsed.eventId, ignored: parsed.ignored };
  }
  const cloud = { ...context.cloud, regionId: parsed.subject.regionId };
  const result = await ensure(parsed.subject, { policy: policyFromEnv(), ...engineAdapters(cloud) }, { runId: `acs.ecs/${parsed.eventId}`, deadline: context.deadline });
  const summary = summarize(result);
  log.info('event handled', { summary });
  const transient = summary.failed.filter((f) => f.retryable);
  // Throwing makes FC retry the async invocation; after its retries the event goes to the onFailure queue.
  if (transient.length > 0) throw new Error(`transient failures, retry: ${transient.map((f) => f.error).join('; ')}`);
  return { eventId: parsed.eventId, ...summary };
}

export const handler = middy<unknown, unknown, Error, AutomirrorContext>(onEvent).use(parseBuffer()).use(cloudFromContext()).use(classifyErrors());
