import type { Session, Tags } from '../domain.js';

/** Tags every session automirror creates carries; a session without them is never modified or deleted. */
export const OWNER_TAG = 'automirror:managed-by';
export const OWNER_VALUE = 'automirror';
export const RULE_TAG = 'automirror:rule';

export const ownerTags = (rule: string): Tags => ({ [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: rule });

export const isOwned = (s: Session): boolean => s.tags[OWNER_TAG] === OWNER_VALUE;

export const ruleOf = (s: Session): string | undefined => (isOwned(s) ? s.tags[RULE_TAG] : undefined);
