import { resolve } from 'node:path';
import { serveLocalCloud } from '../../localcloud/platform/serve.js';
import { parseFlags, required } from '../args.js';
import { writeErrorLines, writeLines } from '../terminal.js';

export const usage = 'automirror localcloud --world FILE [--port N] [--policy FILE]';

/**
 * Serves a world until interrupted: ECS, VPC, SLB, MNS, FC (both API generations) and the event bus on one port,
 * running the functions s.yaml declares from their built code (`npm run build`) with the given policy.
 */
export async function localcloudCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { world: { type: 'string' }, port: { type: 'string' }, policy: { type: 'string' } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0–65535, got "${values.port}"`);
  const { cloud, banner } = await serveLocalCloud({
    world: required(values.world, '--world'),
    port,
    policyFile: values.policy ? resolve(values.policy) : undefined,
    log: (line) => writeErrorLines([line]),
  });
  writeLines(banner);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await cloud.close();
  return 0;
}
