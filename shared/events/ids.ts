/** Resource ids as Alibaba issues them; anything else in an event is hostile or corrupt and is refused. */
const INSTANCE = /^i-[a-z0-9]{1,48}$/;
const ENI = /^eni-[a-z0-9]{1,48}$/;

export const isInstanceId = (v: unknown): v is string => typeof v === 'string' && INSTANCE.test(v);
export const isEniId = (v: unknown): v is string => typeof v === 'string' && ENI.test(v);
export { isRegionId } from '../domain.js';

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Short, printable, bounded: event text quoted back in logs and reasons can't forge lines or flood them. */
export function quote(v: unknown, max = 80): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
