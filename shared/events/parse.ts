import type { Subject } from '../domain.js';

/** Input we will never be able to handle: logged and dropped, so FC does not retry it forever. */
export class BadInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadInput';
  }
}

export type Parsed = { readonly subject: Subject; readonly eventId: string } | { readonly ignored: string; readonly eventId?: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** States after which the instance's ENIs can be mirrored. */
const ENSURE_STATES = new Set(['Running']);

/**
 * An EventBridge ECS event → the subject to reconcile. ecs:Instance:StateChange carries its fields either under
 * `data` or under `data.content` (no verbatim sample exists; events-and-functions.md §2.1), so both are read.
 */
export function parseEvent(event: unknown, defaultRegion: string): Parsed {
  if (!isObj(event)) throw new BadInput('event is not a JSON object');
  const id = str(event.id);
  const type = str(event.type);
  if (!id || !type) throw new BadInput('event has no "id" or "type" (not a CloudEvent)');
  if (event.source !== 'acs.ecs') return { ignored: `source ${String(event.source)} is not acs.ecs`, eventId: id };
  const regionId = str(event.aliyunregionid) ?? defaultRegion;
  if (type === 'ecs:Instance:StateChange') {
    if (!isObj(event.data)) throw new BadInput('ecs:Instance:StateChange without a data object');
    const fields = isObj(event.data.content) ? event.data.content : event.data;
    const instanceId = str(fields.resourceId);
    const state = str(fields.state);
    if (!instanceId || !/^i-[a-z0-9]+$/.test(instanceId)) throw new BadInput('ecs:Instance:StateChange without a valid data.resourceId');
    if (!state) throw new BadInput('ecs:Instance:StateChange without data.state');
    if (!ENSURE_STATES.has(state)) return { ignored: `instance state ${state} needs no action`, eventId: id };
    return { eventId: id, subject: { regionId, instanceIds: [instanceId], eniIds: [], cause: `${type} ${state} (${id})` } };
  }
  return { ignored: `event type ${type} is not handled`, eventId: id };
}
