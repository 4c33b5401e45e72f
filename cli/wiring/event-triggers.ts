import { isDeepStrictEqual } from 'node:util';
import FC, { CreateTriggerInput, CreateTriggerRequest, UpdateTriggerInput, UpdateTriggerRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { credentialFor } from '../../shared/cloud/config.js';
import type { FcConfig } from '../../shared/cloud/invoker.js';
import { ecsEventPattern, vpcEventPattern } from '../../shared/events/filter-pattern.js';

export type WiringChange = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent';

function fcClient(cfg: FcConfig): FC {
  return new FC(
    new $OpenApiUtil.Config({
      credential: credentialFor(cfg),
      endpoint: cfg.fcEndpoint ?? `${cfg.accountId}.${cfg.regionId}.fc.aliyuncs.com`,
      protocol: cfg.fcEndpoint ? 'http' : 'https',
      regionId: cfg.regionId,
      readTimeout: 10_000,
      connectTimeout: 10_000,
    }),
  );
}

/**
 * The trigger config the FC console writes for an Alibaba Cloud service event trigger. `asyncInvocationType: true`
 * asks for asynchronous invocation, which is what gives FC's retries and the onFailure queue; the FC docs disagree
 * on the flag's meaning (EventBridgeTriggerConfig in the FC 3.0 and FC 2.0 API references), so verify it in the console after the first setup.
 */
export function serviceTriggerConfig(pattern: Record<string, unknown>): Record<string, unknown> {
  return {
    triggerEnable: true,
    asyncInvocationType: true,
    eventRuleFilterPattern: JSON.stringify(pattern),
    eventSourceConfig: { eventSourceType: 'Default' },
  };
}

/** The two service-event triggers on on-event, each one default-bus rule (the bus holds 10). */
export const TRIGGERS = {
  ecs: { pattern: ecsEventPattern, description: 'automirror: ECS events (instance state, ENI and tag API calls) to on-event' },
  vpc: { pattern: vpcEventPattern, description: 'automirror: VPC ActionTrail events of traffic mirror session writes (unapproved mirroring) to on-event' },
} as const;

export type TriggerKind = keyof typeof TRIGGERS;

const notFound = (err: unknown) => (err as { code?: string; statusCode?: number })?.statusCode === 404 || /NotFound/.test(String((err as { code?: string })?.code));

function parseConfig(raw: string | undefined): unknown {
  try {
    return JSON.parse(raw ?? 'null');
  } catch {
    return raw;
  }
}

/** Creates one of the on-event function's service-event triggers, or brings it in line; a second run changes nothing. */
export const ensureTrigger = (cfg: FcConfig, kind: TriggerKind, functionName: string, triggerName: string): Promise<WiringChange> =>
  ensureTriggerConfig(cfg, functionName, triggerName, TRIGGERS[kind].description, serviceTriggerConfig(TRIGGERS[kind].pattern()));

/** An FC 3.0 `eventbridge` trigger with this config on the function, created or brought in line. */
export async function ensureTriggerConfig(cfg: FcConfig, functionName: string, triggerName: string, description: string, wanted: Record<string, unknown>): Promise<WiringChange> {
  const fc = fcClient(cfg);
  let existing: string | undefined;
  try {
    existing = (await fc.getTrigger(functionName, triggerName)).body?.triggerConfig;
  } catch (err) {
    if (!notFound(err)) throw err;
    const input = new CreateTriggerInput({ triggerName, triggerType: 'eventbridge', qualifier: 'LATEST', description, triggerConfig: JSON.stringify(wanted) });
    await fc.createTrigger(functionName, new CreateTriggerRequest({ body: input }));
    return 'created';
  }
  if (isDeepStrictEqual(parseConfig(existing), wanted)) return 'unchanged';
  await fc.updateTrigger(functionName, triggerName, new UpdateTriggerRequest({ body: new UpdateTriggerInput({ triggerConfig: JSON.stringify(wanted) }) }));
  return 'updated';
}

/**
 * An MNS queue trigger's config, as s.yaml's deferred-work trigger is written: the events come from
 * `MNS-<function>-<trigger>`, bodies as sent (not Base64-decoded), invoked asynchronously.
 */
export const queueTriggerConfig = (functionName: string, triggerName: string, queueName: string): Record<string, unknown> => ({
  triggerEnable: true,
  asyncInvocationType: true,
  eventRuleFilterPattern: JSON.stringify({ source: [`MNS-${functionName}-${triggerName}`] }),
  eventSourceConfig: { eventSourceType: 'MNS', eventSourceParameters: { sourceMNSParameters: { QueueName: queueName, IsBase64Decode: false } } },
});

/** Creates the ECS trigger (the event path's own), as the demo and the tests wire it. */
export const ensureEcsTrigger = (cfg: FcConfig, functionName: string, triggerName: string) => ensureTrigger(cfg, 'ecs', functionName, triggerName);

export async function removeTrigger(cfg: FcConfig, functionName: string, triggerName: string): Promise<WiringChange> {
  try {
    await fcClient(cfg).deleteTrigger(functionName, triggerName);
    return 'deleted';
  } catch (err) {
    if (notFound(err)) return 'absent';
    throw err;
  }
}
