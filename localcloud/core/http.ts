import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ApiError } from './api-error.js';
import { newRequestId } from './ids.js';

/** A request before its body is read: enough to choose the protocol and its body limit. */
export interface CallHead {
  method: string;
  /** Request-target exactly as sent: path plus `?query`, still percent-encoded. */
  target: string;
  path: string;
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
}

/** A request as every localcloud protocol sees it: the raw target (signatures need it undecoded) and the body. */
export interface IncomingCall extends CallHead {
  body: Buffer;
}

export interface OutgoingReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** The largest request body a protocol takes, and what it answers past it. */
export interface BodyLimit {
  bytes: number;
  error: (bytes: number) => ApiError;
}

/** One wire protocol served on the shared port; the first protocol that claims a call answers it. */
export interface Protocol {
  readonly name: string;
  readonly bodyLimit: BodyLimit;
  claims(call: CallHead): boolean;
  handle(call: IncomingCall): Promise<OutgoingReply>;
  /** An error in this protocol's wire format (a body past the limit, an internal failure). */
  errorReply(err: ApiError, call: CallHead, requestId: string): OutgoingReply;
}

/**
 * Past a protocol's limit: 413 with FC's documented code and message for an oversized request ("EntityTooLarge:
 * payload size exceeds maximum allowed size (%s bytes)", https://www.alibabacloud.com/help/en/function-compute/latest/error-codes);
 * the other products document none.
 */
export const entityTooLarge = (bytes: number) => new ApiError('EntityTooLarge', `payload size exceeds maximum allowed size (${bytes} bytes)`, 413);

/** The cap where a product documents none (POP, EventBridge, the admin API): far above any request of theirs. */
export const DEFAULT_BODY_LIMIT: BodyLimit = { bytes: 1024 * 1024, error: entityTooLarge };

/** What a client sees of an unexpected failure: the product's format, a request id, nothing of the cause. */
const internalError = () => new ApiError('InternalError', 'The request processing has failed due to some unknown error, exception or failure.', 500);

/** After refusing a body, read on (discarding) this much so the client gets to read the answer, then hang up. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

export interface HttpServer {
  readonly port: number;
  readonly endpoint: string;
  close(): Promise<void>;
}

/** What a server saw of one request: the host it was addressed to and which protocol answered. */
export interface SeenRequest {
  /** The Host header. */
  host: string;
  /** The TLS server name the client asked for (SNI); undefined over plain HTTP. */
  servername?: string;
  tls: boolean;
  protocol: string;
  method: string;
  path: string;
}

export interface HttpOptions {
  port?: number;
  host?: string;
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP; `ca` is what clients should trust. */
  tls?: { key: string; cert: string; ca?: string };
  /** Told of every request once a protocol has claimed it. */
  onRequest?: (seen: SeenRequest) => void;
  /** localcloud's own log: where an internal failure's stack goes (never to the client). Default: stderr. */
  log?: (line: string) => void;
}

/** Reads and drops what is left of a request body, hanging up if it goes on past DISCARD_LIMIT. */
function discardBody(req: http.IncomingMessage): void {
  let dropped = 0;
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > DISCARD_LIMIT) req.socket.destroy();
  });
  req.resume();
}

export async function startHttp(protocols: readonly Protocol[], opts: HttpOptions = {}): Promise<HttpServer> {
  const { port = 0, host = '127.0.0.1' } = opts;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const listener: http.RequestListener = (req, res) => {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const head: CallHead = {
      method: req.method ?? 'GET',
      target,
      path: q < 0 ? target : target.slice(0, q),
      rawQuery: q < 0 ? '' : target.slice(q + 1),
      headers: req.headers,
    };
    const protocol = protocols.find((p) => p.claims(head));
    const socket = req.socket as TLSSocket;
    opts.onRequest?.({
      host: req.headers.host ?? '',
      servername: socket.encrypted ? (socket as TLSSocket & { servername?: string | false }).servername || undefined : undefined,
      tls: Boolean(socket.encrypted),
      protocol: protocol?.name ?? 'none',
      method: head.method,
      path: head.path,
    });
    const send = (r: OutgoingReply) => {
      if (r.status === 0) {
        req.socket.destroy(); // fault injection: a dropped connection
        return;
      }
      res.writeHead(r.status, r.headers);
      res.end(r.body ?? '');
    };
    // Answered before the body is read: the body is dropped as it arrives, never held.
    const answerNow = (r: OutgoingReply) => {
      discardBody(req);
      send({ ...r, headers: { ...r.headers, connection: 'close' } });
    };
    if (!protocol) return answerNow({ status: 404, headers: { 'content-type': 'text/plain' }, body: `no localcloud service at ${head.path}` });
    const { bytes, error } = protocol.bodyLimit;
    const tooLarge = () => answerNow(protocol.errorReply(error(bytes), head, newRequestId()));
    if (Number(req.headers['content-length'] ?? 0) > bytes) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= bytes) {
        chunks.push(c);
        return;
      }
      refused = true;
      chunks.length = 0;
      tooLarge();
    });
    req.on('end', () => {
      if (refused) return;
      const call: IncomingCall = { ...head, body: Buffer.concat(chunks) };
      protocol
        .handle(call)
        .catch((err: unknown): OutgoingReply => {
          const requestId = newRequestId();
          log(`localcloud: internal error answering ${call.method} ${call.path} (request ${requestId}): ${(err as Error)?.stack ?? String(err)}`);
          return protocol.errorReply(internalError(), head, requestId);
        })
        .then(send);
    });
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    endpoint: `${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
