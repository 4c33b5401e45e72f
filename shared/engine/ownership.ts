import type { Session, Tags } from '../domain.js';

/** Tags every session automirror creates carries; a session without them is never modified or deleted. */
export const OWNER_TAG = 'automirror:managed-by';
export const OWNER_VALUE = 'automirror';
export const RULE_TAG = 'automirror:rule';
/**
 * On a per-ENI session, the instance its ENI was attached to at creation: once the instance is released its ENIs
 * can no longer be listed by instance, and this is how an event naming only the instance finds its sessions.
 * Informational otherwise (never drift): an ENI moved to another instance keeps a stale value, which is harmless.
 */
export const INSTANCE_TAG = 'automirror:instance';

export const ownerTags = (rule: string, instanceId?: string): Tags => ({ [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: rule, ...(instanceId && { [INSTANCE_TAG]: instanceId }) });

export const isOwned = (s: Session): boolean => s.tags[OWNER_TAG] === OWNER_VALUE;

export const ruleOf = (s: Session): string | undefined => (isOwned(s) ? s.tags[RULE_TAG] : undefined);

/** Whether `s` is automirror's live session of `rule` mirroring every one of `sources`. */
export const mirrors = (s: Session, rule: string, sources: readonly string[]): boolean => ruleOf(s) === rule && s.status !== 'Deleting' && sources.every((x) => s.sourceIds.includes(x));
