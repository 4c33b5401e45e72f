import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { type CallWrapper, type CloudConfig, credentialFor } from './config.js';

/** A POP RPC product: its API version and public endpoint pattern. */
export interface PopProductInfo {
  readonly version: string;
  readonly endpoint: (regionId: string) => string;
}

export const ECS: PopProductInfo = { version: '2014-05-26', endpoint: (r) => `ecs.${r}.aliyuncs.com` };
export const VPC: PopProductInfo = { version: '2016-04-28', endpoint: (r) => `vpc.${r}.aliyuncs.com` };
export const SLB: PopProductInfo = { version: '2014-05-15', endpoint: (r) => `slb.${r}.aliyuncs.com` };
/** ActionTrail's regional endpoint, as its own records name it (AcsHost actiontrail.cn-hangzhou.aliyuncs.com: https://www.alibabacloud.com/help/doc-detail/286997.htm). */
/** CloudMonitor's public endpoint per region (CloudMonitor API reference, Endpoints: https://alibabacloud.com/help/en/cms/developer-reference/request-methods). */
export const CMS: PopProductInfo = { version: '2019-01-01', endpoint: (r) => `metrics.${r}.aliyuncs.com` };
export const ACTIONTRAIL: PopProductInfo = { version: '2020-07-06', endpoint: (r) => `actiontrail.${r}.aliyuncs.com` };

/** Auto Scaling (ESS) 2014-08-28, RPC style, regional endpoint ess.<region>.aliyuncs.com (ESS API reference, "Endpoints"). */
export const ESS: PopProductInfo = { version: '2014-08-28', endpoint: (r) => `ess.${r}.aliyuncs.com` };

/**
 * Calls one POP product through openapi-core's generic client with the official SDK's request and response
 * models. The wire requests are byte-identical to the product client's, without loading its 3 MB of other models
 * (@alicloud/openapi-core dist/client.js, Client.callApi).
 */
export class PopClient {
  private readonly client: OpenApi;
  private readonly around: CallWrapper;

  constructor(
    private readonly product: PopProductInfo,
    cfg: CloudConfig,
  ) {
    this.around = cfg.around ?? ((_action, send) => send());
    const timeout = cfg.timeoutMs ?? 10_000;
    this.client = new OpenApi(
      new $OpenApiUtil.Config({
        credential: credentialFor(cfg),
        endpoint: cfg.endpoint ?? product.endpoint(cfg.regionId),
        protocol: cfg.endpoint ? 'http' : 'https',
        regionId: cfg.regionId,
        // Both are needed: either alone still fails at the 3 s default (httpx lib/index.js: connectTimeout is an idle timeout).
        readTimeout: timeout,
        connectTimeout: timeout,
      }),
    );
  }

  async call<R extends $dara.Model>(action: string, request: $dara.Model, response: R): Promise<R> {
    const req = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(request.toMap()) });
    const params = rpcParams(action, this.product.version);
    const raw = await this.around(action, () => this.client.callApi(params, req, new $dara.RuntimeOptions({})));
    return $dara.cast<R>(raw, response);
  }
}

/** How every POP RPC operation is called: the Params the product clients generate for VPC, ECS, SLB and ActionTrail alike. */
export function rpcParams(action: string, version: string): $OpenApiUtil.Params {
  return new $OpenApiUtil.Params({ action, version, protocol: 'HTTPS', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
}

/** A response whose body is kept as the JSON it came as: for products without a client package (SLB, ActionTrail, ESS). */
/** A request of a product with no client package on npm (ESS, STS, Resource Manager): its RPC parameters, as the API reference names them. */
export class RpcRequest extends $dara.Model {
  constructor(private readonly params: Record<string, string | number>) {
    super({});
  }
  static names(): Record<string, string> {
    return {};
  }
  static types(): Record<string, string> {
    return {};
  }
  override toMap(): Record<string, string | number> {
    return this.params;
  }
}

export class RawResponse<B> extends $dara.Model {
  declare body?: B;
  static names(): Record<string, string> {
    return { body: 'body' };
  }
  static types(): Record<string, string> {
    return { body: 'any' };
  }
}
