import { ApiError } from '../core/api-error.js';
import type { IncomingCall, OutgoingReply } from '../core/http.js';
import { type HeaderSignatureScheme, verifyHeaderSignature } from '../platform/header-signature.js';
import { FcApiBase, header, invocationReply, JSON_TYPE } from './replies.js';
import type { FcFunction } from './service.js';

const PREFIX = '/2016-08-15';

/** `FC <AK>:<sig>`, HMAC-SHA256 over x-fc-* headers and the decoded path (@alicloud/fc2 lib/client.js). */
const FC2_SIGNATURE: HeaderSignatureScheme = {
  authorization: /^FC ([^:\s]+):(\S+)$/,
  headerPrefix: 'x-fc-',
  hash: 'sha256',
  tokenHeader: 'x-fc-security-token',
  // No nonce: @alicloud/fc2 signs only its 1-second Date, so the window is the defence (README, Assumptions).
  freshness: {
    malformed: () => new ApiError('InvalidArgument', 'the Date header must be an RFC 1123 GMT date', 400),
    stale: () => new ApiError('RequestTimeTooSkewed', 'the difference between the request time and the server time is more than 15 minutes', 403),
  },
};

/** The FC 2.0 API (2016-08-15) as @alicloud/fc2 calls it, over the FC 3.0 functions (see FunctionCompute.fc2Function). */
export class Fc2Api extends FcApiBase {
  readonly name = 'fc2';
  protected readonly prefix = `${PREFIX}/`;

  protected serve(call: IncomingCall): Promise<OutgoingReply> {
    const path = decodeURIComponent(call.path);
    verifyHeaderSignature(call, this.keyring, FC2_SIGNATURE, path);
    return this.route(call, path.slice(PREFIX.length + 1).split('/'));
  }

  protected errorBody(err: ApiError) {
    return { ErrorCode: err.code, ErrorMessage: err.message };
  }

  private async route(call: IncomingCall, [root, serviceQ, sub, fnName, action, ...rest]: string[]): Promise<OutgoingReply> {
    const m = call.method;
    if (root !== 'services' || rest.length > 0) throw notFound(call);
    if (serviceQ === undefined) return m === 'GET' ? json({ services: this.fc.fc2Services().map((s) => ({ serviceName: s })) }) : notFound(call);
    const dot = serviceQ.indexOf('.');
    const service = dot < 0 ? serviceQ : serviceQ.slice(0, dot);
    if (!this.fc.fc2Services().includes(service)) throw new ApiError('ServiceNotFound', `service '${service}' does not exist`, 404);
    if (sub === undefined) return m === 'GET' ? json({ serviceName: service }) : notFound(call);
    if (sub !== 'functions') throw notFound(call);
    if (fnName === undefined) {
      const fns = [...this.fc.functions.values()].filter((f) => this.inService(f, service));
      return m === 'GET' ? json({ functions: fns.map((f) => functionView(f, service)) }) : notFound(call);
    }
    const fn = this.fc.fc2Function(service, fnName);
    if (action === undefined && m === 'GET') return json(functionView(fn, service));
    if (action !== 'invocations' || m !== 'POST') throw notFound(call);
    const type = header(call.headers, 'x-fc-invocation-type') ?? 'Sync';
    if (type === 'Async') {
      const taskId = header(call.headers, 'x-fc-stateful-async-invocation-id');
      return invocationReply({ requestId: this.fc.invokeAsync(fn.spec.functionName, call.body, 'api', taskId) }, false);
    }
    return invocationReply(await this.fc.invoke(fn.spec.functionName, call.body), header(call.headers, 'x-fc-log-type') === 'Tail');
  }

  private inService(f: FcFunction, service: string): boolean {
    const n = f.spec.functionName;
    return n.includes('$') ? n.startsWith(`${service}$`) : service === this.fc.appName;
  }
}

const json = (body: unknown): OutgoingReply => ({ status: 200, headers: JSON_TYPE, body: JSON.stringify(body) });
const notFound = (call: IncomingCall): never => {
  throw new ApiError('PathNotSupported', `localcloud does not serve ${call.method} ${call.path}`, 404);
};

function functionView(fn: FcFunction, service: string) {
  const s = fn.spec;
  const name = s.functionName.startsWith(`${service}$`) ? s.functionName.slice(service.length + 1) : s.functionName;
  return { functionName: name, handler: s.handler, runtime: s.runtime, timeout: s.timeout, memorySize: s.memorySize, environmentVariables: s.environmentVariables, description: s.description };
}
