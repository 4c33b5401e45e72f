import type { CloudEvent } from '../events/cloud-event.js';
import type { TargetSpec } from './rules.js';

/** `$.data.x[0]` style paths: the subset EventBridge's JSONPATH transforms use. */
export function jsonPath(root: unknown, path: string): unknown {
  if (path === '$') return root;
  if (!path.startsWith('$.') && !path.startsWith('$[')) return undefined;
  const keys = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g)].map((m) => m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]));
  return keys.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string | number, unknown>)[k] : undefined), root);
}

const asText = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/**
 * A target's parameters after EventBridge's transforms (ParamList: ORIGINAL, CONSTANT, JSONPATH, TEMPLATE),
 * keyed by lower-cased ResourceKey. `body` defaults to the whole event.
 */
export function targetParams(target: TargetSpec, event: CloudEvent): Record<string, string> {
  const out: Record<string, string> = { body: JSON.stringify(event) };
  for (const p of target.ParamList ?? []) {
    const key = p.ResourceKey.toLowerCase();
    switch (p.Form) {
      case 'ORIGINAL':
        out[key] = JSON.stringify(event);
        break;
      case 'CONSTANT':
        out[key] = p.Value ?? '';
        break;
      case 'JSONPATH':
        out[key] = asText(jsonPath(event, p.Value ?? '$'));
        break;
      case 'TEMPLATE': {
        let vars: Record<string, string> = {};
        try {
          vars = JSON.parse(p.Value ?? '{}');
        } catch {
          throw new Error(`target ${target.Id}: TEMPLATE Value for ${p.ResourceKey} is not a JSON object`);
        }
        out[key] = (p.Template ?? '').replace(/\$\{(\w+)\}/g, (_, name: string) => asText(jsonPath(event, vars[name] ?? '')));
        break;
      }
      default:
        throw new Error(`target ${target.Id}: unknown ParamList Form "${p.Form}"`);
    }
  }
  return out;
}
