import FC2 from '@alicloud/fc2/lib/client.js';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { Readable } from 'node:stream';
import { credentialFor, type CloudConfig, type StsCredentials } from './config.js';
import { cloudCall, CloudError } from './errors.js';

/** Starts a function asynchronously: FC queues the event, retries per the function's async config, and answers at once. */
export interface FunctionInvoker {
  invokeAsync(functionName: string, payload: unknown, opts?: { taskId?: string }): Promise<{ requestId: string }>;
}

export interface FcConfig extends CloudConfig {
  accountId: string;
  /** `host:port` for FC 3.0 (plain HTTP), or `http://host:port` for FC 2.0; the regional endpoint when absent. */
  fcEndpoint?: string;
}

/** FC 3.0 (2023-03-30), what s.yaml deploys: InvokeFunction with x-fc-invocation-type Async. */
export class Fc3Invoker implements FunctionInvoker {
  private readonly client: OpenApi;

  constructor(cfg: FcConfig) {
    this.client = new OpenApi(
      new $OpenApiUtil.Config({
        credential: credentialFor(cfg),
        endpoint: cfg.fcEndpoint ?? `${cfg.accountId}.${cfg.regionId}.fc.aliyuncs.com`,
        protocol: cfg.fcEndpoint ? 'http' : 'https',
        regionId: cfg.regionId,
        readTimeout: cfg.timeoutMs ?? 10_000,
        connectTimeout: cfg.timeoutMs ?? 10_000,
      }),
    );
  }

  async invokeAsync(functionName: string, payload: unknown, opts: { taskId?: string } = {}): Promise<{ requestId: string }> {
    const body = Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string> = { 'x-fc-invocation-type': 'Async' };
    if (opts.taskId) headers['x-fc-async-task-id'] = opts.taskId;
    // The SDK wants the body as a stream (sdk-wire-protocols-2.md, FC 3.0 client).
    const req = new $OpenApiUtil.OpenApiRequest({ headers, query: OpenApiUtil.query({}), body: Readable.from([body]), stream: Readable.from([body]) });
    const params = new $OpenApiUtil.Params({
      action: 'InvokeFunction',
      version: '2023-03-30',
      protocol: 'HTTPS',
      pathname: `/2023-03-30/functions/${$dara.URL.percentEncode(functionName)}/invocations`,
      method: 'POST',
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      bodyType: 'binary',
    });
    const res = await cloudCall(() => this.client.callApi(params, req, new $dara.RuntimeOptions({})));
    const h = (res.headers ?? {}) as Record<string, string>;
    if (h['x-fc-error-type']) throw new CloudError(h['x-fc-error-type'], `invoking ${functionName} failed`, false);
    return { requestId: h['x-fc-request-id'] ?? '' };
  }
}

/** FC 2.0 services (2016-08-15) through @alicloud/fc2, for accounts that run automirror in an FC 2.0 service. */
export class Fc2Invoker implements FunctionInvoker {
  constructor(
    private readonly cfg: FcConfig,
    private readonly serviceName: string,
  ) {}

  private async keys(): Promise<StsCredentials> {
    if (this.cfg.credentials) return this.cfg.credentials;
    const c = await credentialFor(this.cfg).getCredential();
    return { accessKeyId: c.accessKeyId ?? '', accessKeySecret: c.accessKeySecret ?? '', securityToken: c.securityToken };
  }

  async invokeAsync(functionName: string, payload: unknown, opts: { taskId?: string } = {}): Promise<{ requestId: string }> {
    const k = await this.keys();
    const client = new FC2(this.cfg.accountId, {
      // fc2 spells it accessKeyID, and sends the token only for STS keys (sdk-wire-protocols.md §3).
      accessKeyID: k.accessKeyId,
      accessKeySecret: k.accessKeySecret,
      securityToken: k.securityToken,
      region: this.cfg.regionId,
      endpoint: this.cfg.fcEndpoint,
      secure: !this.cfg.fcEndpoint,
      timeout: this.cfg.timeoutMs ?? 10_000,
    });
    const headers: Record<string, string> = { 'x-fc-invocation-type': 'Async' };
    if (opts.taskId) headers['x-fc-stateful-async-invocation-id'] = opts.taskId;
    const res = await cloudCall(async () => {
      try {
        return await client.invokeFunction(this.serviceName, functionName, JSON.stringify(payload), headers);
      } catch (err) {
        // fc2 names its errors FC<Code>Error and carries the code, but no status: classify by code.
        const e = err as Error & { code?: string };
        throw new CloudError(e.code ?? e.name, e.message, /Throttl|ServiceUnavailable|InternalServerError|ResourceExhausted/.test(e.code ?? ''));
      }
    });
    return { requestId: res.headers?.['x-fc-request-id'] ?? '' };
  }
}
