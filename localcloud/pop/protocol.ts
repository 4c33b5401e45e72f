import { ApiError } from '../core/api-error.js';
import { verifyAcs3 } from '../core/acs3.js';
import { parseQuery } from '../core/encoding.js';
import type { IncomingCall, OutgoingReply, Protocol } from '../core/http.js';
import { newRequestId } from '../core/ids.js';
import type { Keyring } from '../core/keyring.js';
import { Params } from './params.js';

export interface PopContext {
  readonly action: string;
  readonly params: Params;
  readonly accessKeyId: string;
  readonly requestId: string;
}

export type PopOperation = (ctx: PopContext) => Record<string, unknown>;

/** One POP product (an API version): its operations by action name. */
export interface PopProduct {
  readonly product: string;
  readonly version: string;
  readonly hostId: string;
  readonly operations: Readonly<Record<string, PopOperation>>;
}

/** Hooks around each call: throttling, faults and the call log plug in here. */
export interface PopInterceptor {
  before?(ctx: PopContext & { product: string }): Promise<void> | void;
  after?(ctx: PopContext & { product: string }, outcome: { code: string; status: number }): void;
}

const JSON_TYPE = { 'content-type': 'application/json;charset=utf-8' };

/** The Alibaba Cloud POP RPC protocol (ECS, VPC, SLB): `POST /`, action and version in x-acs-* headers. */
export class PopProtocol implements Protocol {
  readonly name = 'pop';
  private readonly products = new Map<string, PopProduct>();

  constructor(
    private readonly keyring: Keyring,
    products: readonly PopProduct[],
    private readonly interceptors: PopInterceptor[] = [],
  ) {
    for (const p of products) this.products.set(p.version, p);
  }

  use(interceptor: PopInterceptor): void {
    this.interceptors.push(interceptor);
  }

  claims(call: IncomingCall): boolean {
    return call.path === '/' && (call.headers['x-acs-action'] !== undefined || /(^|&)Action=/.test(call.rawQuery));
  }

  async handle(call: IncomingCall): Promise<OutgoingReply> {
    const requestId = newRequestId();
    const version = String(call.headers['x-acs-version'] ?? '');
    const product = this.products.get(version);
    const action = String(call.headers['x-acs-action'] ?? '');
    try {
      const accessKeyId = verifyAcs3(call, this.keyring);
      if (!product) throw new ApiError('InvalidVersion', `Specified parameter Version "${version}" is not valid.`, 400);
      const op = product.operations[action];
      if (!op) throw new ApiError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.', 404);
      const ctx = { action, params: Params.from(parseQuery(call.rawQuery)), accessKeyId, requestId, product: product.product };
      for (const i of this.interceptors) await i.before?.(ctx);
      let body: Record<string, unknown>;
      try {
        body = op(ctx);
      } catch (err) {
        if (err instanceof ApiError) for (const i of this.interceptors) i.after?.(ctx, { code: err.code, status: err.status });
        throw err;
      }
      for (const i of this.interceptors) i.after?.(ctx, { code: 'OK', status: 200 });
      return { status: 200, headers: JSON_TYPE, body: JSON.stringify({ RequestId: requestId, ...body }) };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 0) return { status: 0 };
      const host = product?.hostId ?? 'localcloud';
      return {
        status: err.status,
        headers: { ...JSON_TYPE, ...err.headers },
        body: JSON.stringify({
          RequestId: requestId,
          HostId: host,
          Code: err.code,
          Message: err.message,
          Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=${product?.product ?? ''}`,
        }),
      };
    }
  }
}
