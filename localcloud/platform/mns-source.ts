import { randomUUID } from 'node:crypto';
import { matches, type Pattern } from '../eventbridge/pattern.js';
import type { CloudEvent } from '../events/cloud-event.js';
import type { FunctionCompute } from '../fc/service.js';
import type { MessageView, MnsQueue } from '../mns/queues.js';
import type { MnsService } from '../mns/service.js';
import type { Tracker } from './tracker.js';

export interface MnsSourceOptions {
  functionName: string;
  triggerName: string;
  queueName: string;
  /** sourceMNSParameters.IsBase64Decode (default true): decode bodies that are Base64. */
  isBase64Decode: boolean;
  pattern: Pattern;
  /** asyncInvocationType: true → FC async invocation (message deleted once FC accepts it). */
  async: boolean;
  /** Messages per invocation; >1 (or event-streaming mode) delivers a JSON array. */
  batchSize: number;
  /**
   * runOptions.batchWindow.TimeBasedWindow in ms (0: push what one receive brings): after the first message,
   * wait up to this long for batchSize messages ("Advanced trigger features", batch push: whichever comes first).
   */
  windowMs: number;
  asArray: boolean;
  rawData: boolean;
  regionId: string;
  accountId: string;
  secondMs: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * An FC eventbridge trigger with an MNS queue source: pulls messages, wraps each in the CloudEvent FC shows
 * (devsapp/start-fc event-function/mns-queue-trigger-nodejs), filters by the trigger's pattern, and invokes the function. A message is deleted
 * once handled (or filtered out); on failure it stays and reappears after the queue's visibility timeout.
 */
export class MnsQueueSource {
  private readonly abort = new AbortController();
  private running = false;

  constructor(
    private readonly mns: MnsService,
    private readonly fc: FunctionCompute,
    private readonly tracker: Tracker,
    private readonly o: MnsSourceOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.abort.abort();
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (this.running) {
      const queue = this.mns.queues.get(this.o.queueName);
      if (!queue) {
        await new Promise((r) => setTimeout(r, this.o.secondMs));
        continue;
      }
      const got = await this.collect(queue, signal);
      if (got.length === 0 || !this.running) continue;
      const release = this.tracker.hold();
      try {
        await this.handle(got);
      } catch {
        // the messages stay in the queue and come back after their visibility timeout
      } finally {
        release();
      }
    }
  }

  /** One batch: the first messages to arrive, then more until batchSize or the time window since the first. */
  private async collect(queue: MnsQueue, signal: AbortSignal): Promise<MessageView[]> {
    // MNS receives at most 16 messages per call.
    const got = await queue.receive(Math.min(16, this.o.batchSize), 20 * this.o.secondMs, signal);
    const until = this.mns.clock.now() + this.o.windowMs;
    while (got.length > 0 && got.length < this.o.batchSize && this.running) {
      const left = until - this.mns.clock.now();
      if (left <= 0) break;
      got.push(...(await queue.receive(Math.min(16, this.o.batchSize - got.length), left, signal)));
    }
    return got;
  }

  private async handle(messages: MessageView[]): Promise<void> {
    const queue = this.mns.queue(this.o.queueName);
    const events = messages.map((m) => ({ m, e: this.toEvent(m) }));
    for (const { m, e } of events) if (!matches(this.o.pattern, e)) queue.delete(m.ReceiptHandle!);
    const wanted = events.filter(({ e }) => matches(this.o.pattern, e));
    const groups = this.o.asArray ? [wanted] : wanted.map((x) => [x]);
    for (const group of groups) {
      if (group.length === 0) continue;
      const bodies = group.map(({ e }) => (this.o.rawData ? e.data : e));
      const payload = Buffer.from(JSON.stringify(this.o.asArray ? bodies : bodies[0]), 'utf8');
      const source = `mns:${this.o.triggerName}`;
      if (this.o.async) this.fc.invokeAsync(this.o.functionName, payload, source);
      else if (!(await this.fc.invoke(this.o.functionName, payload, source)).ok) continue;
      for (const { m } of group) queue.delete(m.ReceiptHandle!);
    }
  }

  private toEvent(m: MessageView): CloudEvent {
    const source = `MNS-${this.o.functionName}-${this.o.triggerName}`;
    const decode = this.o.isBase64Decode && m.MessageBody.length > 0 && BASE64.test(m.MessageBody);
    return {
      id: randomUUID(),
      source,
      specversion: '1.0',
      type: 'mns:Queue:SendMessage',
      datacontenttype: 'application/json; charset=utf-8',
      subject: `acs:mns:${this.o.regionId}:${this.o.accountId}:queues/${this.o.queueName}`,
      time: new Date().toISOString(),
      aliyunaccountid: this.o.accountId,
      aliyuneventbusname: source,
      aliyunregionid: this.o.regionId,
      aliyunpublishtime: new Date().toISOString(),
      data: {
        requestId: randomUUID().replace(/-/g, '').toUpperCase().slice(0, 24),
        messageId: m.MessageId,
        messageBody: decode ? Buffer.from(m.MessageBody, 'base64').toString('utf8') : m.MessageBody,
      },
    };
  }
}
