import { assemblePop } from './admin/assemble.js';
import type { CloudControls } from './admin/controls.js';
import type { CmsStore } from './cms/index.js';
import { type HttpOptions, startHttp } from './core/http.js';
import { Keyring } from './core/keyring.js';
import type { EventBus } from './eventbridge/bus.js';
import type { FunctionCompute } from './fc/service.js';
import type { MnsService } from './mns/service.js';
import { Organisation } from './org/index.js';
import type { OssService } from './oss/service.js';
import { createPlatform, type Endpoints, type Platform, type PlatformOptions } from './platform/index.js';
import type { PopProtocol } from './pop/protocol.js';
import type { CloudState } from './state.js';
import { buildState, checkWorld, readWorldFile } from './world/load.js';
import type { WorldFile } from './world/types.js';

export interface LocalCloud {
  /** `127.0.0.1:PORT`, the form the POP clients take as `endpoint`. */
  readonly endpoint: string;
  /** `https` when started with `tls` (clients then trust `ca`), else `http`. */
  readonly protocol: 'http' | 'https';
  readonly ca?: string;
  readonly port: number;
  readonly state: CloudState;
  readonly keyring: Keyring;
  readonly pop: PopProtocol;
  /** Call log, faults, rate limits and the world dump; the same as the /__admin/ endpoint. */
  readonly controls: CloudControls;
  /** MNS, Function Compute (s.yaml's functions) and the event bus, on the same port (localcloud/platform). */
  readonly platform: Platform;
  readonly fc: FunctionCompute;
  readonly mns: MnsService;
  readonly bus: EventBus;
  readonly oss: OssService;
  /** CloudMonitor's custom metrics and alarm rules as received: what tests read back. */
  readonly cms: CmsStore;
  readonly endpoints: Endpoints;
  /** The world's accounts (its own and `accounts`), their Resource Directory and RAM roles. */
  readonly org: Organisation;
  close(): Promise<void>;
}

export interface LocalCloudOptions {
  /** A world document or the path of a world file. */
  world: WorldFile | string;
  port?: number;
  now?: () => number;
  /** s.yaml, policy, MNS resources, delivery and clock options for the serverless side. */
  platform?: PlatformOptions;
  /** Serve HTTPS with this key and certificate (the production rehearsal) instead of plain HTTP. */
  tls?: HttpOptions['tls'];
  /** Told of every request: the host it was addressed to, TLS or not, which protocol answered. */
  onRequest?: HttpOptions['onRequest'];
  /**
   * The clock signed requests' times are checked against (15 minutes either way). Default: the real clock, which the
   * SDKs sign with; a test moves it to see a request arrive late. Unrelated to `now` (the world's clock).
   */
  signatureClock?: () => number;
}

/** Starts localcloud: every protocol on one port of 127.0.0.1, state in memory. */
export async function startLocalCloud(opts: LocalCloudOptions): Promise<LocalCloud> {
  const world = typeof opts.world === 'string' ? readWorldFile(opts.world) : checkWorld(structuredClone(opts.world));
  const state = buildState(world, opts.now);
  let org: Organisation;
  try {
    org = new Organisation(world, state);
  } catch (err) {
    state.stop();
    throw err;
  }
  const keyring = new Keyring(world.accessKeys, opts.signatureClock, { accountId: state.accountId, now: state.now });
  const { pop, controls, cms, throttle, admin } = assemblePop(state, keyring, world);
  org.serve(pop, keyring, throttle);
  const platform = createPlatform(state, keyring, opts.platform);
  for (const p of platform.popProducts) pop.add(p);
  let server: Awaited<ReturnType<typeof startHttp>>;
  try {
    server = await startHttp([admin, pop, ...platform.protocols], { port: opts.port ?? 0, tls: opts.tls, onRequest: opts.onRequest, log: platform.log });
  } catch (err) {
    // Nothing may outlive a failed start (the state's timers, the platform): the caller just exits.
    platform.close();
    pop.close();
    state.stop();
    org.stop();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw Object.assign(new Error(`port ${opts.port} is already in use`), { code: 'EADDRINUSE' });
    throw err;
  }
  platform.listening(server.endpoint);
  const close = async () => {
    platform.close();
    pop.close();
    state.stop();
    org.stop();
    await server.close();
  };
  const { fc, mns, bus, oss } = platform;
  return {
    endpoint: server.endpoint,
    protocol: opts.tls ? 'https' : 'http',
    ca: opts.tls?.ca,
    port: server.port,
    state,
    keyring,
    pop,
    controls,
    platform,
    fc,
    mns,
    bus,
    oss,
    cms,
    endpoints: platform.endpoints(),
    org,
    close,
  };
}
