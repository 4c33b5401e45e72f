import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, vi } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { REGION } from '../engine/cloud.js';
import { DEMO_KEY } from '../support/localcloud.js';
import { removeScratch } from './app.js';

/** A CLI command run in-process against the cloud, with its exit code and what it printed. */
export async function cli(run: (argv: string[]) => Promise<number>, c: LocalCloud, ...argv: string[]) {
  vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', DEMO_KEY.accessKeyId);
  vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', DEMO_KEY.accessKeySecret);
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => printed.push(String(s)) > 0);
  try {
    const code = await run(['--region', REGION, '--endpoint', c.endpoint, ...argv]);
    return { code, out: printed.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** The engine tests' `web` rule (tag mirror=on → lb-a, filter tmf-allipv4, band 1000–1999) as a policy file in `dir`. */
export function webPolicyFile(dir: string): string {
  const file = join(dir, 'policy.yaml');
  writeFileSync(
    file,
    ['version: 1', 'rules:', '  - name: web', '    match: { tag: mirror, equals: "on" }', '    mirror: { target: { slb: lb-a }, filter: tmf-allipv4, priority: { min: 1000, max: 1999 } }', ''].join(
      '\n',
    ),
  );
  return file;
}

/** A test file's cloud and scratch directory, closed and removed after each test (with the env and spies restored). */
export function scene(): { cloud?: LocalCloud; dir?: string } {
  const held: { cloud?: LocalCloud; dir?: string } = {};
  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await held.cloud?.close();
    held.cloud = undefined;
    removeScratch(held.dir);
    held.dir = undefined;
  });
  return held;
}
