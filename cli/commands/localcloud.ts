import { startLocalCloud } from '../../localcloud/index.js';
import { parseFlags, required } from '../args.js';

export const usage = 'automirror localcloud --world FILE [--port N]';

/** Serves a world until interrupted. */
export async function localcloudCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { world: { type: 'string' }, port: { type: 'string' } });
  const cloud = await startLocalCloud({ world: required(values.world, '--world'), port: values.port ? Number(values.port) : 0 });
  process.stdout.write(`localcloud ready\n  ECS, VPC (POP)  endpoint ${cloud.endpoint} (protocol http)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await cloud.close();
  return 0;
}
