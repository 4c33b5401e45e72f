import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { fcContext, fcContextData } from '../localcloud/fc/fc-context.cjs';
import { renderServerlessDoc } from '../localcloud/fc/syaml.js';
import { functionDirs } from '../scripts/build.js';
import type { StsCredentials } from '../shared/cloud/config.js';
import type { FcContext } from '../shared/middleware/fc-context.js';
import { writeErrorLines } from './terminal.js';

type Handler = (event: Buffer, context: FcContext) => Promise<unknown>;

const S_YAML = fileURLToPath(new URL('../s.yaml', import.meta.url));

/** The functions this repo deploys, by their folder under functions/ (s.yaml's resource keys). */
export const functionNames = () => functionDirs();

export interface LocalInvocation {
  /** A folder under functions/, e.g. `on-event`. */
  functionName: string;
  event: Buffer;
  region: string;
  accountId: string;
  credentials: StsCredentials;
  /** Environment on top of s.yaml's environmentVariables for the function (FC sets those). */
  env: Record<string, string>;
}

/** The function as s.yaml deploys it: its name, handler, memory, timeout and environment variables (`${env(…)}` from this environment, as `s deploy` renders them). */
function deployed(key: string, accountId: string) {
  const r = renderServerlessDoc(S_YAML, { accountId, env: process.env }).resources.find((x) => x.key === key);
  if (!r) throw new Error(`s.yaml has no resource "${key}"`);
  const p = r.props as { functionName: string; handler: string; memorySize: number; timeout: number; environmentVariables?: Record<string, string> };
  return { name: p.functionName, handler: p.handler, memory: Number(p.memorySize), timeout: Number(p.timeout), env: p.environmentVariables ?? {} };
}

/**
 * Runs one function in this process the way FC calls it: the event as a Buffer and the context FC 3.0 passes
 * (built by the same definition as localcloud's function instances). The function's environment (s.yaml's, then
 * `env`) is applied for the duration of the call and restored after.
 */
export async function invokeLocally(inv: LocalInvocation): Promise<unknown> {
  if (!functionNames().includes(inv.functionName)) throw new Error(`unknown function "${inv.functionName}"; known: ${functionNames().join(', ')}`);
  const { handler } = (await import(`../functions/${inv.functionName}/index.ts`)) as { handler: Handler };
  const fn = deployed(inv.functionName, inv.accountId);
  const env = { ...fn.env, ...inv.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const requestId = randomUUID();
  const data = fcContextData({
    requestId,
    credentials: inv.credentials,
    function: { name: fn.name, handler: fn.handler, memory: fn.memory, timeout: fn.timeout },
    region: inv.region,
    accountId: inv.accountId,
  });
  const context = fcContext(data, (line) => writeErrorLines([line]));
  try {
    return await handler(inv.event, context);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
