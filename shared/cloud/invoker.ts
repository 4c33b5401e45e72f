import { Readable } from 'node:stream';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { type CloudConfig, credentialFor, resolveKeys } from './config.js';
import { CloudError, cloudCall, serviceError } from './errors.js';

/**
 * What an asynchronous invocation came to: queued (`started`), or refused as a duplicate of an async task id used
 * before (FC's task dedup answers 409), i.e. the same work was already handed to FC.
 */
export interface Invocation {
  readonly requestId: string;
  readonly started: boolean;
}

/** Starts a function asynchronously: FC queues the event, retries per the function's async config, and answers at once. */
export interface FunctionInvoker {
  invokeAsync(functionName: string, payload: unknown, opts?: { taskId?: string }): Promise<Invocation>;
}

export interface FcConfig extends CloudConfig {
  accountId: string;
  /** `host:port` served over plain HTTP (both APIs, e.g. localcloud's); the regional endpoint when absent. */
  fcEndpoint?: string;
}

/** FC's task dedup refuses a reused async task id with HTTP 409 (FC "Task deduplication": https://www.alibabacloud.com/help/en/fc/task-deduplication). */
const duplicate = (e: CloudError): Invocation | undefined => (e.status === 409 ? { requestId: '', started: false } : undefined);

async function dedup(call: () => Promise<Invocation>): Promise<Invocation> {
  try {
    return await call();
  } catch (err) {
    const d = err instanceof CloudError ? duplicate(err) : undefined;
    if (d) return d;
    throw err;
  }
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

  invokeAsync(functionName: string, payload: unknown, opts: { taskId?: string } = {}): Promise<Invocation> {
    return dedup(() => this.invoke(functionName, payload, opts.taskId));
  }

  private async invoke(functionName: string, payload: unknown, taskId: string | undefined): Promise<Invocation> {
    const body = Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string> = { 'x-fc-invocation-type': 'Async' };
    if (taskId) headers['x-fc-async-task-id'] = taskId;
    // The SDK wants the body as a stream (@alicloud/fc20230330 InvokeFunctionRequest: a Buffer body throws).
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
    if (h['x-fc-error-type']) throw serviceError(h['x-fc-error-type'], `invoking ${functionName} failed`, res.statusCode);
    return { requestId: h['x-fc-request-id'] ?? '', started: true };
  }
}

/** FC 2.0 services (2016-08-15) through @alicloud/fc2, for accounts that run automirror in an FC 2.0 service. */
export class Fc2Invoker implements FunctionInvoker {
  constructor(
    private readonly cfg: FcConfig,
    private readonly serviceName: string,
  ) {}

  invokeAsync(functionName: string, payload: unknown, opts: { taskId?: string } = {}): Promise<Invocation> {
    return dedup(() => this.invoke(functionName, payload, opts.taskId));
  }

  private async invoke(functionName: string, payload: unknown, taskId: string | undefined): Promise<Invocation> {
    // fc2 signs with static keys only: the profile or default chain is resolved to keys for each call.
    const k = await resolveKeys(this.cfg);
    const endpoint = this.cfg.fcEndpoint;
    // Loaded on first use, from a file of its own in the built artifact (scripts/bundle-trims.ts, SIDE_MODULES): fc2 brings
    // ali-oss, axios and iconv-lite, which the FC 3.0 path should neither load nor parse at cold start.
    const { default: FC2 } = await import('@alicloud/fc2/lib/client.js');
    const client = new FC2(this.cfg.accountId, {
      // fc2 spells it accessKeyID, and sends the token only for STS keys (@alicloud/fc2 lib/client.js).
      accessKeyID: k.accessKeyId,
      accessKeySecret: k.accessKeySecret,
      securityToken: k.securityToken,
      region: this.cfg.regionId,
      // fc2 takes the endpoint as a URL prefix, scheme included.
      endpoint: endpoint && (/^https?:\/\//.test(endpoint) ? endpoint : `http://${endpoint}`),
      secure: !endpoint,
      timeout: this.cfg.timeoutMs ?? 10_000,
    });
    const headers: Record<string, string> = { 'x-fc-invocation-type': 'Async' };
    if (taskId) headers['x-fc-stateful-async-invocation-id'] = taskId;
    const res = await cloudCall(async () => {
      try {
        return await client.invokeFunction(this.serviceName, functionName, JSON.stringify(payload), headers);
      } catch (err) {
        throw fc2Error(err);
      }
    });
    return { requestId: res.headers?.['x-fc-request-id'] ?? '', started: true };
  }
}

/**
 * fc2 names its errors FC<Code>Error and carries the code but no status, which is only in the message
 * (`POST /services/… failed with 409. requestid: …`, @alicloud/fc2 lib/client.js).
 */
function fc2Error(err: unknown): CloudError {
  const e = err as Error & { code?: string };
  const status = Number(/ failed with (\d{3})\./.exec(e.message ?? '')?.[1]) || undefined;
  return serviceError(e.code ?? e.name, e.message, status);
}

/** The invoker configuration asks for: FC 3.0 by default, or the FC 2.0 service automirror runs in. */
export function invokerFor(kind: 'fc3' | 'fc2', cfg: FcConfig, fc2Service: string): FunctionInvoker {
  return kind === 'fc2' ? new Fc2Invoker(cfg, fc2Service) : new Fc3Invoker(cfg);
}

/**
 * The invoker a function starts other functions with: its own region and account, the kind its settings name,
 * and AUTOMIRROR_FC_ENDPOINT (`host:port`, a local cloud) when set.
 */
export function functionInvoker(settings: { invoker: 'fc3' | 'fc2'; fc2Service: string }, cloud: CloudConfig, accountId: string, env: NodeJS.ProcessEnv = process.env): FunctionInvoker {
  return invokerFor(settings.invoker, { ...cloud, accountId, fcEndpoint: env.AUTOMIRROR_FC_ENDPOINT || undefined }, settings.fc2Service);
}
