import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../core/api-error.js';

/** MNS time: epoch ms, and how long an MNS "second" lasts here (tests shrink it; 1000 is real time). */
export interface MnsClock {
  now(): number;
  readonly secondMs: number;
}

export interface QueueAttributes {
  delaySeconds: number;
  maximumMessageSize: number;
  messageRetentionPeriod: number;
  visibilityTimeout: number;
  pollingWaitSeconds: number;
  loggingEnabled: boolean;
}

export const DEFAULT_QUEUE_ATTRIBUTES: QueueAttributes = {
  delaySeconds: 0,
  maximumMessageSize: 65536,
  messageRetentionPeriod: 345600,
  visibilityTimeout: 30,
  pollingWaitSeconds: 0,
  loggingEnabled: false,
};

/** Documented MNS ranges; values outside are InvalidArgument. */
export const QUEUE_LIMITS: Record<keyof Omit<QueueAttributes, 'loggingEnabled'>, [number, number]> = {
  delaySeconds: [0, 604800],
  maximumMessageSize: [1024, 65536],
  messageRetentionPeriod: [60, 604800],
  visibilityTimeout: [1, 43200],
  pollingWaitSeconds: [0, 30],
};

interface StoredMessage {
  id: string;
  seq: number;
  body: string;
  md5: string;
  priority: number;
  enqueueTime: number;
  firstDequeueTime: number;
  dequeueCount: number;
  visibleAt: number;
  receiptHandle?: string;
}

export interface MessageView {
  MessageId: string;
  ReceiptHandle?: string;
  MessageBodyMD5: string;
  MessageBody: string;
  EnqueueTime: number;
  NextVisibleTime: number;
  FirstDequeueTime: number;
  DequeueCount: number;
  Priority: number;
}

export const bodyMd5 = (body: string) => createHash('md5').update(body, 'utf8').digest('hex').toUpperCase();
const newMessageId = () => randomBytes(16).toString('hex').toUpperCase();

/** One MNS queue: delay, priority, visibility timeout, receipt handles and long polling. */
export class MnsQueue {
  readonly createTime: number;
  lastModifyTime: number;
  private readonly messages = new Map<string, StoredMessage>();
  private seq = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    public attributes: QueueAttributes,
    private readonly clock: MnsClock,
  ) {
    this.createTime = clock.now();
    this.lastModifyTime = this.createTime;
  }

  send(body: string, opts: { delaySeconds?: number; priority?: number } = {}): { messageId: string; md5: string } {
    if (Buffer.byteLength(body, 'utf8') > this.attributes.maximumMessageSize) {
      throw new ApiError('InvalidArgument', `The message body is larger than the queue's MaximumMessageSize ${this.attributes.maximumMessageSize}.`, 400);
    }
    const delay = opts.delaySeconds ?? this.attributes.delaySeconds;
    if (!Number.isInteger(delay) || delay < 0 || delay > 604800) throw new ApiError('InvalidArgument', `DelaySeconds ${delay} is out of range [0, 604800].`, 400);
    const priority = opts.priority ?? 8;
    if (!Number.isInteger(priority) || priority < 1 || priority > 16) throw new ApiError('InvalidArgument', `Priority ${priority} is out of range [1, 16].`, 400);
    const now = this.clock.now();
    const m: StoredMessage = {
      id: newMessageId(),
      seq: this.seq++,
      body,
      md5: bodyMd5(body),
      priority,
      enqueueTime: now,
      firstDequeueTime: 0,
      dequeueCount: 0,
      visibleAt: now + delay * this.clock.secondMs,
    };
    this.messages.set(m.id, m);
    this.notify();
    return { messageId: m.id, md5: m.md5 };
  }

  /** Takes up to n visible messages (priority 1 first, then oldest), waiting up to waitMs for the first. */
  async receive(n: number, waitMs: number, signal?: AbortSignal): Promise<MessageView[]> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      const got = this.take(n);
      const now = this.clock.now();
      if (got.length > 0 || now >= deadline || signal?.aborted) return got;
      await this.changeOr(Math.min(deadline, this.nextVisibleAt()) - now, signal);
    }
  }

  peek(n: number): MessageView[] {
    return this.visible()
      .slice(0, n)
      .map((m) => this.view(m, false));
  }

  delete(receiptHandle: string): void {
    const m = this.byHandle(receiptHandle);
    this.messages.delete(m.id);
  }

  changeVisibility(receiptHandle: string, seconds: number): { receiptHandle: string; nextVisibleTime: number } {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 43200) {
      throw new ApiError('InvalidArgument', `VisibilityTimeout ${seconds} is out of range [1, 43200].`, 400);
    }
    const m = this.byHandle(receiptHandle);
    m.visibleAt = this.clock.now() + seconds * this.clock.secondMs;
    m.receiptHandle = newHandle(m);
    this.notify();
    return { receiptHandle: m.receiptHandle, nextVisibleTime: m.visibleAt };
  }

  counts(): { active: number; inactive: number; delayed: number } {
    this.expire();
    const now = this.clock.now();
    let active = 0;
    let inactive = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) active++;
      else if (m.dequeueCount === 0) delayed++;
      else inactive++;
    }
    return { active, inactive, delayed };
  }

  /** Wakes long polls so they return (queue deleted or server closing). */
  wakeAll(): void {
    this.notify();
  }

  private take(n: number): MessageView[] {
    const now = this.clock.now();
    return this.visible()
      .slice(0, n)
      .map((m) => {
        m.dequeueCount++;
        if (m.firstDequeueTime === 0) m.firstDequeueTime = now;
        m.visibleAt = now + this.attributes.visibilityTimeout * this.clock.secondMs;
        m.receiptHandle = newHandle(m);
        return this.view(m, true);
      });
  }

  private visible(): StoredMessage[] {
    this.expire();
    const now = this.clock.now();
    return [...this.messages.values()].filter((m) => m.visibleAt <= now).sort((a, b) => a.priority - b.priority || a.seq - b.seq);
  }

  private expire(): void {
    const oldest = this.clock.now() - this.attributes.messageRetentionPeriod * this.clock.secondMs;
    for (const m of this.messages.values()) if (m.enqueueTime < oldest) this.messages.delete(m.id);
  }

  private byHandle(receiptHandle: string): StoredMessage {
    const id = receiptHandle.split('-')[0];
    const m = [...this.messages.values()].find((x) => x.id.toLowerCase() === id);
    if (!m) throw new ApiError('MessageNotExist', 'Message not exist.', 404);
    if (m.receiptHandle !== receiptHandle || m.visibleAt <= this.clock.now()) {
      throw new ApiError('ReceiptHandleError', 'The receipt handle you provide is not valid.', 400);
    }
    return m;
  }

  private nextVisibleAt(): number {
    let next = Infinity;
    for (const m of this.messages.values()) next = Math.min(next, m.visibleAt);
    return next;
  }

  private view(m: StoredMessage, withHandle: boolean): MessageView {
    return {
      MessageId: m.id,
      ReceiptHandle: withHandle ? m.receiptHandle : undefined,
      MessageBodyMD5: m.md5,
      MessageBody: m.body,
      EnqueueTime: m.enqueueTime,
      NextVisibleTime: m.visibleAt,
      FirstDequeueTime: m.firstDequeueTime,
      DequeueCount: m.dequeueCount,
      Priority: m.priority,
    };
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private changeOr(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, Math.min(ms, 2 ** 31 - 1)));
      this.waiters.add(done);
      signal?.addEventListener('abort', done);
    });
  }
}

/** URL-safe (the SDK does not encode it), unique per receive, and it names its message. */
function newHandle(m: StoredMessage): string {
  return `${m.id.toLowerCase()}-${m.dequeueCount}-${randomBytes(6).toString('hex')}`;
}
