import type { Session, Tags } from '../domain.js';

/** Tags every session automirror creates carries; a session without them is never modified or deleted. */
export const OWNER_TAG = 'automirror:managed-by';
export const OWNER_VALUE = 'automirror';
export const RULE_TAG = 'automirror:rule';

export const ownerTags = (rule: string): Tags => ({ [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: rule });

export const isOwned = (s: Session): boolean => s.tags[OWNER_TAG] === OWNER_VALUE;

export const ruleOf = (s: Session): string | undefined => (isOwned(s) ? s.tags[RULE_TAG] : undefined);

/** Whether `s` is automirror's live session of `rule` mirroring every one of `sources`. */
export const mirrors = (s: Session, rule: string, sources: readonly string[]): boolean =>
  ruleOf(s) === rule && s.status !== 'Deleting' && sources.every((x) => s.sourceIds.includes(x));
