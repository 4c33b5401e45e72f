import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type LocalCloud, startLocalCloud } from '../index.js';
import { describeEndpoints, functionEnv } from './index.js';

/** The repo's own s.yaml: what `s deploy` deploys, so what `automirror localcloud` runs. */
export const REPO_SYAML = fileURLToPath(new URL('../../s.yaml', import.meta.url));

export interface ServeOptions {
  world: string;
  port?: number;
  /** Policy for the functions (default: the one their build ships, i.e. the repo's policy.yaml). */
  policyFile?: string;
  sYaml?: string;
  /** Function output and platform notes (default: none). */
  log?: (line: string) => void;
}

/**
 * localcloud as `automirror localcloud` serves it: every API on one port, s.yaml's functions from their built
 * code, timers on the real clock and real-time MNS seconds. Returns the cloud and the lines to print when ready.
 */
export async function serveLocalCloud(opts: ServeOptions): Promise<{ cloud: LocalCloud; banner: string[] }> {
  const sYaml = opts.sYaml ?? REPO_SYAML;
  const cloud = await startLocalCloud({
    world: opts.world,
    port: opts.port,
    platform: { sYaml, policyFile: opts.policyFile, clock: 'real', log: opts.log },
  });
  const missing = [...cloud.fc.functions.values()].filter((f) => !existsSync(f.spec.codeDir));
  if (missing.length > 0) {
    await cloud.close();
    throw new Error(`built code is missing (${missing.map((f) => f.spec.codeDir).join(', ')}): run \`npm run build\` first`);
  }
  const banner = [
    `localcloud ready (world ${opts.world}, functions from ${sYaml})`,
    ...describeEndpoints(cloud.endpoints).map((l) => `  ${l}`),
    ...[...cloud.fc.functions.values()].map((f) => {
      const triggers = [...f.triggers.values()].map((t) => `${t.triggerName} (${t.triggerType})`).join(', ') || 'no triggers yet';
      return `  function ${f.spec.functionName} (${f.spec.runtime}, ${f.spec.handler}): ${triggers}`;
    }),
    // Every variable the platform sets, from where it sets them: none left out.
    `  functions run with ${Object.entries(functionEnv(cloud.endpoints.pop, { policyFile: opts.policyFile }))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  ];
  return { cloud, banner };
}
