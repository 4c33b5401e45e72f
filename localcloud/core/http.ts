import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** A request as every localcloud protocol sees it: the raw target (signatures need it undecoded) and the body. */
export interface IncomingCall {
  method: string;
  /** Request-target exactly as sent: path plus `?query`, still percent-encoded. */
  target: string;
  path: string;
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface OutgoingReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One wire protocol served on the shared port; the first protocol that claims a call answers it. */
export interface Protocol {
  readonly name: string;
  claims(call: IncomingCall): boolean;
  handle(call: IncomingCall): Promise<OutgoingReply>;
}

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
}

export async function startHttp(protocols: readonly Protocol[], opts: HttpOptions = {}): Promise<HttpServer> {
  const { port = 0, host = '127.0.0.1' } = opts;
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.url ?? '/';
      const q = target.indexOf('?');
      const call: IncomingCall = {
        method: req.method ?? 'GET',
        target,
        path: q < 0 ? target : target.slice(0, q),
        rawQuery: q < 0 ? '' : target.slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const protocol = protocols.find((p) => p.claims(call));
      const socket = req.socket as TLSSocket;
      opts.onRequest?.({
        host: req.headers.host ?? '',
        servername: socket.encrypted ? (socket as TLSSocket & { servername?: string | false }).servername || undefined : undefined,
        tls: Boolean(socket.encrypted),
        protocol: protocol?.name ?? 'none',
        method: call.method,
        path: call.path,
      });
      const reply: Promise<OutgoingReply> = protocol
        ? protocol.handle(call)
        : Promise.resolve({ status: 404, headers: { 'content-type': 'text/plain' }, body: `no localcloud service at ${call.path}` });
      reply
        .catch(
          (err: unknown): OutgoingReply => ({
            status: 500,
            headers: { 'content-type': 'application/json;charset=utf-8' },
            body: JSON.stringify({ Code: 'InternalError', Message: String((err as Error)?.stack ?? err) }),
          }),
        )
        .then((r) => {
          if (r.status === 0) {
            req.socket.destroy(); // fault injection: a dropped connection
            return;
          }
          res.writeHead(r.status, r.headers);
          res.end(r.body ?? '');
        });
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
