import { readFileSync } from 'node:fs';
import { type Position, readDocument } from './document.js';
import { formatPath, type Path, Problems } from './problems.js';
import { toPolicy } from './schema.js';
import type { Policy } from './types.js';

// Enough to fix a broken file in one pass; a hostile document can produce far more, which are counted, not listed.
const MAX_LISTED = 200;

/** One problem of a policy: where it is (none when the file could not be read), the field (none for the text's own), what. */
export interface PolicyProblem {
  readonly line?: number;
  readonly col?: number;
  readonly path?: Path;
  readonly message: string;
}

/** `rules[0].mirror.priority.max`, or `(document)` for the document as a whole. */
export const fieldOf = (path: Path): string => formatPath(path) || '(document)';

/**
 * A refused policy: `listed` holds its problems in file order (at most MAX_LISTED), `count` how many there were in
 * all; `problems` says them one line each, `source:line:col field: what was expected, got what`, then how many more.
 */
export class PolicyError extends Error {
  readonly problems: string[];

  constructor(
    readonly source: string,
    readonly listed: readonly PolicyProblem[],
    readonly count = listed.length,
  ) {
    const lines = listed.map((x) => `${source}:${x.line === undefined ? '' : `${x.line}:${x.col}`} ${x.path === undefined ? '' : `${fieldOf(x.path)}: `}${x.message}`);
    const problems = count > listed.length ? [...lines, `… and ${count - listed.length} more problems`] : lines;
    super(`invalid policy ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
    this.problems = problems;
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
      p.list.map(({ path, message }) => ({ ...doc.locate(path), path, message })),
      p.more,
    );
  return policy;
}

/** The problems in file order; a flood from a hostile document is cut short. */
function refusal(source: string, problems: ReadonlyArray<Position & PolicyProblem>, uncounted = 0): PolicyError {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
  return new PolicyError(source, sorted.slice(0, MAX_LISTED), sorted.length + uncounted);
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(path, [{ message: (err as Error).message }]);
  }
  return parsePolicy(text, path);
}
