import { verifyAcs3 } from '../core/acs3.js';
import { ApiError } from '../core/api-error.js';
import { parseQuery } from '../core/encoding.js';
import { type CallHead, DEFAULT_BODY_LIMIT, type IncomingCall, type OutgoingReply, type Protocol } from '../core/http.js';
import { newRequestId } from '../core/ids.js';
import type { KeyPrincipal, Keyring } from '../core/keyring.js';
import { RPC_ENVELOPE, verifyRpcV2 } from '../core/rpc-v2.js';
import { Params } from './params.js';

export interface PopContext {
  /** The product name (`Vpc`, `Ecs`, `Slb`), or empty when the version is unknown. */
  readonly product: string;
  readonly version: string;
  readonly action: string;
  /** The API parameters (the legacy RPC envelope — Signature, Timestamp, … — is stripped). */
  readonly params: Params;
  /** Empty when the signature was not verified. */
  readonly accessKeyId: string;
  /** Who holds the key (the world's principals), once the signature is verified. */
  readonly principal?: KeyPrincipal;
  /** The account the key acts in (empty until the signature is verified): whose resources and rate limits. */
  readonly accountId: string;
  readonly requestId: string;
  readonly signature: 'ACS3' | 'v2';
}

export type PopOperation = (ctx: PopContext) => Record<string, unknown>;

/** One POP product (an API version): its operations by action name. */
export interface PopProduct {
  readonly product: string;
  readonly version: string;
  readonly hostId: string;
  readonly operations: Readonly<Record<string, PopOperation>>;
}

export interface PopOutcome {
  /** `OK`, or the error code answered. */
  code: string;
  /** HTTP status; 0 for a dropped connection. */
  status: number;
}

/**
 * Hooks around each call. `before` runs once the call is authenticated and its operation exists, and may delay
 * or refuse it (throttling, faults); `after` sees every call with an action, whatever the outcome (the call log).
 */
export interface PopInterceptor {
  before?(ctx: PopContext): Promise<void> | void;
  after?(ctx: PopContext, outcome: PopOutcome): void;
  /** Releases timers when the cloud closes. */
  close?(): void;
}

const JSON_TYPE = { 'content-type': 'application/json;charset=utf-8' };

/** Query parameters plus a form-encoded body, which the RPC style allows. */
function requestPairs(call: IncomingCall): Array<[string, string]> {
  const pairs = parseQuery(call.rawQuery);
  if (String(call.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) pairs.push(...parseQuery(call.body.toString('utf8')));
  return pairs;
}

/**
 * The Alibaba Cloud POP RPC protocol (ECS, VPC, SLB): `POST /`. ACS3 requests name the action and version in
 * x-acs-* headers; legacy v2 (HMAC-SHA1) requests carry `Action`, `Version` and `Signature` in the query. Both
 * dispatch to the same operations.
 */
export class PopProtocol implements Protocol {
  readonly name = 'pop';
  readonly bodyLimit = DEFAULT_BODY_LIMIT;
  private readonly products = new Map<string, PopProduct>();
  /** A member account's own products (its resources), by account; the world's account uses `products`. */
  private readonly accounts = new Map<string, Map<string, PopProduct>>();
  /** Products every account calls alike (STS, Resource Directory): they act on the caller's account themselves. */
  private readonly global = new Map<string, PopProduct>();

  constructor(
    private readonly keyring: Keyring,
    products: readonly PopProduct[],
    private readonly interceptors: PopInterceptor[] = [],
  ) {
    for (const p of products) this.add(p);
  }

  add(product: PopProduct): void {
    this.products.set(product.version, product);
  }

  /** Serves `products` to the keys of `accountId` (a member account of the world), in place of the world's own. */
  addAccount(accountId: string, products: readonly PopProduct[]): void {
    this.accounts.set(accountId, new Map(products.map((p) => [p.version, p])));
  }

  addGlobal(product: PopProduct): void {
    this.global.set(product.version, product);
  }

  private productFor(accountId: string, version: string): PopProduct | undefined {
    return this.global.get(version) ?? (this.accounts.get(accountId) ?? this.products).get(version);
  }

  /** Every operation served, by product. */
  operations(): Array<{ product: string; action: string }> {
    return [...this.products.values()].flatMap((p) => Object.keys(p.operations).map((action) => ({ product: p.product, action })));
  }

  use(interceptor: PopInterceptor): void {
    this.interceptors.push(interceptor);
  }

  close(): void {
    for (const i of this.interceptors) i.close?.();
  }

  claims(call: CallHead): boolean {
    return call.path === '/' && (call.headers['x-acs-action'] !== undefined || /(^|&)Action=/.test(call.rawQuery));
  }

  async handle(call: IncomingCall): Promise<OutgoingReply> {
    const requestId = newRequestId();
    const pairs = requestPairs(call);
    const all = new Map(pairs);
    const v2 = call.headers.authorization === undefined && all.has('Signature');
    const version = v2 ? (all.get('Version') ?? '') : String(call.headers['x-acs-version'] ?? '');
    const action = v2 ? (all.get('Action') ?? '') : String(call.headers['x-acs-action'] ?? '');
    let product = this.products.get(version) ?? this.global.get(version);
    const ctx = {
      product: product?.product ?? '',
      version,
      action,
      params: Params.from(v2 ? pairs.filter(([k]) => !RPC_ENVELOPE.has(k)) : pairs),
      accessKeyId: '',
      principal: undefined as KeyPrincipal | undefined,
      accountId: '',
      requestId,
      signature: v2 ? 'v2' : 'ACS3',
    } satisfies PopContext;
    let reply: OutgoingReply;
    let outcome: PopOutcome;
    try {
      ctx.accessKeyId = v2 ? verifyRpcV2(call.method, all, this.keyring) : verifyAcs3(call, this.keyring);
      ctx.principal = this.keyring.principalOf(ctx.accessKeyId);
      ctx.accountId = this.keyring.accountOf(ctx.accessKeyId);
      product = this.productFor(ctx.accountId, version);
      ctx.product = product?.product ?? '';
      if (!product) throw new ApiError('InvalidVersion', `Specified parameter Version "${version}" is not valid.`, 400);
      const op = product.operations[action];
      if (!op) throw new ApiError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.', 404);
      for (const i of this.interceptors) await i.before?.(ctx);
      reply = { status: 200, headers: JSON_TYPE, body: JSON.stringify({ RequestId: requestId, ...op(ctx) }) };
      outcome = { code: 'OK', status: 200 };
    } catch (err) {
      if (!(err instanceof ApiError)) {
        this.notify(ctx, { code: 'InternalError', status: 500 });
        throw err;
      }
      outcome = { code: err.code, status: err.status };
      reply = err.status === 0 ? { status: 0 } : this.render(err, requestId, product);
    }
    this.notify(ctx, outcome);
    return reply;
  }

  private notify(ctx: PopContext, outcome: PopOutcome): void {
    if (ctx.action) for (const i of this.interceptors) i.after?.(ctx, outcome);
  }

  errorReply(err: ApiError, call: CallHead, requestId: string): OutgoingReply {
    return this.render(err, requestId, this.products.get(String(call.headers['x-acs-version'] ?? '')));
  }

  private render(err: ApiError, requestId: string, product: PopProduct | undefined): OutgoingReply {
    return {
      status: err.status,
      headers: { ...JSON_TYPE, ...err.headers },
      body: JSON.stringify({
        RequestId: requestId,
        HostId: product?.hostId ?? 'localcloud',
        Code: err.code,
        Message: err.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=${product?.product ?? ''}`,
      }),
    };
  }
}
