import { assemblePop } from './admin/assemble.js';
import type { CloudControls } from './admin/controls.js';
import { startHttp } from './core/http.js';
import { Keyring } from './core/keyring.js';
import type { PopProtocol } from './pop/protocol.js';
import type { CloudState } from './state.js';
import { buildState, checkWorld, readWorldFile } from './world/load.js';
import type { WorldFile } from './world/types.js';

export interface LocalCloud {
  /** `127.0.0.1:PORT`, the form the POP clients take as `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  readonly state: CloudState;
  readonly keyring: Keyring;
  readonly pop: PopProtocol;
  /** Call log, faults, rate limits and the world dump; the same as the /__admin/ endpoint. */
  readonly controls: CloudControls;
  close(): Promise<void>;
}

export interface LocalCloudOptions {
  /** A world document or the path of a world file. */
  world: WorldFile | string;
  port?: number;
  now?: () => number;
}

/** Starts localcloud: every protocol on one port of 127.0.0.1, state in memory. */
export async function startLocalCloud(opts: LocalCloudOptions): Promise<LocalCloud> {
  const world = typeof opts.world === 'string' ? readWorldFile(opts.world) : checkWorld(structuredClone(opts.world));
  const state = buildState(world, opts.now);
  const keyring = new Keyring(world.accessKeys);
  const { pop, controls, admin } = assemblePop(state, keyring, world);
  const server = await startHttp([admin, pop], opts.port ?? 0);
  const close = async () => {
    pop.close();
    state.stop();
    await server.close();
  };
  return { endpoint: server.endpoint, port: server.port, state, keyring, pop, controls, close };
}
