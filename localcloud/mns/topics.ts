import { randomBytes } from 'node:crypto';
import { ApiError } from '../core/api-error.js';
import { bodyMd5, type MnsClock } from './queues.js';
import { renderXml } from './xml.js';

export type NotifyContentFormat = 'SIMPLIFIED' | 'XML' | 'JSON';

/** What a subscription pushes: the published message and who it is for. */
export interface Notification {
  topicOwner: string;
  topicName: string;
  subscriptionName: string;
  messageId: string;
  messageMd5: string;
  message: string;
  messageTag?: string;
  publishTime: number;
}

export interface Subscription {
  name: string;
  /** `acs:mns:<region>:<account>:queues/<q>`, or a function ARN for an mns_topic trigger. */
  endpoint: string;
  notifyStrategy: 'BACKOFF_RETRY' | 'EXPONENTIAL_DECAY_RETRY';
  notifyContentFormat: NotifyContentFormat;
  filterTag?: string;
  createTime: number;
  lastModifyTime: number;
  deliver(n: Notification): void;
}

export interface TopicAttributes {
  maximumMessageSize: number;
  messageRetentionPeriod: number;
  loggingEnabled: boolean;
}

export const DEFAULT_TOPIC_ATTRIBUTES: TopicAttributes = { maximumMessageSize: 65536, messageRetentionPeriod: 86400, loggingEnabled: false };

/** One MNS topic: publish fans out to its subscriptions whose FilterTag matches. */
export class MnsTopic {
  readonly createTime: number;
  lastModifyTime: number;
  messageCount = 0;
  readonly subscriptions = new Map<string, Subscription>();

  constructor(
    readonly name: string,
    readonly owner: string,
    public attributes: TopicAttributes,
    private readonly clock: MnsClock,
  ) {
    this.createTime = clock.now();
    this.lastModifyTime = this.createTime;
  }

  publish(message: string, messageTag?: string): { messageId: string; md5: string } {
    if (Buffer.byteLength(message, 'utf8') > this.attributes.maximumMessageSize) {
      throw new ApiError('InvalidArgument', `The message is larger than the topic's MaximumMessageSize ${this.attributes.maximumMessageSize}.`, 400);
    }
    const n: Omit<Notification, 'subscriptionName'> = {
      topicOwner: this.owner,
      topicName: this.name,
      messageId: randomBytes(16).toString('hex').toUpperCase(),
      messageMd5: bodyMd5(message),
      message,
      messageTag,
      publishTime: this.clock.now(),
    };
    this.messageCount++;
    for (const s of this.subscriptions.values()) {
      if (s.filterTag && s.filterTag !== messageTag) continue;
      s.deliver({ ...n, subscriptionName: s.name });
    }
    return { messageId: n.messageId, md5: n.messageMd5 };
  }
}

/** The body a queue endpoint receives, per the subscription's NotifyContentFormat. */
export function formatNotification(n: Notification, format: NotifyContentFormat): string {
  if (format === 'SIMPLIFIED') return n.message;
  const fields = {
    TopicOwner: n.topicOwner,
    TopicName: n.topicName,
    Subscriber: n.topicOwner,
    SubscriptionName: n.subscriptionName,
    MessageId: n.messageId,
    MessageMD5: n.messageMd5,
    MessageTag: n.messageTag,
    Message: n.message,
    PublishTime: n.publishTime,
  };
  return format === 'JSON' ? JSON.stringify(fields) : renderXml('Notification', fields);
}
