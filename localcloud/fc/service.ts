import { randomUUID } from 'node:crypto';
import { ApiError } from '../core/api-error.js';
import type { AccessKey } from '../core/keyring.js';
import { AsyncInvoker, type AttemptOutcome, type DestinationRecord } from './async.js';
import { fcContextData } from './fc-context.cjs';
import { InstancePool, type InvocationError, type RunResult } from './runtime.js';
import type { FunctionSpec, TriggerSpec } from './syaml.js';
import { TimerService } from './timers.js';

export interface FcFunction {
  spec: FunctionSpec;
  arn: string;
  createdTime: string;
  credentials: AccessKey;
  pool: InstancePool;
  triggers: Map<string, TriggerRecord>;
}

export interface TriggerRecord extends TriggerSpec {
  triggerId: string;
  createdTime: string;
  lastModifiedTime: string;
}

/** Activates a trigger in the rest of the platform (bus rule, MNS poller, timer, topic subscription). */
export interface TriggerBinder {
  bind(fn: FcFunction, trigger: TriggerRecord): void;
  unbind(fn: FcFunction, trigger: TriggerRecord): void;
}

export interface InvocationRecord {
  requestId: string;
  functionName: string;
  invocationType: 'Sync' | 'Async';
  /** Who invoked: `api`, `eventbridge:<rule>`, `timer:<trigger>`, `mns:<trigger>`, `destination`, … */
  source: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  ok: boolean;
  errorType?: string;
  errorMessage?: string;
  event: string;
  response: string;
}

export interface InvokeOutcome extends AttemptOutcome {
  requestId: string;
  error?: InvocationError;
  logs: string[];
}

export interface FcOptions {
  accountId: string;
  /** Timer triggers: a virtual clock moved by `timers.advance` (tests), or the real one (the CLI). */
  clock: 'virtual' | 'real';
  secondMs: number;
  maxInstances: number;
  now: () => number;
  log: (line: string) => void;
  /** Variables localcloud adds on top of s.yaml's (endpoints, policy), read when an instance starts. */
  platformEnv: () => Record<string, string>;
  /** The STS key a function's invocations get as context.credentials (added to the keyring by the caller). */
  credentialsFor: (functionName: string) => AccessKey;
  sendToDestination: (arn: string, record: DestinationRecord) => Promise<void>;
}

const iso = (t: number) => new Date(t).toISOString();

/** FC's documented limits on a request body: 128 KB asynchronous, 32 MB synchronous (FC docs, "Asynchronous invocation"). */
const MAX_ASYNC_PAYLOAD = 128 * 1024;
export const MAX_SYNC_PAYLOAD = 32 * 1024 * 1024;

/** Function Compute 3.0: the functions s.yaml declares, their triggers, and sync/async invocation. */
export class FunctionCompute {
  readonly functions = new Map<string, FcFunction>();
  readonly invocations: InvocationRecord[] = [];
  readonly async: AsyncInvoker;
  readonly timers: TimerService;
  binder: TriggerBinder | undefined;
  /** The s.yaml app name: FC 2.0 callers see the app's functions as one service of this name. */
  appName = 'default';

  constructor(private readonly opts: FcOptions) {
    this.async = new AsyncInvoker(
      {
        config: (name) => ({ arn: this.get(name).arn, asyncInvokeConfig: this.get(name).spec.asyncInvokeConfig }),
        attempt: (name, payload, requestId, attempt, source) => this.run(name, payload, { requestId, attempt, source, invocationType: 'Async' }),
        sendToDestination: opts.sendToDestination,
      },
      opts.secondMs,
      opts.now,
    );
    this.timers = new TimerService(opts.clock, opts.now(), (fn, event) => this.invokeAsync(fn, Buffer.from(JSON.stringify(event), 'utf8'), `timer:${event.triggerName}`));
  }

  /** Resolves once no asynchronous invocation is queued, running or waiting to retry. */
  idle(): Promise<void> {
    return this.async.idle();
  }

  deploy(spec: FunctionSpec): FcFunction {
    const fn: FcFunction = {
      spec,
      arn: `acs:fc:${spec.region}:${this.opts.accountId}:functions/${spec.functionName}`,
      createdTime: iso(this.opts.now()),
      credentials: this.opts.credentialsFor(spec.functionName),
      pool: new InstancePool(
        {
          functionName: spec.functionName,
          codeDir: spec.codeDir,
          handler: spec.handler,
          timeoutSeconds: spec.timeout,
          env: () => this.envFor(spec),
        },
        this.opts.maxInstances,
        this.opts.log,
      ),
      triggers: new Map(),
    };
    this.functions.set(spec.functionName, fn);
    for (const t of spec.triggers) this.createTrigger(spec.functionName, t);
    return fn;
  }

  get(name: string): FcFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new ApiError('FunctionNotFound', `function '${name}' does not exist`, 404);
    return fn;
  }

  /** Resolves `acs:fc:<region>:<account>:functions/<name>` and the 2.0 form `…:services/<svc>[.<qualifier>]/functions/<name>`. */
  resolveArn(arn: string): FcFunction {
    const v3 = /^acs:fc:[^:]*:([^:]*):functions\/([^/:]+)(?::[^/]+)?$/.exec(arn);
    if (v3) return this.checkAccount(v3[1], () => this.get(v3[2]));
    const v2 = /^acs:fc:[^:]*:([^:]*):services\/([^/.]+)(?:\.[^/]+)?\/functions\/([^/]+)$/.exec(arn);
    if (v2) return this.checkAccount(v2[1], () => this.fc2Function(v2[2], v2[3]));
    throw new ApiError('InvalidArgument', `"${arn}" is not a Function Compute function ARN.`, 400);
  }

  /**
   * FC 2.0 view of FC 3.0 functions: `svc$fn` is function `fn` of service `svc` (how FC 3.0 shows 2.0 functions),
   * and every other function is in the service named after the s.yaml app (`appName`).
   */
  fc2Function(service: string, name: string): FcFunction {
    const fn = this.functions.get(`${service}$${name}`) ?? (service === this.appName && !name.includes('$') ? this.functions.get(name) : undefined);
    if (!fn) throw new ApiError('FunctionNotFound', `function '${name}' does not exist in service '${service}'`, 404);
    return fn;
  }

  fc2Services(): string[] {
    const names = new Set<string>();
    for (const n of this.functions.keys()) names.add(n.includes('$') ? n.slice(0, n.indexOf('$')) : this.appName);
    return [...names];
  }

  /** A synchronous invocation: never retried (FC docs, "Error handling"). */
  invoke(name: string, payload: Buffer, source = 'api'): Promise<InvokeOutcome> {
    if (payload.length > MAX_SYNC_PAYLOAD) {
      throw new ApiError('PayloadTooLarge', `a synchronous invocation takes at most ${MAX_SYNC_PAYLOAD} bytes, got ${payload.length}`, 400);
    }
    return this.run(name, payload, { requestId: randomUUID(), attempt: 1, source, invocationType: 'Sync' });
  }

  /** An asynchronous invocation: queued, retried per asyncInvokeConfig. Throws 409 for a reused async task id. */
  invokeAsync(name: string, payload: Buffer, source = 'api', taskId?: string): string {
    this.get(name);
    if (payload.length > MAX_ASYNC_PAYLOAD) {
      throw new ApiError('PayloadTooLarge', `an asynchronous invocation takes at most ${MAX_ASYNC_PAYLOAD} bytes, got ${payload.length}`, 400);
    }
    const id = this.async.enqueue(name, payload, source, taskId);
    if (id === false) throw new ApiError('AsyncTaskExists', `async task ${taskId} of function '${name}' already exists`, 409);
    return id;
  }

  createTrigger(functionName: string, spec: TriggerSpec): TriggerRecord {
    const fn = this.get(functionName);
    if (!spec.triggerName || !spec.triggerType) throw new ApiError('InvalidArgument', 'triggerName and triggerType are required', 400);
    if (fn.triggers.has(spec.triggerName)) throw new ApiError('TriggerAlreadyExists', `trigger '${spec.triggerName}' already exists`, 409);
    const now = iso(this.opts.now());
    const record: TriggerRecord = { ...spec, triggerId: randomUUID(), createdTime: now, lastModifiedTime: now };
    this.binder?.bind(fn, record);
    fn.triggers.set(record.triggerName, record);
    return record;
  }

  trigger(functionName: string, triggerName: string): TriggerRecord {
    const t = this.get(functionName).triggers.get(triggerName);
    if (!t) throw new ApiError('TriggerNotFound', `trigger '${triggerName}' does not exist`, 404);
    return t;
  }

  updateTrigger(functionName: string, triggerName: string, change: Partial<Pick<TriggerSpec, 'triggerConfig' | 'description' | 'qualifier' | 'invocationRole'>>): TriggerRecord {
    const fn = this.get(functionName);
    const old = this.trigger(functionName, triggerName);
    const next: TriggerRecord = { ...old, ...stripUndefined(change), lastModifiedTime: iso(this.opts.now()) };
    this.binder?.unbind(fn, old);
    try {
      this.binder?.bind(fn, next);
    } catch (err) {
      this.binder?.bind(fn, old);
      throw err;
    }
    fn.triggers.set(triggerName, next);
    return next;
  }

  deleteTrigger(functionName: string, triggerName: string): void {
    const fn = this.get(functionName);
    this.binder?.unbind(fn, this.trigger(functionName, triggerName));
    fn.triggers.delete(triggerName);
  }

  close(): void {
    this.timers.close();
    this.async.close();
    for (const fn of this.functions.values()) fn.pool.close();
  }

  private checkAccount(account: string, then: () => FcFunction): FcFunction {
    if (account !== '' && account !== this.opts.accountId) throw new ApiError('AccessDenied', `the function belongs to account ${account}`, 403);
    return then();
  }

  private envFor(spec: FunctionSpec): Record<string, string> {
    return {
      ...spec.environmentVariables,
      FC_FUNCTION_NAME: spec.functionName,
      FC_FUNCTION_HANDLER: spec.handler,
      FC_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
      FC_REGION: spec.region,
      FC_ACCOUNT_ID: this.opts.accountId,
      FC_RUNTIME: spec.runtime,
      ...this.opts.platformEnv(),
    };
  }

  private async run(name: string, payload: Buffer, call: { requestId: string; attempt: number; source: string; invocationType: 'Sync' | 'Async' }): Promise<InvokeOutcome> {
    const fn = this.get(name);
    const s = fn.spec;
    const { accessKeyId, accessKeySecret, securityToken } = fn.credentials;
    const context = fcContextData({
      requestId: call.requestId,
      credentials: { accessKeyId, accessKeySecret, securityToken },
      function: { name: s.functionName, handler: s.handler, memory: s.memorySize, timeout: s.timeout },
      region: s.region,
      accountId: this.opts.accountId,
    });
    const startedAt = this.opts.now();
    const r: RunResult = await fn.pool.run(payload, context).catch((err: Error) => ({ ok: false, error: { errorMessage: err.message, errorType: 'InternalError', stackTrace: [] }, logs: [] }));
    const body = r.ok ? r.body : Buffer.from(JSON.stringify(r.error), 'utf8');
    this.invocations.push({
      requestId: call.requestId,
      functionName: name,
      invocationType: call.invocationType,
      source: call.source,
      attempt: call.attempt,
      startedAt,
      durationMs: this.opts.now() - startedAt,
      ok: r.ok,
      errorType: r.ok ? undefined : r.error.errorType,
      errorMessage: r.ok ? undefined : r.error.errorMessage,
      event: payload.toString('utf8'),
      response: body.toString('utf8'),
    });
    return {
      requestId: call.requestId,
      ok: r.ok,
      body,
      errorType: r.ok ? undefined : 'UnhandledInvocationError',
      error: r.ok ? undefined : r.error,
      logs: r.logs,
    };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
