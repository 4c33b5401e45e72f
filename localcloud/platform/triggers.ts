import { ApiError } from '../core/api-error.js';
import { PatternError, parsePattern } from '../eventbridge/pattern.js';
import type { RuleStore, TargetSpec } from '../eventbridge/rules.js';
import { CronError } from '../fc/cron.js';
import type { FcFunction, FunctionCompute, TriggerBinder, TriggerRecord } from '../fc/service.js';
import type { TimerService } from '../fc/timers.js';
import type { MnsService } from '../mns/service.js';
import type { Notification } from '../mns/topics.js';
import { MnsQueueSource } from './mns-source.js';
import type { Tracker } from './tracker.js';

export interface TriggerDeps {
  rules: RuleStore;
  mns: MnsService;
  fc: FunctionCompute;
  timers: TimerService;
  tracker: Tracker;
  regionId: string;
  accountId: string;
  secondMs: number;
  log: (line: string) => void;
}

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- trigger configs are free-form JSON

const invalid = (why: string) => new ApiError('InvalidArgument', why, 400);
const key = (fn: FcFunction, t: TriggerRecord) => `${fn.spec.functionName}/${t.triggerName}`;

/** The default-bus rule FC creates for an eventbridge trigger (name: function and trigger, made rule-safe). */
export const managedRuleName = (fn: string, trigger: string) => `fc-${fn}-${trigger}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 127);

/**
 * Makes FC triggers live, as FC does when a trigger is created: a default-bus rule for Alibaba-service events,
 * an MNS queue source, a timer, or a topic subscription. Other trigger types are kept but do nothing locally.
 */
export class PlatformTriggers implements TriggerBinder {
  private readonly sources = new Map<string, MnsQueueSource>();

  constructor(private readonly d: TriggerDeps) {}

  bind(fn: FcFunction, t: TriggerRecord): void {
    const cfg = (t.triggerConfig ?? {}) as Config;
    switch (t.triggerType) {
      case 'timer':
        this.bindTimer(fn, t, cfg);
        return;
      case 'eventbridge':
        this.bindEventBridge(fn, t, cfg);
        return;
      case 'mns_topic':
        this.bindTopic(fn, t, cfg);
        return;
      default:
        this.d.log(`[localcloud] trigger ${key(fn, t)} of type ${t.triggerType} is kept but not served locally`);
    }
  }

  unbind(fn: FcFunction, t: TriggerRecord): void {
    const name = fn.spec.functionName;
    this.d.timers.remove(name, t.triggerName);
    this.sources.get(key(fn, t))?.stop();
    this.sources.delete(key(fn, t));
    const rule = this.d.rules.buses.get('default')?.rules.get(managedRuleName(name, t.triggerName));
    if (rule?.managedBy === key(fn, t)) this.d.rules.deleteRule('default', rule.name);
    if (t.triggerType === 'mns_topic' && t.sourceArn) this.d.mns.unsubscribe(this.d.mns.topicNameOf(t.sourceArn), subscriptionName(fn, t));
  }

  close(): void {
    for (const s of this.sources.values()) s.stop();
  }

  private bindTimer(fn: FcFunction, t: TriggerRecord, cfg: Config): void {
    if (typeof cfg.cronExpression !== 'string') throw invalid(`timer trigger ${t.triggerName}: cronExpression is required`);
    try {
      this.d.timers.add({
        functionName: fn.spec.functionName,
        triggerName: t.triggerName,
        cronExpression: cfg.cronExpression,
        payload: cfg.payload === undefined ? '' : String(cfg.payload),
        enable: cfg.enable !== false,
      });
    } catch (err) {
      if (err instanceof CronError) throw invalid(`timer trigger ${t.triggerName}: ${err.message}`);
      throw err;
    }
  }

  private bindEventBridge(fn: FcFunction, t: TriggerRecord, cfg: Config): void {
    const patternText = typeof cfg.eventRuleFilterPattern === 'string' ? cfg.eventRuleFilterPattern : JSON.stringify(cfg.eventRuleFilterPattern ?? {});
    const enabled = cfg.triggerEnable !== false;
    // Disputed in the docs (EventBridgeTriggerConfig, FC 3.0 vs FC 2.0 API reference); localcloud reads the name: true = asynchronous.
    const async = cfg.asyncInvocationType === true;
    const rawData = cfg.eventSinkConfig?.deliveryOption?.eventSchema === 'RawData';
    const sourceType = cfg.eventSourceConfig?.eventSourceType ?? 'Default';
    if (sourceType === 'Default') {
      const target: TargetSpec = {
        Id: 'fc-trigger',
        Type: 'acs.fc.function',
        Endpoint: fn.arn,
        PushRetryStrategy: cfg.runOptions?.retryStrategy?.PushRetryStrategy ?? 'BACKOFF_RETRY',
        DeadLetterQueue: cfg.runOptions?.deadLetterQueue?.Arn ? { Arn: cfg.runOptions.deadLetterQueue.Arn } : undefined,
        ParamList: [
          { ResourceKey: 'InvocationType', Form: 'CONSTANT', Value: async ? 'Async' : 'Sync' },
          rawData ? { ResourceKey: 'Body', Form: 'JSONPATH', Value: '$.data' } : { ResourceKey: 'Body', Form: 'ORIGINAL' },
        ],
      };
      const rule = this.d.rules.createRule('default', {
        name: managedRuleName(fn.spec.functionName, t.triggerName),
        status: enabled ? 'ENABLE' : 'DISABLE',
        filterPattern: patternText,
        targets: [target],
        managedBy: key(fn, t),
      });
      t.sourceArn = this.d.rules.ruleArn('default', rule.name);
      return;
    }
    if (sourceType !== 'MNS') {
      this.d.log(`[localcloud] trigger ${key(fn, t)}: event source ${sourceType} is kept but not served locally`);
      return;
    }
    const mnsParams = cfg.eventSourceConfig?.eventSourceParameters?.sourceMNSParameters ?? {};
    if (typeof mnsParams.QueueName !== 'string' || mnsParams.QueueName === '') throw invalid(`trigger ${t.triggerName}: sourceMNSParameters.QueueName is required`);
    let pattern: ReturnType<typeof parsePattern>;
    try {
      pattern = parsePattern(patternText);
    } catch (err) {
      if (err instanceof PatternError) throw new ApiError('InvalidArgument.FilterPattern', err.message, 400);
      throw err;
    }
    const batch = Number(cfg.runOptions?.batchWindow?.CountBasedWindow ?? 1) || 1;
    // Batch Push Interval: 0–15 s ("Advanced trigger features"); 0 or absent pushes in real time.
    const window = Number(cfg.runOptions?.batchWindow?.TimeBasedWindow ?? 0);
    if (!Number.isInteger(window) || window < 0 || window > 15) throw invalid(`trigger ${t.triggerName}: runOptions.batchWindow.TimeBasedWindow must be 0 to 15 seconds`);
    const source = new MnsQueueSource(this.d.mns, this.d.fc, this.d.tracker, {
      functionName: fn.spec.functionName,
      triggerName: t.triggerName,
      queueName: mnsParams.QueueName,
      isBase64Decode: mnsParams.IsBase64Decode !== false,
      pattern,
      async,
      batchSize: batch,
      windowMs: batch > 1 ? window * this.d.secondMs : 0,
      asArray: batch > 1 || cfg.runOptions?.mode === 'event-streaming',
      rawData,
      regionId: this.d.regionId,
      accountId: this.d.accountId,
      secondMs: this.d.secondMs,
    });
    this.sources.set(key(fn, t), source);
    if (enabled) source.start();
  }

  private bindTopic(fn: FcFunction, t: TriggerRecord, cfg: Config): void {
    if (!t.sourceArn) throw invalid(`mns_topic trigger ${t.triggerName}: sourceArn is required`);
    const topic = this.d.mns.topicNameOf(t.sourceArn);
    const format = cfg.notifyContentFormat === 'JSON' ? 'JSON' : 'STREAM';
    // The topic may be created later (by the setup step), as a queue trigger's queue may: subscribe when it exists.
    this.d.mns.subscribeWhenReady(topic, subscriptionName(fn, t), {
      endpoint: fn.arn,
      notifyStrategy: cfg.notifyStrategy,
      filterTag: cfg.filterTag,
      deliver: (n) => this.d.fc.invokeAsync(fn.spec.functionName, Buffer.from(JSON.stringify(topicEvent(n, format)), 'utf8'), `mns_topic:${t.triggerName}`),
    });
  }
}

const subscriptionName = (fn: FcFunction, t: TriggerRecord) => managedRuleName(fn.spec.functionName, t.triggerName);

/** The mns_topic trigger payloads (devsapp/fc3 src/subCommands/trigger-template/event-template/). */
function topicEvent(n: Notification, format: 'JSON' | 'STREAM'): unknown {
  if (format === 'STREAM') return { body: n.message, attrs: n.messageTag ? { MessageTag: n.messageTag } : {} };
  return {
    TopicOwner: n.topicOwner,
    Message: n.message,
    Subscriber: n.topicOwner,
    PublishTime: n.publishTime,
    SubscriptionName: n.subscriptionName,
    MessageMD5: n.messageMd5,
    TopicName: n.topicName,
    MessageId: n.messageId,
  };
}
