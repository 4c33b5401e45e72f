import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Protocol } from '../core/http.js';
import type { AccessKey, Keyring } from '../core/keyring.js';
import { essProduct } from '../ess/index.js';
import { EventBridgeApi } from '../eventbridge/api.js';
import { type DeliveryOptions, EventBus } from '../eventbridge/bus.js';
import { eventBridgePopProduct } from '../eventbridge/pop.js';
import { RuleStore } from '../eventbridge/rules.js';
import { Fc2Api } from '../fc/fc2-api.js';
import { Fc3Api } from '../fc/fc3-api.js';
import { FunctionCompute } from '../fc/service.js';
import { loadServerlessApp } from '../fc/syaml.js';
import { MnsProtocol } from '../mns/protocol.js';
import type { QueueAttributes } from '../mns/queues.js';
import { MnsService, type SubscribeOptions } from '../mns/service.js';
import type { TopicAttributes } from '../mns/topics.js';
import { OssProtocol } from '../oss/protocol.js';
import { OssService } from '../oss/service.js';
import type { PopProduct } from '../pop/protocol.js';
import type { CloudState } from '../state.js';
import { PlatformDispatcher, sendToArn } from './dispatch.js';
import { Tracker } from './tracker.js';
import { PlatformTriggers } from './triggers.js';

/** Options for the serverless side of localcloud (passed as `startLocalCloud({ platform })`). */
export interface PlatformOptions {
  /** The s.yaml whose fc3 functions run here (from their built code). None: no functions. */
  sYaml?: string;
  /** A policy file for the functions: sets AUTOMIRROR_POLICY_FILE (absolute) and clears AUTOMIRROR_POLICY. */
  policyFile?: string;
  /** More environment variables for every function, on top of s.yaml's and localcloud's. */
  env?: Record<string, string>;
  /**
   * Functions are not told localcloud's endpoint (no AUTOMIRROR_*ENDPOINT): they build the public endpoint names
   * as they do on FC, and the environment (`env`, e.g. the rehearsal's preload) must bring those names here.
   */
  publicEndpoints?: boolean;
  /** The region of the bus and MNS (default: the first function's region, else the world's first region). */
  regionId?: string;
  /** How long a documented "second" lasts here (MNS delays and visibility, retry backoffs). Default 1000. */
  secondMs?: number;
  /** Timer triggers on a virtual clock (default; `cloud.fc.timers.advance`) or the real one. */
  clock?: 'virtual' | 'real';
  /** Instances per function (each a child process). Default 2. */
  maxInstances?: number;
  /** Function output and platform notes, one line each. Default: kept in `cloud.platform.logs` only. */
  log?: (line: string) => void;
  /** EventBridge at-least-once behaviour for tests: duplicates and reordering. */
  delivery?: DeliveryOptions;
  /** Queues and topics that exist from the start (destinations, trigger sources). */
  mns?: {
    queues?: Array<{ name: string } & Partial<QueueAttributes>>;
    topics?: Array<{ name: string; subscriptions?: Array<{ name: string } & SubscribeOptions> } & Partial<TopicAttributes>>;
  };
}

/** Endpoints in the forms each SDK takes. */
export interface Endpoints {
  /** POP (ECS, VPC, EventBridge 2020-04-01), FC 3.0, EventBridge SDK: `host:port`. */
  pop: string;
  fc3: string;
  eventbridge: string;
  /** MNS, FC 2.0 and OSS take a URL with the scheme. */
  mns: string;
  fc2: string;
  oss: string;
}

export interface Platform {
  readonly fc: FunctionCompute;
  readonly mns: MnsService;
  readonly bus: EventBus;
  /** OSS buckets (the drift report's history store). */
  readonly oss: OssService;
  readonly regionId: string;
  /** The last lines of function output and platform notes (and localcloud's internal errors). */
  readonly logs: string[];
  log(line: string): void;
  readonly protocols: Protocol[];
  readonly popProducts: PopProduct[];
  /** Called once the server listens: functions learn their endpoints from it. */
  listening(endpoint: string): void;
  endpoints(): Endpoints;
  /** Resolves when no event is being routed, no async invocation or retry is pending, no MNS trigger is working. */
  idle(): Promise<void>;
  close(): void;
}

const MAX_LOG_LINES = 2000;

export function createPlatform(state: CloudState, keyring: Keyring, opts: PlatformOptions = {}): Platform {
  const app = opts.sYaml ? loadServerlessApp(opts.sYaml, { accountId: state.accountId, env: process.env }) : undefined;
  const regionId = opts.regionId ?? app?.functions[0]?.region ?? [...state.regions.keys()][0] ?? 'cn-hangzhou';
  const secondMs = opts.secondMs ?? 1000;
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    if (logs.length > MAX_LOG_LINES) logs.splice(0, logs.length - MAX_LOG_LINES);
    opts.log?.(line);
  };
  let endpoint = '';
  const closing = new AbortController();
  const tracker = new Tracker();

  const mns = new MnsService(state.accountId, { now: () => Date.now(), secondMs });
  const oss = new OssService();
  const rules = new RuleStore(regionId, state.accountId, state.now);
  let bus: EventBus | undefined;
  const busRef = () => bus!;
  const fc: FunctionCompute = new FunctionCompute({
    accountId: state.accountId,
    clock: opts.clock ?? 'virtual',
    secondMs,
    maxInstances: opts.maxInstances ?? 2,
    now: () => Date.now(),
    log,
    platformEnv: () => functionEnv(endpoint, opts),
    credentialsFor: () => {
      // What the function's role would yield: an STS key only localcloud's keyring knows.
      const key: AccessKey = { accessKeyId: `STS.fc${randomBytes(8).toString('hex')}`, accessKeySecret: randomBytes(15).toString('base64'), securityToken: randomBytes(24).toString('base64') };
      keyring.add(key);
      return key;
    },
    sendToDestination: (arn, record): Promise<void> => sendToArn(arn, JSON.stringify(record), { fc, mns, bus: busRef }, 'destination'),
  });
  bus = new EventBus(rules, new PlatformDispatcher({ fc, mns, bus: busRef }), { accountId: state.accountId, regionId, now: state.now, secondMs, delivery: opts.delivery });
  const triggers = new PlatformTriggers({ rules, mns, fc, timers: fc.timers, tracker, regionId, accountId: state.accountId, secondMs, log });
  fc.binder = triggers;

  for (const q of opts.mns?.queues ?? []) mns.createQueue(q.name, q);
  for (const t of opts.mns?.topics ?? []) {
    mns.createTopic(t.name, t);
    for (const s of t.subscriptions ?? []) mns.subscribe(t.name, s.name, s);
  }
  if (app) {
    fc.appName = app.name;
    for (const spec of app.functions) fc.deploy(spec);
  }
  const unsubscribe = state.events.subscribe((event) => {
    // A service's write must never fail because of routing (an event naming a bus that does not exist, say).
    try {
      bus!.put(event);
    } catch (err) {
      log(`[localcloud] event ${event.id} (${event.type}) not routed: ${(err as Error).message}`);
    }
  });

  const platform: Platform = {
    fc,
    mns,
    bus,
    oss,
    regionId,
    logs,
    log,
    protocols: [new MnsProtocol(keyring, mns, closing.signal), new Fc3Api(keyring, fc), new Fc2Api(keyring, fc), new EventBridgeApi(keyring, rules, bus), new OssProtocol(keyring, oss, regionId)],
    popProducts: [eventBridgePopProduct(rules), essProduct(state, { mns, secondMs })],
    listening(ep) {
      endpoint = ep;
    },
    endpoints: () => ({ pop: endpoint, fc3: endpoint, eventbridge: endpoint, mns: `http://${endpoint}`, fc2: `http://${endpoint}`, oss: `http://${endpoint}` }),
    async idle() {
      // Work hands work on (bus → async FC → destination → bus), so wait until every part is quiet at once.
      for (;;) {
        await Promise.all([bus!.idle(), fc.idle(), tracker.idle()]);
        await new Promise((r) => setImmediate(r));
        if (bus!.pending === 0 && fc.async.pending === 0 && tracker.pending === 0) return;
      }
    },
    close() {
      unsubscribe();
      closing.abort();
      triggers.close();
      bus!.close();
      tracker.close();
      fc.close();
    },
  };
  return platform;
}

/** What localcloud tells every function, on top of s.yaml's variables. ALIBABA_CLOUD_* are never set: credentials come in the context. */
export function functionEnv(endpoint: string, opts: PlatformOptions): Record<string, string> {
  const env: Record<string, string> = opts.publicEndpoints
    ? {}
    : {
        AUTOMIRROR_ENDPOINT: endpoint,
        AUTOMIRROR_MNS_ENDPOINT: `http://${endpoint}`,
        AUTOMIRROR_FC_ENDPOINT: endpoint,
        AUTOMIRROR_EVENTBRIDGE_ENDPOINT: endpoint,
        AUTOMIRROR_OSS_ENDPOINT: `http://${endpoint}`,
      };
  if (opts.policyFile) {
    env.AUTOMIRROR_POLICY_FILE = resolve(opts.policyFile);
    env.AUTOMIRROR_POLICY = '';
  }
  return { ...env, ...opts.env };
}

/** One line per served API, for `automirror localcloud` to print when ready. */
export function describeEndpoints(e: Endpoints): string[] {
  return [
    `ECS, VPC, EventBridge 2020-04-01 (POP)  endpoint ${e.pop} (protocol http)`,
    `Function Compute 3.0 (2023-03-30)       endpoint ${e.fc3} (protocol http)`,
    `Function Compute 2.0 (2016-08-15)       endpoint ${e.fc2}`,
    `EventBridge (/openapi, @alicloud/eventbridge) endpoint ${e.eventbridge}`,
    `MNS (2015-06-06)                        endpoint ${e.mns}`,
    `OSS (ali-oss, V1 signature)             endpoint ${e.oss}`,
  ];
}
