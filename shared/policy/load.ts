import { readFileSync } from 'node:fs';
import { type Position, readDocument } from './document.js';
import { formatPath, Problems } from './problems.js';
import { toPolicy } from './schema.js';
import type { Policy } from './types.js';

// Enough to fix a broken file in one pass; a hostile document can produce far more, which are counted, not listed.
const MAX_LISTED = 200;

/**
 * A refused policy: its problems, one line each, `source:line:col field: what was expected, got what` (at most
 * MAX_LISTED, then a line saying how many more); `count` is how many there were in all.
 */
export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
    readonly count = problems.length,
  ) {
    super(`invalid policy ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

/** Parses and validates a policy document (YAML or JSON): all of it, or a PolicyError listing every problem. */
export function parsePolicy(text: string, source = 'policy'): Policy {
  const doc = readDocument(text);
  if (doc.syntax.length > 0) throw refusal(source, doc.syntax);
  // Only the problems listed are located (a walk of the document each): the rest are counted.
  const p = new Problems(MAX_LISTED);
  const policy = toPolicy(p, doc.value);
  if (!policy)
    throw refusal(
      source,
      p.list.map(({ path, message }) => ({ ...doc.locate(path), message: `${formatPath(path) || '(document)'}: ${message}` })),
      p.more,
    );
  return policy;
}

/** The problems in file order, as `source:line:col message`; a flood from a hostile document is cut short. */
function refusal(source: string, problems: ReadonlyArray<Position & { message: string }>, uncounted = 0): PolicyError {
  const lines = [...problems].sort((a, b) => a.line - b.line || a.col - b.col).map((x) => `${source}:${x.line}:${x.col} ${x.message}`);
  const more = Math.max(0, lines.length - MAX_LISTED) + uncounted;
  return new PolicyError(source, more > 0 ? [...lines.slice(0, MAX_LISTED), `… and ${more} more problems`] : lines, lines.length + uncounted);
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(path, [`${path}: ${(err as Error).message}`]);
  }
  return parsePolicy(text, path);
}
