import { readFileSync } from 'node:fs';
import { type Position, readDocument } from './document.js';
import { formatPath, Problems } from './problems.js';
import { toPolicy } from './schema.js';
import type { Policy } from './types.js';

// Enough to fix a broken file in one pass; a hostile document can produce far more.
const MAX_LISTED = 200;

/** A refused policy: every problem, one line each, `source:line:col field: what was expected, got what`. */
export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid policy ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

/** Parses and validates a policy document (YAML or JSON): all of it, or a PolicyError listing every problem. */
export function parsePolicy(text: string, source = 'policy'): Policy {
  const doc = readDocument(text);
  if (doc.syntax.length > 0) throw refusal(source, doc.syntax);
  const p = new Problems();
  const policy = toPolicy(p, doc.value);
  if (!policy)
    throw refusal(
      source,
      p.list.map(({ path, message }) => ({ ...doc.locate(path), message: `${formatPath(path) || '(document)'}: ${message}` })),
    );
  return policy;
}

/** The problems in file order, as `source:line:col message`; a flood from a hostile document is cut short. */
function refusal(source: string, problems: ReadonlyArray<Position & { message: string }>): PolicyError {
  const lines = [...problems].sort((a, b) => a.line - b.line || a.col - b.col).map((x) => `${source}:${x.line}:${x.col} ${x.message}`);
  return new PolicyError(source, lines.length > MAX_LISTED ? [...lines.slice(0, MAX_LISTED), `… and ${lines.length - MAX_LISTED} more problems`] : lines);
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
