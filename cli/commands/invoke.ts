import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { invokeLocally } from '../local-invoke.js';
import { parseFlags, required, UsageError } from '../args.js';

export const usage = 'automirror invoke FUNCTION --event FILE --endpoint HOST:PORT [--policy FILE] [--region R]';

/** Runs one function locally against an endpoint, with credentials from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET. */
export async function invokeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    event: { type: 'string' },
    endpoint: { type: 'string' },
    policy: { type: 'string' },
    region: { type: 'string' },
  });
  const fn = positionals[0];
  if (!fn) throw new UsageError('FUNCTION is required');
  const accessKeyId = process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) throw new UsageError('set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  const event = readFileSync(required(values.event, '--event'));
  const result = await invokeLocally({
    functionName: fn,
    event,
    region: values.region ?? 'cn-hangzhou',
    accountId: process.env.ALIBABA_CLOUD_ACCOUNT_ID ?? '',
    credentials: { accessKeyId, accessKeySecret, securityToken: process.env.ALIBABA_CLOUD_SECURITY_TOKEN },
    env: {
      AUTOMIRROR_ENDPOINT: required(values.endpoint, '--endpoint'),
      AUTOMIRROR_POLICY_FILE: resolve(values.policy ?? 'policy.yaml'),
    },
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
