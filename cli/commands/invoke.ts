import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveKeys } from '../../shared/cloud/config.js';
import { defuseJson } from '../../shared/report/text.js';
import { parseFlags, required, UsageError } from '../args.js';
import { CLOUD_FLAGS, popCloudFromFlags } from '../cloud-flags.js';
import { invokeLocally } from '../local-invoke.js';

export const usage = 'automirror invoke FUNCTION --event FILE --account-id ID [--region R] [--endpoint HOST:PORT] [--policy FILE] [--profile NAME]';

/**
 * Runs one function locally against an endpoint. Its `context.credentials` are concrete keys, as FC hands a function
 * its role's STS keys: resolved once, before the call, from the same credentials every cloud command takes.
 */
export async function invokeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    event: { type: 'string' },
    endpoint: { type: 'string' },
    policy: { type: 'string' },
    region: { type: 'string' },
    'account-id': { type: 'string' },
    profile: CLOUD_FLAGS.profile,
  });
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
    env: {
      // Without --endpoint the function calls the public endpoints, as on FC.
      ...(endpoint ? { AUTOMIRROR_ENDPOINT: endpoint, AUTOMIRROR_MNS_ENDPOINT: `http://${endpoint}`, AUTOMIRROR_FC_ENDPOINT: endpoint } : {}),
      AUTOMIRROR_POLICY_FILE: resolve(values.policy ?? 'policy.yaml'),
    },
  });
  process.stdout.write(`${defuseJson(JSON.stringify(result, null, 2))}\n`);
  return 0;
}
