import MNS from '@alicloud/mns';
import type { CloudConfig } from './config.js';
import { resolveKeys } from './config.js';
import { CloudError, serviceError, transportError } from './errors.js';

/** The MNS SDK neither escapes XML nor reports errors with codes (@alicloud/mns lib/client.js). */
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface ReceivedMessage {
  readonly id: string;
  readonly body: string;
  readonly receiptHandle: string;
  readonly dequeueCount: number;
}

/** A queue: deferral of work that can't be done yet, and the failed-events dead letters. */
export interface MessageQueue {
  send(body: string, delaySeconds?: number): Promise<string>;
  /** Up to `max` visible messages, waiting at most `waitSeconds` for the first; [] when the queue is empty. */
  receive(max: number, waitSeconds?: number): Promise<ReceivedMessage[]>;
  delete(receiptHandle: string): Promise<void>;
}

export interface Topic {
  publish(body: string, tag?: string): Promise<string>;
}

export interface MnsConfig extends CloudConfig {
  accountId: string;
  /** With scheme, e.g. `http://127.0.0.1:8080`; the regional endpoint when absent. */
  mnsEndpoint?: string;
}

/**
 * An MNS client for the account's regional endpoint over HTTPS (the SDK defaults to plain HTTP unless asked
 * `secure`), or for `mnsEndpoint` as given.
 */
export async function mnsClient(cfg: MnsConfig): Promise<MNS> {
  // MNS signs with static keys only: the profile or default chain is resolved to keys for each client.
  const k = await resolveKeys(cfg);
  return new MNS(cfg.accountId, {
    accessKeyId: k.accessKeyId,
    accessKeySecret: k.accessKeySecret,
    securityToken: k.securityToken,
    region: cfg.regionId,
    endpoint: cfg.mnsEndpoint,
    secure: true,
    // Long polls race the idle timeout (@alicloud/mns lib/client.js: connectTimeout is an idle timeout); keep it above the longest wait used.
    connectTimeout: 40_000,
    readTimeout: 40_000,
  });
}

/** Runs an MNS call, turning its `MNS<Code>Error` names and non-XML failures into CloudErrors. */
async function mnsCall<T extends { code?: number; body?: unknown }>(fn: () => Promise<T>): Promise<T> {
  let res: T;
  try {
    res = await fn();
  } catch (err) {
    const e = err as Error;
    const m = /^MNS(.+)Error$/.exec(e.name ?? '');
    throw m ? serviceError(m[1], e.message) : transportError(err);
  }
  if (typeof res?.code === 'number' && res.code >= 500) throw serviceError(`Http${res.code}`, `MNS answered ${res.code}`, res.code);
  return res;
}

export class MnsQueue implements MessageQueue {
  constructor(
    private readonly cfg: MnsConfig,
    readonly name: string,
  ) {}

  async send(body: string, delaySeconds = 0): Promise<string> {
    const c = await mnsClient(this.cfg);
    const res = await mnsCall(() => c.sendMessage(this.name, { MessageBody: escapeXml(body), DelaySeconds: delaySeconds, Priority: 8 }));
    return String((res.body as Record<string, unknown>)?.MessageId ?? '');
  }

  async receive(max: number, waitSeconds = 0): Promise<ReceivedMessage[]> {
    const c = await mnsClient(this.cfg);
    try {
      const res = await mnsCall(() => c.batchReceiveMessage(this.name, Math.min(16, max), waitSeconds || undefined));
      const raw = res.body as unknown;
      const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<Record<string, string>>;
      return list.map((m) => ({ id: m.MessageId, body: m.MessageBody, receiptHandle: m.ReceiptHandle, dequeueCount: Number(m.DequeueCount ?? 1) }));
    } catch (err) {
      if (err instanceof CloudError && err.code === 'MessageNotExist') return [];
      throw err;
    }
  }

  async delete(receiptHandle: string): Promise<void> {
    const c = await mnsClient(this.cfg);
    await mnsCall(() => c.deleteMessage(this.name, receiptHandle));
  }
}

export class MnsTopic implements Topic {
  constructor(
    private readonly cfg: MnsConfig,
    readonly name: string,
  ) {}

  async publish(body: string, tag?: string): Promise<string> {
    const c = await mnsClient(this.cfg);
    const res = await mnsCall(() => c.publishMessage(this.name, { MessageBody: escapeXml(body), ...(tag ? { MessageTag: tag } : {}) }));
    return String((res.body as Record<string, unknown>)?.MessageId ?? '');
  }
}
