import { randomUUID } from 'node:crypto';
import type { StsCredentials } from '../shared/cloud/config.js';
import type { FcContext } from '../shared/middleware/fc-context.js';

type Handler = (event: Buffer, context: FcContext) => Promise<unknown>;

/** The functions this repo deploys, by the name s.yaml gives them. */
const FUNCTIONS: Record<string, () => Promise<{ handler: Handler }>> = {
  'on-event': () => import('../functions/on-event/index.js') as unknown as Promise<{ handler: Handler }>,
};

export const functionNames = () => Object.keys(FUNCTIONS);

export interface LocalInvocation {
  functionName: string;
  event: Buffer;
  region: string;
  accountId: string;
  credentials: StsCredentials;
  /** Environment the function sees (FC sets it from s.yaml's environmentVariables). */
  env: Record<string, string>;
  timeoutSeconds?: number;
}

/**
 * Runs one function in this process the way FC calls it: the event as a Buffer and an FC-shaped context.
 * The function's environment is applied for the duration of the call and restored after.
 */
export async function invokeLocally(inv: LocalInvocation): Promise<unknown> {
  const load = FUNCTIONS[inv.functionName];
  if (!load) throw new Error(`unknown function "${inv.functionName}"; known: ${functionNames().join(', ')}`);
  const { handler } = await load();
  const saved = Object.fromEntries(Object.keys(inv.env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, inv.env);
  const context: FcContext = {
    requestId: randomUUID(),
    region: inv.region,
    accountId: inv.accountId,
    credentials: inv.credentials,
    function: { name: inv.functionName, handler: 'index.handler', memory: 512, timeout: inv.timeoutSeconds ?? 60 },
  };
  try {
    return await handler(inv.event, context);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
