import { verifyAcs3 } from '../core/acs3.js';
import { ApiError } from '../core/api-error.js';
import { parseQuery } from '../core/encoding.js';
import type { IncomingCall, OutgoingReply } from '../core/http.js';
import { FcApiBase, header, invocationReply, JSON_TYPE } from './replies.js';
import type { FcFunction, TriggerRecord } from './service.js';
import type { TriggerSpec } from './syaml.js';

const PREFIX = '/2023-03-30/';

/** The FC 3.0 API (2023-03-30) as @alicloud/fc20230330 calls it: ACS3-signed ROA, JSON bodies in camelCase. */
export class Fc3Api extends FcApiBase {
  readonly name = 'fc3';
  protected readonly prefix = PREFIX;

  protected serve(call: IncomingCall): Promise<OutgoingReply> {
    verifyAcs3(call, this.keyring);
    return this.route(call, call.path.slice(PREFIX.length).split('/').map(decodeURIComponent));
  }

  protected errorBody(err: ApiError, requestId: string) {
    return { Code: err.code, Message: err.message, RequestId: requestId };
  }

  private async route(call: IncomingCall, [root, name, sub, subName, ...rest]: string[]): Promise<OutgoingReply> {
    const m = call.method;
    if (root !== 'functions' || rest.length > 0) throw notFound(call);
    if (name === undefined) {
      if (m !== 'GET') throw notFound(call);
      const prefix = new Map(parseQuery(call.rawQuery)).get('prefix') ?? '';
      return json(200, { functions: [...this.fc.functions.values()].filter((f) => f.spec.functionName.startsWith(prefix)).map(functionView) });
    }
    if (sub === undefined && m === 'GET') return json(200, functionView(this.fc.get(name)));
    if (sub === 'invocations' && subName === undefined && m === 'POST') return this.invoke(call, name);
    if (sub === 'async-invoke-config' && m === 'GET') {
      const fn = this.fc.get(name);
      return json(200, { functionArn: fn.arn, ...fn.spec.asyncInvokeConfig });
    }
    if (sub === 'triggers') {
      if (subName === undefined && m === 'GET') return json(200, { triggers: [...this.fc.get(name).triggers.values()].map((t) => triggerView(this.fc.get(name), t)) });
      if (subName === undefined && m === 'POST') return json(200, triggerView(this.fc.get(name), this.fc.createTrigger(name, triggerInput(call))));
      if (subName !== undefined && m === 'GET') return json(200, triggerView(this.fc.get(name), this.fc.trigger(name, subName)));
      if (subName !== undefined && m === 'PUT') return json(200, triggerView(this.fc.get(name), this.fc.updateTrigger(name, subName, triggerInput(call, false))));
      if (subName !== undefined && m === 'DELETE') return (this.fc.deleteTrigger(name, subName), { status: 204 });
    }
    throw notFound(call);
  }

  private async invoke(call: IncomingCall, name: string): Promise<OutgoingReply> {
    const type = header(call.headers, 'x-fc-invocation-type') ?? 'Sync';
    const tail = header(call.headers, 'x-fc-log-type') === 'Tail';
    if (type === 'Async') return invocationReply({ requestId: this.fc.invokeAsync(name, call.body, 'api', header(call.headers, 'x-fc-async-task-id')) }, false);
    if (type !== 'Sync') throw new ApiError('InvalidArgument', `x-fc-invocation-type "${type}" must be Sync or Async`, 400);
    return invocationReply(await this.fc.invoke(name, call.body), tail);
  }
}

const json = (status: number, body: unknown): OutgoingReply => ({ status, headers: JSON_TYPE, body: JSON.stringify(body) });
const notFound = (call: IncomingCall) => new ApiError('NotFound', `localcloud does not serve ${call.method} ${call.path}`, 404);

function triggerInput(call: IncomingCall, create = true): TriggerSpec {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(call.body.toString('utf8') || '{}');
  } catch {
    throw new ApiError('InvalidArgument', 'the request body is not valid JSON', 400);
  }
  let triggerConfig: Record<string, unknown> | undefined;
  if (typeof body.triggerConfig === 'string') {
    try {
      triggerConfig = JSON.parse(body.triggerConfig);
    } catch {
      throw new ApiError('InvalidArgument', 'triggerConfig is not valid JSON', 400);
    }
  } else if (body.triggerConfig !== undefined) {
    triggerConfig = body.triggerConfig as Record<string, unknown>;
  }
  if (create && (!body.triggerName || !body.triggerType)) throw new ApiError('InvalidArgument', 'triggerName and triggerType are required', 400);
  return { ...(body as Partial<TriggerSpec>), triggerConfig } as TriggerSpec;
}

function functionView(fn: FcFunction) {
  const s = fn.spec;
  return {
    functionName: s.functionName,
    functionArn: fn.arn,
    functionId: fn.arn,
    runtime: s.runtime,
    handler: s.handler,
    timeout: s.timeout,
    memorySize: s.memorySize,
    description: s.description,
    role: s.role,
    environmentVariables: s.environmentVariables,
    createdTime: fn.createdTime,
    lastModifiedTime: fn.createdTime,
    state: 'Active',
  };
}

export function triggerView(fn: FcFunction, t: TriggerRecord) {
  return {
    triggerName: t.triggerName,
    triggerType: t.triggerType,
    triggerId: t.triggerId,
    description: t.description ?? '',
    qualifier: t.qualifier ?? 'LATEST',
    sourceArn: t.sourceArn,
    invocationRole: t.invocationRole,
    targetArn: fn.arn,
    triggerConfig: JSON.stringify(t.triggerConfig ?? {}),
    status: 'Success',
    createdTime: t.createdTime,
    lastModifiedTime: t.lastModifiedTime,
  };
}
