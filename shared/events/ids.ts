import { defuse } from '../report/text.js';

/** Resource ids as Alibaba issues them; anything else in an event is hostile or corrupt and is refused. */
const INSTANCE = /^i-[a-z0-9]{1,48}$/;
const ENI = /^eni-[a-z0-9]{1,48}$/;
const SESSION = /^tms-[a-z0-9]{1,48}$/;
const LOAD_BALANCER = /^lb-[a-z0-9]{1,48}$/;

export const isInstanceId = (v: unknown): v is string => typeof v === 'string' && INSTANCE.test(v);
export const isEniId = (v: unknown): v is string => typeof v === 'string' && ENI.test(v);
export const isSessionId = (v: unknown): v is string => typeof v === 'string' && SESSION.test(v);
export const isLoadBalancerId = (v: unknown): v is string => typeof v === 'string' && LOAD_BALANCER.test(v);
export { isRegionId } from '../domain.js';

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * A field of untrusted data, only when the object itself has it: `__proto__`, `constructor` or `toString`
 * find nothing rather than a member of Object.prototype.
 */
export const own = (o: unknown, key: string): unknown => (isObj(o) && Object.hasOwn(o, key) ? o[key] : undefined);

/** Limits of one event as parsed data: far above any real event, far below what could exhaust the stack or the heap. */
export const EVENT_LIMITS = { depth: 32, nodes: 20_000, stringChars: 64 * 1024 } as const;

/**
 * Why a value (parsed JSON) is too big or too deep to read, or undefined when it is within `limits`. Iterative
 * (an explicit stack, no recursion) and visiting each node at most once, stopping at the first limit passed, so a
 * hostile value costs at most `limits.nodes` steps whatever its shape. `visited` reports the work done.
 */
export function tooBig(value: unknown, limits: { depth: number; nodes: number; stringChars: number } = EVENT_LIMITS, visited?: { nodes: number }): string | undefined {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  let nodes = 0;
  try {
    while (stack.length > 0) {
      const { v, d } = stack.pop() as { v: unknown; d: number };
      nodes += 1;
      if (nodes > limits.nodes) return `more than ${limits.nodes} values`;
      if (typeof v === 'string') {
        if (v.length > limits.stringChars) return `a string of ${v.length} characters (at most ${limits.stringChars})`;
        continue;
      }
      if (typeof v !== 'object' || v === null) continue;
      if (d >= limits.depth) return `nested deeper than ${limits.depth} levels`;
      const children = Array.isArray(v) ? v : Object.values(v);
      if (nodes + stack.length + children.length > limits.nodes) return `more than ${limits.nodes} values`;
      for (const c of children) stack.push({ v: c, d: d + 1 });
    }
    return undefined;
  } finally {
    if (visited) visited.nodes = nodes;
  }
}

/**
 * A bounded, printable rendering of any value: at most about `max` characters, built iteratively without
 * calling anything the value provides (no toString, toJSON or getters of its own), so neither depth nor a
 * `{"toString": null}` can make it throw.
 */
function render(v: unknown, max: number): string {
  let out = '';
  const stack: unknown[] = [v];
  const CLOSE = Symbol('close');
  while (stack.length > 0 && out.length <= max) {
    const x = stack.pop();
    if (typeof x === 'object' && x !== null && (x as { [CLOSE]?: string })[CLOSE] !== undefined) {
      out += (x as { [CLOSE]: string })[CLOSE];
      continue;
    }
    if (typeof x === 'string') out += JSON.stringify(x.length > max ? x.slice(0, max + 1) : x);
    else if (typeof x === 'number' || typeof x === 'boolean' || x === null) out += x === null ? 'null' : `${x}`;
    else if (typeof x === 'bigint') out += `${x}`;
    else if (Array.isArray(x)) {
      out += '[';
      stack.push({ [CLOSE]: ']' });
      const n = Math.min(x.length, max);
      for (let i = n - 1; i >= 0; i--) {
        stack.push(x[i]);
        if (i > 0) stack.push({ [CLOSE]: ',' });
      }
    } else if (typeof x === 'object') {
      out += '{';
      stack.push({ [CLOSE]: '}' });
      const keys = Object.keys(x as object).slice(0, max);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push((x as Record<string, unknown>)[keys[i]]);
        stack.push({ [CLOSE]: `${JSON.stringify(keys[i])}:` });
        if (i > 0) stack.push({ [CLOSE]: ',' });
      }
    } else out += typeof x; // undefined, function, symbol
  }
  return out;
}

/** Short, printable, bounded: event text quoted back in logs and reasons can't forge lines or flood them. */
export function quote(v: unknown, max = 80): string {
  const s = typeof v === 'string' ? v.slice(0, max + 1) : render(v, max);
  const clean = defuse(s);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** A request parameter as ActionTrail records it: flat (`ResourceId.1`), or as a list. */
export function listParam(params: Record<string, unknown>, name: string): unknown[] {
  const direct = own(params, name);
  if (Array.isArray(direct)) return direct;
  if (direct !== undefined) return [direct];
  const flat = new RegExp(`^${name}\\.(\\d{1,6})$`);
  const found: Array<[number, unknown]> = [];
  for (const k of Object.keys(params)) {
    const m = flat.exec(k);
    if (m) found.push([Number(m[1]), params[k]]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}
