import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeenRequest } from '../core/http.js';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../index.js';
import { checkWorld, readWorldFile } from '../world/load.js';
import type { WorldFile } from '../world/types.js';
import { makeRehearsalTls, publicHostPatterns } from './tls.js';

const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const DEFAULT_WORLD = fileURLToPath(new URL('../../worlds/default.json', import.meta.url));

/** One connection attempt a rehearsal process made, as the preload recorded it. */
export interface Connection {
  pid: number;
  host: string;
  port: number;
  tls: boolean;
  servername?: string;
  /** `localcloud` when it was let through; `refused: …` otherwise. */
  outcome: string;
}

export interface Rehearsal {
  /** localcloud serving HTTPS with this run's certificate on 127.0.0.1:`port`. */
  readonly cloud: LocalCloud;
  /** The TLS port that stands in for 443 of every public endpoint name. */
  readonly port: number;
  /** PEM file of this run's CA (trusted through NODE_EXTRA_CA_CERTS). */
  readonly caFile: string;
  /** A fresh HOME for the rehearsal's processes: credential files, ~/.s, … go here. */
  readonly home: string;
  readonly accountId: string;
  readonly region: string;
  /** A plain access key of the world (no token). */
  readonly keys: { accessKeyId: string; accessKeySecret: string };
  /**
   * The environment of a process on a user's machine aimed at the real cloud, plus `extra`: PATH, HOME, and the
   * preload that brings the public endpoint names here. No endpoint override and no keys unless `extra` has them.
   */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Every connection any process started with env() (or an FC instance of the cloud) attempted so far. */
  connections(): Connection[];
  /** Every request localcloud answered: the Host and TLS server name it was addressed to, and which API took it. */
  requests(): SeenRequest[];
  close(): Promise<void>;
}

/**
 * The production rehearsal: localcloud behind the public endpoint names over TLS. The product's processes run with
 * nothing localcloud-specific in their configuration: they resolve `ecs.<region>.aliyuncs.com` and the rest as
 * they would on a real machine, and only the preload (DNS and port 443) and the per-run CA make those names lead
 * here. s.yaml's functions run the same way (`publicEndpoints`), with FC's context credentials only.
 */
export async function startRehearsal(opts: Partial<LocalCloudOptions> = {}): Promise<Rehearsal> {
  const world: WorldFile = typeof opts.world === 'object' ? checkWorld(structuredClone(opts.world)) : readWorldFile(opts.world ?? DEFAULT_WORLD);
  const dir = mkdtempSync(join(tmpdir(), 'automirror-rehearsal-'));
  const home = join(dir, 'home');
  const caFile = join(dir, 'ca.pem');
  const log = join(dir, 'connections.jsonl');
  const tls = makeRehearsalTls(publicHostPatterns(Object.keys(world.regions)));
  writeFileSync(caFile, tls.caPem);
  writeFileSync(log, '');
  mkdirSync(home);
  const seen: SeenRequest[] = [];
  // FC instances read their environment when they start, after the server listens: filled in once the port is known.
  const functionEnv: Record<string, string> = { ...opts.platform?.env };
  const cloud = await startLocalCloud({
    ...opts,
    world,
    tls: { key: tls.keyPem, cert: tls.certPem, ca: tls.caPem },
    onRequest: (r) => seen.push(r),
    platform: { ...opts.platform, publicEndpoints: true, env: functionEnv },
  });
  const port = cloud.port;
  const network = {
    NODE_OPTIONS: `--require ${PRELOAD}`,
    NODE_EXTRA_CA_CERTS: caFile,
    LOCALCLOUD_REHEARSAL_PORT: String(port),
    LOCALCLOUD_REHEARSAL_LOG: log,
  };
  Object.assign(functionEnv, network);
  const key = world.accessKeys.find((k) => !k.securityToken) ?? world.accessKeys[0];
  return {
    cloud,
    port,
    caFile,
    home,
    accountId: world.accountId,
    region: Object.keys(world.regions)[0],
    keys: { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret },
    env: (extra = {}) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...network, ...extra }),
    connections: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Connection),
    requests: () => [...seen],
    close: async () => {
      await cloud.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
