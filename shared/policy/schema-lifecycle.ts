import { SCALING_GROUP_ID, TAG_KEY, TAG_VALUE } from './formats.js';
import { integer as integerSchema, type JsonSchema, list as listSchema, mapping as mappingSchema, text as textSchema } from './json-schema-parts.js';
import { has, integer, list, mapping, type Problems, show, text } from './problems.js';
import type { LifecycleHooksPolicy } from './types.js';

/** CreateLifecycleHook's HeartbeatTimeout: 30–21600 seconds, default 600 (ESS API reference, 2014-08-28). */
export const HEARTBEAT_TIMEOUT = { min: 30, max: 21600, default: 600 } as const;
export const LIFECYCLE_RESULTS: readonly LifecycleHooksPolicy['defaultResult'][] = ['CONTINUE', 'ABANDON'];
const AT = ['lifecycleHooks'];

/** `lifecycleHooks`: which scaling groups' scale-outs wait to be mirrored, and what happens when they can't be. */
export function parseLifecycleHooks(p: Problems, v: unknown): LifecycleHooksPolicy | undefined {
  const m = mapping(p, AT, v, [], ['scalingGroups', 'scalingGroupTag', 'defaultResult', 'heartbeatTimeout']);
  if (!m) return undefined;
  const groups = has(m, 'scalingGroups') ? list(p, [...AT, 'scalingGroups'], m.scalingGroups, (path, x) => text(p, path, x, SCALING_GROUP_ID)) : undefined;
  const tag = has(m, 'scalingGroupTag') ? parseGroupTag(p, m.scalingGroupTag) : undefined;
  if (!has(m, 'scalingGroups') && !has(m, 'scalingGroupTag')) p.add(AT, 'expected at least one of scalingGroups, scalingGroupTag');
  let defaultResult: LifecycleHooksPolicy['defaultResult'] | undefined = 'CONTINUE';
  if (has(m, 'defaultResult')) {
    defaultResult = LIFECYCLE_RESULTS.includes(m.defaultResult as 'CONTINUE') ? (m.defaultResult as LifecycleHooksPolicy['defaultResult']) : undefined;
    if (!defaultResult) p.add([...AT, 'defaultResult'], `expected CONTINUE or ABANDON, got ${show(m.defaultResult)}`);
  }
  const heartbeatTimeout = has(m, 'heartbeatTimeout') ? integer(p, [...AT, 'heartbeatTimeout'], m.heartbeatTimeout, HEARTBEAT_TIMEOUT.min, HEARTBEAT_TIMEOUT.max) : HEARTBEAT_TIMEOUT.default;
  if ((has(m, 'scalingGroups') && !groups) || (has(m, 'scalingGroupTag') && !tag) || (!groups && !tag) || !defaultResult || heartbeatTimeout === undefined) return undefined;
  return { ...(groups && { scalingGroups: groups }), ...(tag && { scalingGroupTag: tag }), defaultResult, heartbeatTimeout };
}

function parseGroupTag(p: Problems, v: unknown): LifecycleHooksPolicy['scalingGroupTag'] {
  const at = [...AT, 'scalingGroupTag'];
  const m = mapping(p, at, v, ['key'], ['value']);
  if (!m) return undefined;
  const key = text(p, [...at, 'key'], m.key, TAG_KEY);
  const value = has(m, 'value') ? text(p, [...at, 'value'], m.value, TAG_VALUE) : undefined;
  if (key === undefined || (has(m, 'value') && value === undefined)) return undefined;
  return { key, ...(value !== undefined && { value }) };
}

/** The same section as JSON Schema (policy.schema.json). */
export const lifecycleHooksSchema: JsonSchema = {
  ...mappingSchema("Auto Scaling groups whose scale-outs wait (a SCALE_OUT lifecycle hook `automirror setup` makes) until the new instances' ENIs are mirrored", {
    scalingGroups: listSchema(textSchema(SCALING_GROUP_ID, SCALING_GROUP_ID.what), 'scaling groups by id'),
    scalingGroupTag: mappingSchema('scaling groups by a tag they carry (any value when value is absent)', { key: textSchema(TAG_KEY, TAG_KEY.what), value: textSchema(TAG_VALUE, TAG_VALUE.what) }, [
      'key',
    ]),
    defaultResult: {
      description: "what the scale-out does when its instances can't be mirrored in time: CONTINUE (serve unmirrored, reported) or ABANDON (release them)",
      enum: LIFECYCLE_RESULTS,
      default: 'CONTINUE',
    },
    heartbeatTimeout: integerSchema(HEARTBEAT_TIMEOUT.min, HEARTBEAT_TIMEOUT.max, 'seconds the hook waits for mirroring (heartbeats extend the wait within this budget)', {
      default: HEARTBEAT_TIMEOUT.default,
    }),
  }),
  anyOf: [{ required: ['scalingGroups'] }, { required: ['scalingGroupTag'] }],
};
