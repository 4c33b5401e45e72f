import { ApiError } from '../core/api-error.js';
import { parseQuery } from '../core/encoding.js';
import { type CallHead, entityTooLarge, type IncomingCall, type OutgoingReply, type Protocol } from '../core/http.js';
import { newRequestId } from '../core/ids.js';
import type { Keyring } from '../core/keyring.js';
import { type HeaderSignatureScheme, verifyHeaderSignature } from '../platform/header-signature.js';
import type { MessageView, QueueAttributes } from './queues.js';
import type { MnsService } from './service.js';
import type { TopicAttributes } from './topics.js';
import { childText, parseXml, renderXml, type XmlElement, XmlError, type XmlFields } from './xml.js';

const MNS_SIGNATURE: HeaderSignatureScheme = {
  authorization: /^MNS ([^:\s]+):(\S+)$/,
  headerPrefix: 'x-mns-',
  hash: 'sha1',
  tokenHeader: 'security-token',
  // No nonce: @alicloud/mns signs only its 1-second Date (and x-mns-date), so the window is the defence.
  // InvalidDateHeader is in MNS's error table (https://www.alibabacloud.com/help/en/mns/error-codes).
  freshness: {
    malformed: () => new ApiError('InvalidDateHeader', 'The Date header format is invalid.', 400),
    stale: () => new ApiError('TimeExpired', 'The Http Request you sent is Expired.', 403),
  },
};

const XML_TYPE = { 'content-type': 'text/xml;charset=utf-8' };

interface MnsCall {
  call: IncomingCall;
  segments: string[];
  query: Map<string, string>;
  host: string;
}

/** The MNS XML API (2015-06-06) as @alicloud/mns 1.2.0 speaks it: `/queues/…`, `/topics/…`, `x-mns-version`. */
export class MnsProtocol implements Protocol {
  readonly name = 'mns';
  /**
   * A message is at most 64 KB (MaximumMessageSize 1024–65536, https://www.alibabacloud.com/help/doc-detail/35129.htm);
   * the cap leaves room for the XML around it, a batch's envelopes and escaped characters (an assumption).
   */
  readonly bodyLimit = { bytes: 256 * 1024, error: entityTooLarge };

  constructor(
    private readonly keyring: Keyring,
    private readonly mns: MnsService,
    /** Aborted on close, so that held long polls return at once. */
    private readonly closing: AbortSignal,
  ) {}

  claims(call: CallHead): boolean {
    return call.headers['x-mns-version'] !== undefined && /^\/(queues|topics)(\/|$)/.test(call.path);
  }

  async handle(call: IncomingCall): Promise<OutgoingReply> {
    const requestId = newRequestId().replace(/-/g, '').slice(0, 24);
    try {
      // MNS signs the request-target exactly as sent, query included.
      verifyHeaderSignature(call, this.keyring, MNS_SIGNATURE, call.target);
      const query = new Map(parseQuery(call.rawQuery).map(([k, v]) => [k.toLowerCase(), v]));
      const segments = call.path.split('/').slice(1).map(decodeURIComponent);
      const reply = await this.route({ call, segments, query, host: String(call.headers.host ?? '') });
      return { ...reply, headers: { 'x-mns-request-id': requestId, ...reply.headers } };
    } catch (err) {
      return this.errorReply(asMnsError(err), call, requestId);
    }
  }

  errorReply(e: ApiError, call: CallHead, requestId: string): OutgoingReply {
    return {
      status: e.status,
      headers: { ...XML_TYPE, 'x-mns-request-id': requestId },
      body: renderXml('Error', { Code: e.code, Message: e.message, RequestId: requestId, HostId: `http://${call.headers.host ?? 'localcloud'}` }),
    };
  }

  private route(c: MnsCall): Promise<OutgoingReply> | OutgoingReply {
    const [kind, name, sub, subName] = c.segments;
    const m = c.call.method;
    if (kind === 'queues') {
      if (name === undefined || name === '') return m === 'GET' ? this.listQueues(c) : notFound();
      if (sub === undefined) {
        if (m === 'PUT') return this.putQueue(c, name);
        if (m === 'GET') return this.queueAttributes(name);
        if (m === 'DELETE') return (this.mns.deleteQueue(name), noContent());
      }
      if (sub === 'messages' && subName === undefined) {
        if (m === 'POST') return this.send(c, name);
        if (m === 'GET') return this.receive(c, name);
        if (m === 'DELETE') return this.deleteMessages(c, name);
        if (m === 'PUT') return this.changeVisibility(c, name);
      }
    }
    if (kind === 'topics') {
      if (name === undefined || name === '') return m === 'GET' ? this.listTopics(c) : notFound();
      if (sub === undefined) {
        if (m === 'PUT') return this.putTopic(c, name);
        if (m === 'GET') return this.topicAttributes(name);
        if (m === 'DELETE') return (this.mns.topics.delete(name), noContent());
      }
      if (sub === 'messages' && subName === undefined && m === 'POST') return this.publish(c, name);
      if (sub === 'subscriptions') return this.subscriptions(c, name, subName);
    }
    return notFound();
  }

  private putQueue(c: MnsCall, name: string): OutgoingReply {
    const attrs = queueAttributes(bodyXml(c, 'Queue'));
    if (c.query.get('metaoverride') === 'true') {
      this.mns.setQueueAttributes(name, attrs);
      return noContent();
    }
    const { created } = this.mns.createQueue(name, attrs);
    return { status: created ? 201 : 204, headers: { location: `http://${c.host}/queues/${name}` } };
  }

  private queueAttributes(name: string): OutgoingReply {
    const q = this.mns.queue(name);
    const n = q.counts();
    const a = q.attributes;
    return xml(200, 'Queue', {
      QueueName: q.name,
      CreateTime: Math.floor(q.createTime / 1000),
      LastModifyTime: Math.floor(q.lastModifyTime / 1000),
      DelaySeconds: a.delaySeconds,
      MaximumMessageSize: a.maximumMessageSize,
      MessageRetentionPeriod: a.messageRetentionPeriod,
      VisibilityTimeout: a.visibilityTimeout,
      PollingWaitSeconds: a.pollingWaitSeconds,
      ActiveMessages: n.active,
      InactiveMessages: n.inactive,
      DelayMessages: n.delayed,
      LoggingEnabled: a.loggingEnabled ? 'True' : 'False',
    });
  }

  private listQueues(c: MnsCall): OutgoingReply {
    const page = listPage(c, [...this.mns.queues.keys()]);
    return xml(200, 'Queues', { Queue: page.names.map((n) => ({ QueueURL: `http://${c.host}/queues/${n}` })), NextMarker: page.next });
  }

  private send(c: MnsCall, name: string): OutgoingReply {
    const queue = this.mns.queue(name);
    const doc = bodyXml(c);
    const one = (el: XmlElement) => {
      const body = childText(el, 'MessageBody');
      if (body === undefined) throw new ApiError('InvalidArgument', 'MessageBody is required.', 400);
      const r = queue.send(body, { delaySeconds: intOf(el, 'DelaySeconds'), priority: intOf(el, 'Priority') });
      return { MessageId: r.messageId, MessageBodyMD5: r.md5 };
    };
    if (doc.name === 'Message') return xml(201, 'Message', one(doc));
    if (doc.name !== 'Messages') throw malformed(`unexpected root <${doc.name}>`);
    const items = doc.children.filter((x) => x.name === 'Message');
    if (items.length === 0 || items.length > 16) throw new ApiError('InvalidArgument', 'A batch holds 1 to 16 messages.', 400);
    return xml(201, 'Messages', { Message: items.map(one) });
  }

  private async receive(c: MnsCall, name: string): Promise<OutgoingReply> {
    const queue = this.mns.queue(name);
    const batch = c.query.get('numofmessages');
    const n = batch === undefined ? 1 : rangeInt('numOfMessages', batch, 1, 16);
    const view = (m: MessageView) => ({ ...m }) as unknown as XmlFields;
    const reply = (ms: MessageView[]) => (batch === undefined ? xml(200, 'Message', view(ms[0])) : xml(200, 'Messages', { Message: ms.map(view) }));
    if (c.query.get('peekonly') === 'true') {
      const peeked = queue.peek(n);
      if (peeked.length === 0) throw messageNotExist();
      return reply(peeked);
    }
    const w = c.query.get('waitseconds');
    const waitSeconds = w === undefined ? queue.attributes.pollingWaitSeconds : rangeInt('waitseconds', w, 0, 30);
    const waitMs = waitSeconds * this.mns.clock.secondMs;
    // Answer a little before the wait ends, so the client's own idle timer (same length) does not fire first.
    const got = await queue.receive(n, waitMs - Math.min(500, waitMs * 0.1), this.closing);
    if (got.length === 0) throw messageNotExist();
    return reply(got);
  }

  private deleteMessages(c: MnsCall, name: string): OutgoingReply {
    const queue = this.mns.queue(name);
    const handle = c.query.get('receipthandle');
    if (handle !== undefined) return (queue.delete(handle), noContent());
    const handles = bodyXml(c, 'ReceiptHandles')
      .children.filter((x) => x.name === 'ReceiptHandle')
      .map((x) => x.text);
    if (handles.length === 0 || handles.length > 16) throw new ApiError('InvalidArgument', 'A batch holds 1 to 16 receipt handles.', 400);
    const errors: XmlFields[] = [];
    for (const h of handles) {
      try {
        queue.delete(h);
      } catch (err) {
        const e = asMnsError(err);
        errors.push({ ErrorCode: e.code, ErrorMessage: e.message, ReceiptHandle: h });
      }
    }
    return errors.length === 0 ? noContent() : xml(404, 'Errors', { Error: errors });
  }

  private changeVisibility(c: MnsCall, name: string): OutgoingReply {
    const handle = c.query.get('receipthandle');
    if (!handle) throw new ApiError('InvalidArgument', 'ReceiptHandle is required.', 400);
    const seconds = rangeInt('visibilityTimeout', c.query.get('visibilitytimeout') ?? '', 1, 43200);
    const r = this.mns.queue(name).changeVisibility(handle, seconds);
    return xml(200, 'ChangeVisibility', { ReceiptHandle: r.receiptHandle, NextVisibleTime: r.nextVisibleTime });
  }

  private putTopic(c: MnsCall, name: string): OutgoingReply {
    const attrs = topicAttributes(bodyXml(c, 'Topic'));
    if (c.query.get('metaoverride') === 'true') {
      const t = this.mns.topic(name);
      t.attributes = { ...t.attributes, ...attrs };
      t.lastModifyTime = this.mns.clock.now();
      return noContent();
    }
    const { created } = this.mns.createTopic(name, attrs);
    return { status: created ? 201 : 204, headers: { location: `http://${c.host}/topics/${name}` } };
  }

  private topicAttributes(name: string): OutgoingReply {
    const t = this.mns.topic(name);
    return xml(200, 'Topic', {
      TopicName: t.name,
      CreateTime: Math.floor(t.createTime / 1000),
      LastModifyTime: Math.floor(t.lastModifyTime / 1000),
      MaximumMessageSize: t.attributes.maximumMessageSize,
      MessageRetentionPeriod: t.attributes.messageRetentionPeriod,
      MessageCount: t.messageCount,
      LoggingEnabled: t.attributes.loggingEnabled ? 'True' : 'False',
    });
  }

  private listTopics(c: MnsCall): OutgoingReply {
    const page = listPage(c, [...this.mns.topics.keys()]);
    return xml(200, 'Topics', { Topic: page.names.map((n) => ({ TopicURL: `http://${c.host}/topics/${n}` })), NextMarker: page.next });
  }

  private publish(c: MnsCall, name: string): OutgoingReply {
    const doc = bodyXml(c, 'Message');
    const body = childText(doc, 'MessageBody');
    if (body === undefined) throw new ApiError('InvalidArgument', 'MessageBody is required.', 400);
    const r = this.mns.topic(name).publish(body, childText(doc, 'MessageTag'));
    return xml(201, 'Message', { MessageId: r.messageId, MessageBodyMD5: r.md5 });
  }

  /** Subscriptions are served although @alicloud/mns 1.2.0 only stubs them (other clients and tools call them). */
  private subscriptions(c: MnsCall, topicName: string, subName: string | undefined): OutgoingReply {
    const topic = this.mns.topic(topicName);
    const m = c.call.method;
    if (subName === undefined) {
      if (m !== 'GET') return notFound();
      const page = listPage(c, [...topic.subscriptions.keys()]);
      return xml(200, 'Subscriptions', {
        Subscription: page.names.map((n) => ({ SubscriptionURL: `http://${c.host}/topics/${topicName}/subscriptions/${n}` })),
        NextMarker: page.next,
      });
    }
    if (m === 'PUT') {
      const doc = bodyXml(c, 'Subscription');
      const endpoint = childText(doc, 'Endpoint');
      if (!endpoint) throw new ApiError('InvalidArgument', 'Endpoint is required.', 400);
      this.mns.subscribe(topicName, subName, {
        endpoint,
        notifyStrategy: (childText(doc, 'NotifyStrategy') as 'BACKOFF_RETRY') || undefined,
        notifyContentFormat: (childText(doc, 'NotifyContentFormat') as 'XML') || undefined,
        filterTag: childText(doc, 'FilterTag') || undefined,
      });
      return { status: 201, headers: { location: `http://${c.host}/topics/${topicName}/subscriptions/${subName}` } };
    }
    const s = topic.subscriptions.get(subName);
    if (!s) throw new ApiError('SubscriptionNotExist', 'The subscription you provided is not exist.', 404);
    if (m === 'DELETE') return (topic.subscriptions.delete(subName), noContent());
    if (m !== 'GET') return notFound();
    return xml(200, 'Subscription', {
      SubscriptionName: s.name,
      TopicName: topicName,
      TopicOwner: topic.owner,
      Subscriber: topic.owner,
      Endpoint: s.endpoint,
      NotifyStrategy: s.notifyStrategy,
      NotifyContentFormat: s.notifyContentFormat,
      FilterTag: s.filterTag,
      CreateTime: Math.floor(s.createTime / 1000),
      LastModifyTime: Math.floor(s.lastModifyTime / 1000),
    });
  }
}

const xml = (status: number, root: string, fields: XmlFields): OutgoingReply => ({ status, headers: XML_TYPE, body: renderXml(root, fields) });
const noContent = (): OutgoingReply => ({ status: 204 });
const notFound = (): never => {
  throw new ApiError('InvalidArgument', 'The requested resource or method is not supported.', 404);
};
const malformed = (why: string) => new ApiError('MalformedXML', `The XML you provided was not well-formed: ${why}`, 400);
const messageNotExist = () => new ApiError('MessageNotExist', 'Message not exist.', 404);

function asMnsError(err: unknown): ApiError {
  if (!(err instanceof ApiError)) throw err;
  // The keyring speaks POP; MNS answers unknown keys and token problems with 403s of its own.
  if (err.code === 'InvalidAccessKeyId.NotFound') return new ApiError('InvalidAccessKeyId', err.message, 403);
  if (err.code.startsWith('InvalidSecurityToken')) return new ApiError('InvalidSecurityToken', err.message, 403);
  return err;
}

function bodyXml(c: MnsCall, root?: string): XmlElement {
  const text = c.call.body.toString('utf8');
  if (text.trim() === '' && root) return { name: root, children: [], text: '' };
  let doc: XmlElement;
  try {
    doc = parseXml(text);
  } catch (err) {
    if (err instanceof XmlError) throw malformed(err.message);
    throw err;
  }
  if (root && doc.name !== root) throw malformed(`expected <${root}>, got <${doc.name}>`);
  return doc;
}

function rangeInt(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ApiError('InvalidArgument', `${name} "${raw}" is out of range [${min}, ${max}].`, 400);
  return n;
}

function intOf(el: XmlElement, name: string): number | undefined {
  const raw = childText(el, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new ApiError('InvalidArgument', `${name} "${raw}" is not an integer.`, 400);
  return Number(raw);
}

function queueAttributes(el: XmlElement): Partial<QueueAttributes> {
  const out: Partial<QueueAttributes> = {};
  const set = (key: keyof Omit<QueueAttributes, 'loggingEnabled'>, xmlName: string) => {
    const v = intOf(el, xmlName);
    if (v !== undefined) out[key] = v;
  };
  set('delaySeconds', 'DelaySeconds');
  set('maximumMessageSize', 'MaximumMessageSize');
  set('messageRetentionPeriod', 'MessageRetentionPeriod');
  set('visibilityTimeout', 'VisibilityTimeout');
  set('pollingWaitSeconds', 'PollingWaitSeconds');
  const logging = childText(el, 'LoggingEnabled');
  if (logging !== undefined) out.loggingEnabled = logging.toLowerCase() === 'true';
  return out;
}

function topicAttributes(el: XmlElement): Partial<TopicAttributes> {
  const out: Partial<TopicAttributes> = {};
  const size = intOf(el, 'MaximumMessageSize');
  if (size !== undefined) out.maximumMessageSize = size;
  const logging = childText(el, 'LoggingEnabled');
  if (logging !== undefined) out.loggingEnabled = logging.toLowerCase() === 'true';
  return out;
}

/** x-mns-prefix / x-mns-marker / x-mns-ret-number paging over sorted names. */
function listPage(c: MnsCall, names: string[]): { names: string[]; next?: string } {
  const h = (k: string) => {
    const v = c.call.headers[k];
    return typeof v === 'string' && v !== '' && v !== 'undefined' ? v : undefined;
  };
  const prefix = h('x-mns-prefix') ?? '';
  const marker = h('x-mns-marker');
  const limit = h('x-mns-ret-number') === undefined ? 1000 : rangeInt('x-mns-ret-number', h('x-mns-ret-number')!, 1, 1000);
  const all = names.filter((n) => n.startsWith(prefix) && (marker === undefined || n >= marker)).sort();
  return { names: all.slice(0, limit), next: all[limit] };
}
