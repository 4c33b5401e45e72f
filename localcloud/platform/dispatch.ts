import { ApiError } from '../core/api-error.js';
import type { EventBus, TargetDispatcher } from '../eventbridge/bus.js';
import type { RuleRecord, TargetSpec } from '../eventbridge/rules.js';
import { targetParams } from '../eventbridge/transform.js';
import type { CloudEvent } from '../events/cloud-event.js';
import type { FunctionCompute } from '../fc/service.js';
import type { MnsService } from '../mns/service.js';

/**
 * Sends a text document to a resource named by ARN: an MNS queue or topic, an FC function (async), or an event bus.
 * Used for FC async destinations and EventBridge dead-letter queues.
 */
export async function sendToArn(arn: string, text: string, deps: { fc: FunctionCompute; mns: MnsService; bus: () => EventBus }, source: string): Promise<void> {
  if (arn.startsWith('acs:mns:')) {
    if (/:\/?topics\//.test(arn)) deps.mns.topic(deps.mns.topicNameOf(arn)).publish(text);
    else deps.mns.queue(deps.mns.queueNameOf(arn)).send(text);
    return;
  }
  if (arn.startsWith('acs:fc:')) {
    deps.fc.invokeAsync(deps.fc.resolveArn(arn).spec.functionName, Buffer.from(text, 'utf8'), source);
    return;
  }
  const bus = /^acs:eventbridge:[^:]*:[^:]*:eventbus\/([^/]+)$/.exec(arn);
  if (bus) {
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON: the event carries the text
    }
    deps.bus().put({ source: 'acs.localcloud', type: `localcloud:Delivery:${source}`, data }, bus[1]);
    return;
  }
  throw new ApiError('InvalidArgument', `localcloud cannot deliver to "${arn}"`, 400);
}

/** Delivers routed events to rule targets: FC functions (per InvocationType) and MNS queues/topics. */
export class PlatformDispatcher implements TargetDispatcher {
  constructor(private readonly deps: { fc: FunctionCompute; mns: MnsService; bus: () => EventBus }) {}

  async dispatch(target: TargetSpec, event: CloudEvent, rule: RuleRecord): Promise<void> {
    const params = targetParams(target, event);
    const source = `eventbridge:${rule.name}`;
    switch (target.Type) {
      case 'acs.fc.function': {
        const fn = params.servicename && params.functionname ? this.deps.fc.fc2Function(params.servicename, params.functionname) : this.deps.fc.resolveArn(target.Endpoint);
        const body = Buffer.from(params.dataformat === 'ObjectList' ? `[${params.body}]` : params.body, 'utf8');
        // Async unless the target asks for Sync: FC then owns retries and destinations (assumption, see README).
        if ((params.invocationtype ?? 'Async') === 'Async') {
          this.deps.fc.invokeAsync(fn.spec.functionName, body, source);
          return;
        }
        const outcome = await this.deps.fc.invoke(fn.spec.functionName, body, source);
        if (!outcome.ok) throw new Error(`${outcome.error?.errorType}: ${outcome.error?.errorMessage}`);
        return;
      }
      case 'acs.mns.queue':
      case 'acs.mns.topic':
        return sendToArn(target.Endpoint, params.body, this.deps, source);
      default:
        throw new Error(`localcloud does not deliver to targets of type ${target.Type}`);
    }
  }

  deadLetter(arn: string, event: CloudEvent): Promise<void> {
    return sendToArn(arn, JSON.stringify(event), this.deps, 'dead-letter');
  }
}
