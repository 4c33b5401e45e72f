import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveKeys } from '../../shared/cloud/config.js';
import { COMMON_FLAGS, parseFlags, required, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags } from '../cloud-flags.js';
import type { CommandSpec, FlagSpecs } from '../command.js';
import { functionNames, invokeLocally } from '../local-invoke.js';
import { writeJson } from '../output.js';

const FLAGS = {
  ...COMMON_FLAGS,
  ...CLOUD_FLAGS,
  region: { ...CLOUD_FLAGS.region, help: 'the region FC runs the function in (default cn-hangzhou)' },
  event: { type: 'string', value: 'FILE', help: 'the event, passed to the function as its Buffer' },
  policy: { type: 'string', value: 'FILE', help: 'the policy the function reads (AUTOMIRROR_POLICY_FILE; default ./policy.yaml)' },
} as const satisfies FlagSpecs;

/**
 * Runs one function locally against an endpoint. Its `context.credentials` are concrete keys, as FC hands a function
 * its role's STS keys: resolved once, before the call, from the same credentials every cloud command takes.
 */
export async function invokeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  const fn = positionals[0];
  if (!fn) throw new UsageError('FUNCTION is required');
  const event = readFileSync(required(values.event, '--event'));
  const endpoint = values.endpoint;
  const region = values.region ?? 'cn-hangzhou';
  const credentials = await resolveKeys(popCloudFromFlags({ region, endpoint, profile: values.profile }));
  const result = await invokeLocally({
    functionName: fn,
    event,
    region,
    // FC always tells a function its account; the engine serves that account only.
    accountId: required(values['account-id'] || process.env.ALIBABA_CLOUD_ACCOUNT_ID, '--account-id (or ALIBABA_CLOUD_ACCOUNT_ID)'),
    credentials,
    logsToStderr: true,
    env: {
      // Without --endpoint the function calls the public endpoints, as on FC.
      ...(endpoint ? { AUTOMIRROR_ENDPOINT: endpoint, AUTOMIRROR_MNS_ENDPOINT: `http://${endpoint}`, AUTOMIRROR_FC_ENDPOINT: endpoint } : {}),
      AUTOMIRROR_POLICY_FILE: resolve(values.policy ?? 'policy.yaml'),
    },
  });
  writeJson(result);
  return 0;
}

export const command: CommandSpec = {
  name: 'invoke',
  summary: 'runs one function of s.yaml in-process as FC would call it, and prints its result as JSON',
  description: [
    'A function of s.yaml, named by its folder under functions/ or its functionName, with its s.yaml memory, timeout',
    'and environment, the event as a Buffer and the context FC 3.0 passes, whose credentials are keys resolved once',
    "from the credentials every command takes, as FC hands a function its role's STS keys. Its result is the one",
    'JSON document on stdout (with or without --json); its log lines go to stderr. What it calls (reconcile fans out',
    `through FC's async invoke) goes to --endpoint, else the public endpoints. Functions: ${functionNames().join(', ')}.`,
  ].join('\n'),
  usage: 'automirror invoke FUNCTION --event FILE --account-id ID [--region R] [--endpoint HOST:PORT] [--policy FILE] [--profile NAME]',
  flags: FLAGS,
  examples: [
    {
      command: 'automirror invoke on-event --event events/ecs-instance-running.json --account-id 1234567890123456 --endpoint 127.0.0.1:18080',
      what: 'on-event for a sample ECS event, against localcloud',
    },
    {
      command: 'automirror invoke reconcile --event events/reconcile/timer.json --account-id 1234567890123456 --endpoint 127.0.0.1:18080',
      what: 'the scheduled reconcile as its timer fires it (payload {"mode":"report"}): one reconcile-region per region, through FC',
    },
    {
      command: 'automirror invoke reconcile-region --event events/reconcile/region-task.json --account-id 1234567890123456 --endpoint 127.0.0.1:18080',
      what: 'one region reconciled as reconcile asks it ({accountId?, regionId, mode, runId}): its drift report',
    },
  ],
  run: invokeCommand,
};
