import { ApiError } from '../core/api-error.js';
import { DEFAULT_QUEUE_ATTRIBUTES, type MnsClock, MnsQueue, QUEUE_LIMITS, type QueueAttributes } from './queues.js';
import { DEFAULT_TOPIC_ATTRIBUTES, formatNotification, MnsTopic, type NotifyContentFormat, type Subscription, type TopicAttributes } from './topics.js';

const NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,255}$/;

export interface SubscribeOptions {
  endpoint: string;
  notifyStrategy?: Subscription['notifyStrategy'];
  notifyContentFormat?: NotifyContentFormat;
  filterTag?: string;
  /** For non-queue endpoints (an mns_topic trigger): how a notification is delivered. */
  deliver?: Subscription['deliver'];
}

/**
 * The account's MNS: queues and topics by name. One namespace serves every region (localcloud has one port),
 * so ARNs are checked for their account and resource, not their region.
 */
export class MnsService {
  readonly queues = new Map<string, MnsQueue>();
  readonly topics = new Map<string, MnsTopic>();
  /** Subscriptions waiting for their topic (FC topic triggers declared before the topic is created). */
  private readonly pending = new Map<string, Map<string, SubscribeOptions>>();

  constructor(
    readonly accountId: string,
    readonly clock: MnsClock,
  ) {}

  createQueue(name: string, attrs: Partial<QueueAttributes> = {}): { created: boolean; queue: MnsQueue } {
    if (!NAME.test(name)) throw new ApiError('InvalidArgument', `The queue name "${name}" is not valid.`, 400);
    const wanted = checkQueueAttributes({ ...DEFAULT_QUEUE_ATTRIBUTES, ...attrs });
    const existing = this.queues.get(name);
    if (existing) {
      if (JSON.stringify(existing.attributes) !== JSON.stringify(wanted)) {
        throw new ApiError('QueueAlreadyExist', `The queue ${name} you want to create already exist.`, 409);
      }
      return { created: false, queue: existing };
    }
    const queue = new MnsQueue(name, wanted, this.clock);
    this.queues.set(name, queue);
    return { created: true, queue };
  }

  queue(name: string): MnsQueue {
    const q = this.queues.get(name);
    if (!q) throw new ApiError('QueueNotExist', 'The queue name you provided is not exist.', 404);
    return q;
  }

  setQueueAttributes(name: string, attrs: Partial<QueueAttributes>): void {
    const q = this.queue(name);
    q.attributes = checkQueueAttributes({ ...q.attributes, ...attrs });
    q.lastModifyTime = this.clock.now();
  }

  deleteQueue(name: string): void {
    this.queues.get(name)?.wakeAll();
    this.queues.delete(name);
  }

  createTopic(name: string, attrs: Partial<TopicAttributes> = {}): { created: boolean; topic: MnsTopic } {
    if (!NAME.test(name)) throw new ApiError('InvalidArgument', `The topic name "${name}" is not valid.`, 400);
    const existing = this.topics.get(name);
    if (existing) return { created: false, topic: existing };
    const topic = new MnsTopic(name, this.accountId, { ...DEFAULT_TOPIC_ATTRIBUTES, ...attrs }, this.clock);
    this.topics.set(name, topic);
    for (const [sub, opts] of this.pending.get(name) ?? []) this.subscribe(name, sub, opts);
    this.pending.delete(name);
    return { created: true, topic };
  }

  topic(name: string): MnsTopic {
    const t = this.topics.get(name);
    if (!t) throw new ApiError('TopicNotExist', 'The topic name you provided is not exist.', 404);
    return t;
  }

  subscribe(topicName: string, name: string, opts: SubscribeOptions): Subscription {
    const topic = this.topic(topicName);
    if (topic.subscriptions.has(name)) throw new ApiError('SubscriptionAlreadyExist', `The subscription ${name} already exist.`, 409);
    const format = opts.notifyContentFormat ?? 'XML';
    let deliver = opts.deliver;
    if (!deliver) {
      const queueName = this.queueNameOf(opts.endpoint);
      deliver = (n) => this.queues.get(queueName)?.send(formatNotification(n, format));
    }
    const now = this.clock.now();
    const sub: Subscription = {
      name,
      endpoint: opts.endpoint,
      notifyStrategy: opts.notifyStrategy ?? 'BACKOFF_RETRY',
      notifyContentFormat: format,
      filterTag: opts.filterTag,
      createTime: now,
      lastModifyTime: now,
      deliver,
    };
    topic.subscriptions.set(name, sub);
    return sub;
  }

  /** Subscribes now if the topic exists, else as soon as it is created. */
  subscribeWhenReady(topicName: string, name: string, opts: SubscribeOptions): void {
    if (this.topics.has(topicName)) {
      this.subscribe(topicName, name, opts);
      return;
    }
    const waiting = this.pending.get(topicName) ?? new Map<string, SubscribeOptions>();
    waiting.set(name, opts);
    this.pending.set(topicName, waiting);
  }

  unsubscribe(topicName: string, name: string): void {
    this.topics.get(topicName)?.subscriptions.delete(name);
    this.pending.get(topicName)?.delete(name);
  }

  /**
   * The queue an ARN names: `acs:mns:<region>:<account>:/queues/<q>/messages` (FC destinations),
   * `acs:mns:<region>:<account>:queues/<q>` (subscription endpoints, EventBridge targets).
   */
  queueNameOf(arn: string): string {
    return this.resourceOf(arn, 'queues');
  }

  topicNameOf(arn: string): string {
    return this.resourceOf(arn, 'topics');
  }

  private resourceOf(arn: string, kind: 'queues' | 'topics'): string {
    const m = new RegExp(`^acs:mns:[^:]*:([^:]*):/?${kind}/([^/]+)(/messages)?$`).exec(arn);
    if (!m) throw new ApiError('InvalidArgument', `"${arn}" is not an MNS ${kind.slice(0, -1)} ARN.`, 400);
    if (m[1] !== '' && m[1] !== this.accountId) throw new ApiError('AccessDenied', `"${arn}" belongs to another account.`, 403);
    return m[2];
  }
}

function checkQueueAttributes(a: QueueAttributes): QueueAttributes {
  for (const [key, [min, max]] of Object.entries(QUEUE_LIMITS)) {
    const v = a[key as keyof typeof QUEUE_LIMITS];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new ApiError('InvalidArgument', `${key[0].toUpperCase()}${key.slice(1)} ${v} is out of range [${min}, ${max}].`, 400);
    }
  }
  return a;
}
