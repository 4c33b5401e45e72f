import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** A trigger as s.yaml (fc3) and the FC 3.0 API declare it; triggerConfig is an object here. */
export interface TriggerSpec {
  triggerName: string;
  triggerType: string;
  qualifier?: string;
  sourceArn?: string;
  invocationRole?: string;
  description?: string;
  triggerConfig: Record<string, unknown>;
}

export interface AsyncInvokeConfig {
  maxAsyncRetryAttempts?: number;
  maxAsyncEventAgeInSeconds?: number;
  destinationConfig?: { onSuccess?: { destination?: string }; onFailure?: { destination?: string } };
  asyncTask?: boolean;
}

export interface FunctionSpec {
  /** The resource key in s.yaml. */
  resource: string;
  functionName: string;
  region: string;
  runtime: string;
  handler: string;
  /** Absolute directory of the built code. */
  codeDir: string;
  timeout: number;
  memorySize: number;
  description: string;
  role?: string;
  environmentVariables: Record<string, string>;
  asyncInvokeConfig: AsyncInvokeConfig;
  triggers: TriggerSpec[];
}

export interface ServerlessApp {
  /** The app's `name`; FC 2.0 callers see its functions as one service of that name. */
  name: string;
  path: string;
  functions: FunctionSpec[];
}

export class SYamlError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'SYamlError';
  }
}

export interface RenderContext {
  accountId: string;
  env: Record<string, string | undefined>;
}

/** Runtimes localcloud can run: fc3's Node.js enum (nodejs22 does not exist on FC 3.0). */
const NODE_RUNTIMES = new Set(['nodejs20', 'nodejs18', 'nodejs16', 'nodejs14', 'nodejs12']);

/** An fc3 resource of s.yaml with its props rendered, as the component receives them. */
export interface RenderedResource {
  key: string;
  component: string;
  props: Record<string, unknown>;
  actions: unknown;
}

/** `actions` are the global actions (run once per command, around all the resources). */
type RenderedDoc = { path: string; name: string; actions: unknown; resources: RenderedResource[] };

/** Renders s.yaml as `s deploy` does (`${vars.x}`, `${config(...)}`, `${env(...)}`, `${path(...)}`, `${this.props.x}`). */
export function renderServerlessDoc(file: string, ctx: RenderContext): RenderedDoc {
  const problems: string[] = [];
  const doc = renderInto(file, ctx, problems);
  if (problems.length > 0) throw new SYamlError(doc.path, problems);
  return doc;
}

/** Renders, collecting problems instead of stopping at them, so one refusal can list them all. */
function renderInto(file: string, ctx: RenderContext, problems: string[]): RenderedDoc {
  const path = resolve(file);
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new SYamlError(path, [(err as Error).message]);
  }
  if (!doc || typeof doc !== 'object') throw new SYamlError(path, ['not a YAML mapping']);
  const base = { ...ctx, baseDir: dirname(path) };
  const vars = render(doc.vars ?? {}, { ...base, vars: {} }, 'vars', problems) as Record<string, unknown>;
  const resources = (doc.resources ?? {}) as Record<string, { component?: string; props?: Record<string, unknown>; actions?: unknown }>;
  const rendered: RenderedResource[] = [];
  for (const [key, res] of Object.entries(resources)) {
    if (typeof res?.component !== 'string' || !/^fc3(@|$)/.test(res.component)) continue;
    const props = render(res.props ?? {}, { ...base, vars }, `resources.${key}.props`, problems) as Record<string, unknown>;
    // `${this.props.x}` refers to the resource's own (rendered) props.
    const withSelf = render(props, { ...base, vars, self: props }, `resources.${key}.props`, problems) as Record<string, unknown>;
    const actions = render(res.actions ?? {}, { ...base, vars, self: withSelf }, `resources.${key}.actions`, problems);
    rendered.push({ key, component: res.component, props: withSelf, actions });
  }
  const actions = render(doc.actions ?? {}, { ...base, vars }, 'actions', problems);
  return { path, name: String(doc.name ?? 'default'), actions, resources: rendered };
}

/** Loads an s.yaml as `s deploy` reads it: variables rendered, fc3 resources turned into functions. */
export function loadServerlessApp(file: string, ctx: RenderContext): ServerlessApp {
  const problems: string[] = [];
  const doc = renderInto(file, ctx, problems);
  const functions: FunctionSpec[] = [];
  for (const r of doc.resources) {
    const fn = toFunction(r.key, r.props, dirname(doc.path), problems);
    if (fn) functions.push(fn);
  }
  const names = functions.map((f) => f.functionName);
  for (const dup of names.filter((n, i) => names.indexOf(n) !== i)) problems.push(`functionName "${dup}" is declared twice`);
  if (problems.length > 0) throw new SYamlError(doc.path, problems);
  return { name: doc.name, path: doc.path, functions };
}

interface Scope extends RenderContext {
  /** The s.yaml's directory: `${path('x')}` is resolved from there. */
  baseDir: string;
  vars: Record<string, unknown>;
  self?: Record<string, unknown>;
}

const EXPR = /\$\{([^{}]+)\}/g;

function render(value: unknown, scope: Scope, at: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^{}]+)\}$/.exec(value);
    if (whole) return evaluate(whole[1].trim(), scope, at, problems) ?? value;
    return value.replace(EXPR, (m, expr: string) => {
      const v = evaluate(expr.trim(), scope, at, problems);
      return v === undefined ? m : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => render(v, scope, `${at}[${i}]`, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, scope, `${at}.${k}`, problems)]));
  }
  return value;
}

/** The Serverless Devs 3 expressions automirror's s.yaml may use; anything else is reported, not guessed. */
function evaluate(expr: string, scope: Scope, at: string, problems: string[]): unknown {
  const path = (root: unknown, keys: string[]) => keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), root);
  let m: RegExpExecArray | null;
  if ((m = /^vars\.([\w.-]+)$/.exec(expr))) {
    const v = path(scope.vars, m[1].split('.'));
    if (v === undefined) problems.push(`${at}: \${${expr}} is not defined under vars`);
    return v;
  }
  if ((m = /^this\.props\.([\w.-]+)$/.exec(expr))) return scope.self ? path(scope.self, m[1].split('.')) : undefined;
  if ((m = /^config\(\s*['"]?(\w+)['"]?\s*\)$/.exec(expr))) {
    if (m[1] === 'AccountID') return scope.accountId;
    problems.push(`${at}: \${${expr}} is not available in localcloud (only AccountID is)`);
    return undefined;
  }
  // Serverless Devs 3: the absolute path of an existing file or directory, relative to the s.yaml.
  if ((m = /^path\(\s*['"]([^'"]+)['"]\s*\)$/.exec(expr))) {
    const abs = resolve(scope.baseDir, m[1]);
    if (!existsSync(abs)) problems.push(`${at}: \${${expr}}: ${abs} does not exist`);
    return abs;
  }
  if ((m = /^env\(\s*['"]?([\w.-]+)['"]?\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)$/.exec(expr))) {
    const v = scope.env[m[1]] ?? m[2];
    if (v === undefined) problems.push(`${at}: environment variable ${m[1]} is not set and \${${expr}} has no default`);
    return v;
  }
  problems.push(`${at}: unsupported expression \${${expr}}`);
  return undefined;
}

function toFunction(resource: string, p: Record<string, unknown>, baseDir: string, problems: string[]): FunctionSpec | undefined {
  const at = `resources.${resource}.props`;
  const missing = ['region', 'functionName', 'runtime', 'code', 'handler'].filter((k) => p[k] === undefined || p[k] === '');
  if (missing.length > 0) {
    problems.push(`${at}: missing ${missing.join(', ')}`);
    return undefined;
  }
  const runtime = String(p.runtime);
  if (!NODE_RUNTIMES.has(runtime)) problems.push(`${at}.runtime: "${runtime}" cannot run in localcloud (Node.js runtimes only: ${[...NODE_RUNTIMES].join(', ')})`);
  if (typeof p.code !== 'string') problems.push(`${at}.code: localcloud runs local code directories only`);
  const timeout = p.timeout === undefined ? 3 : Number(p.timeout);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 86400) problems.push(`${at}.timeout: ${p.timeout} is not in 1..86400`);
  const memorySize = p.memorySize === undefined ? 512 : Number(p.memorySize);
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 32768 || memorySize % 64 !== 0) {
    problems.push(`${at}.memorySize: ${p.memorySize} is not a multiple of 64 in 128..32768`);
  }
  const asyncInvokeConfig = (p.asyncInvokeConfig ?? {}) as AsyncInvokeConfig;
  const retries = asyncInvokeConfig.maxAsyncRetryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 8)) problems.push(`${at}.asyncInvokeConfig.maxAsyncRetryAttempts: ${retries} is not in 0..8`);
  const env = (p.environmentVariables ?? {}) as Record<string, unknown>;
  const triggers = Array.isArray(p.triggers) ? (p.triggers as TriggerSpec[]) : [];
  triggers.forEach((t, i) => {
    if (!t?.triggerName || !t?.triggerType) problems.push(`${at}.triggers[${i}]: triggerName and triggerType are required`);
  });
  return {
    resource,
    functionName: String(p.functionName),
    region: String(p.region),
    runtime,
    handler: String(p.handler),
    codeDir: resolve(baseDir, String(p.code)),
    timeout,
    memorySize,
    description: String(p.description ?? ''),
    role: p.role === undefined ? undefined : String(p.role),
    environmentVariables: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    asyncInvokeConfig,
    triggers: triggers.map((t) => ({ ...t, triggerConfig: (t.triggerConfig ?? {}) as Record<string, unknown> })),
  };
}
