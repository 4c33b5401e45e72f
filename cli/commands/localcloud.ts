import { resolve } from 'node:path';
import { serveLocalCloud } from '../../localcloud/platform/serve.js';
import { COMMON_FLAGS, parseFlags, required, UsageError } from '../args.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { writeJson } from '../output.js';
import { writeErrorLines, writeLines } from '../terminal.js';

const FLAGS = {
  ...COMMON_FLAGS,
  world: { type: 'string', value: 'FILE', help: 'the world to serve, e.g. worlds/default.json' },
  port: { type: 'string', value: 'N', help: 'the port, 0–65535 (default 0: any free port)' },
  's-yaml': { type: 'string', value: 'FILE', help: "the s.yaml whose functions to serve, built beside it (default: the repo's)" },
  policy: { type: 'string', value: 'FILE', help: 'the policy the functions read (default: the one their build ships, the repo policy.yaml)' },
} as const satisfies FlagSpecs;

/**
 * Serves a world until interrupted: ECS, VPC, SLB, MNS, FC (both API generations) and the event bus on one port,
 * running the functions s.yaml declares from their built code (`npm run build`) with the given policy. Once it
 * listens it prints the endpoints (--json: as one document, for a script to read the port from).
 */
export async function localcloudCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  const port = values.port === undefined ? 0 : /^\d+$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new UsageError(`--port must be 0–65535, got "${values.port}"`);
  const { cloud, banner } = await serveLocalCloud({
    world: required(values.world, '--world'),
    port,
    sYaml: values['s-yaml'] ? resolve(values['s-yaml']) : undefined,
    policyFile: values.policy ? resolve(values.policy) : undefined,
    log: (line) => writeErrorLines([line]),
  });
  if (values.json) {
    const functions = [...cloud.fc.functions.values()].map((f) => ({ name: f.spec.functionName, runtime: f.spec.runtime, handler: f.spec.handler, triggers: [...f.triggers.keys()] }));
    writeJson({ world: values.world, endpoints: cloud.endpoints, functions });
  } else writeLines(banner);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await cloud.close();
  return 0;
}

export const command: CommandSpec = {
  name: 'localcloud',
  summary: 'serves a world with every API and the functions of s.yaml until stopped',
  description: [
    'ECS, VPC, SLB, MNS, FC (both API generations) and the event bus on one port, speaking the real wire',
    'protocols, running the functions s.yaml declares from their built code (run `npm run build` first) with the',
    'given policy. Prints the endpoints when ready; stops on SIGINT or SIGTERM.',
  ].join('\n'),
  usage: 'automirror localcloud --world FILE [--port N] [--policy FILE] [--s-yaml FILE]',
  flags: FLAGS,
  examples: [{ command: 'npm run build && automirror localcloud --world worlds/default.json --port 18080', what: 'the default world on port 18080' }],
  run: localcloudCommand,
};
