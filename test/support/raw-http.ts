import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request exactly as a client sent it: method, request-target, headers (Host included) and body. */
export interface RawRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends a request to 127.0.0.1:`port` byte for byte as given (the Host header too), and reads the answer. */
export function sendRaw(port: number, r: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: r.method, path: r.url, headers: r.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

export interface RecordingProxy {
  /** `127.0.0.1:PORT`, for clients that take a host; prefix `http://` for those that take a URL. */
  readonly endpoint: string;
  /** Every request that passed, as signed. */
  readonly recorded: RawRequest[];
  close(): Promise<void>;
}

/** A pass-through in front of localcloud keeping each request as its client signed it, so a test can send it again. */
export async function recordingProxy(targetPort: number): Promise<RecordingProxy> {
  const recorded: RawRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: RawRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      recorded.push(r);
      sendRaw(targetPort, r).then(
        (a) => {
          res.writeHead(a.status, a.headers);
          res.end(a.body);
        },
        () => res.socket?.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `127.0.0.1:${port}`,
    recorded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
