import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { fcContext, fcContextData } from '../localcloud/fc/fc-context.cjs';
import { renderServerlessDoc } from '../localcloud/fc/syaml.js';
import { functionDirs } from '../scripts/build.js';
import type { StsCredentials } from '../shared/cloud/config.js';
import type { FcContext } from '../shared/middleware/fc-context.js';
import { UsageError } from './args.js';
import { writeErrorLines } from './terminal.js';

type Handler = (event: Buffer, context: FcContext) => Promise<unknown>;

const S_YAML = fileURLToPath(new URL('../s.yaml', import.meta.url));

/** The functions this repo deploys, by their folder under functions/ (s.yaml's resource keys). */
export const functionNames = () => functionDirs();

export interface LocalInvocation {
  /** A function of s.yaml: its folder under functions/ (its resource key, e.g. `on-event`) or its deployed name (`automirror-on-event`). */
  functionName: string;
  event: Buffer;
  region: string;
  accountId: string;
  credentials: StsCredentials;
  /** Environment on top of s.yaml's environmentVariables for the function (FC sets those). */
  env: Record<string, string>;
  /**
   * FC keeps what a function writes to stdout as its log (its JSON log lines). With this, that log goes to stderr
   * for the duration of the call, so the caller's stdout can carry the result alone (`automirror invoke`).
   */
  logsToStderr?: boolean;
}

/**
 * The function as s.yaml deploys it, named by its resource key (its folder under functions/) or its functionName:
 * its handler, memory, timeout and environment variables (`${env(…)}` from this environment, as `s deploy` renders them).
 */
function deployed(name: string, accountId: string) {
  const resources = renderServerlessDoc(S_YAML, { accountId, env: process.env }).resources.filter((x) => functionNames().includes(x.key));
  const r = resources.find((x) => x.key === name || (x.props as { functionName?: unknown }).functionName === name);
  if (!r) throw new UsageError(`unknown function "${name}"; s.yaml's: ${resources.map((x) => `${x.key} (${(x.props as { functionName: string }).functionName})`).join(', ')}`);
  const p = r.props as { functionName: string; handler: string; memorySize: number; timeout: number; environmentVariables?: Record<string, string> };
  return { dir: r.key, name: p.functionName, handler: p.handler, memory: Number(p.memorySize), timeout: Number(p.timeout), env: p.environmentVariables ?? {} };
}

/**
 * Runs one function in this process the way FC calls it: the event as a Buffer and the context FC 3.0 passes
 * (built by the same definition as localcloud's function instances). The function's environment (s.yaml's, then
 * `env`) is applied for the duration of the call and restored after.
 */
export async function invokeLocally(inv: LocalInvocation): Promise<unknown> {
  const fn = deployed(inv.functionName, inv.accountId);
  const { handler } = (await import(`../functions/${fn.dir}/index.ts`)) as { handler: Handler };
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
  const stdoutWrite = process.stdout.write;
  if (inv.logsToStderr) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await handler(inv.event, context);
  } finally {
    process.stdout.write = stdoutWrite;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
