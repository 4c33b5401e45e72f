import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { Path } from './problems.js';

/** A policy is a few kilobytes; anything near this is a mistake or an attack on the parser. */
export const MAX_POLICY_BYTES = 256 * 1024;
// Aliases let a small document expand exponentially ("billion laughs"); a policy needs few, if any.
const MAX_ALIAS_EXPANSION = 100;

/**
 * A policy nests a few levels; the YAML parser recurses once per level of `[` or `{`, so a hostile document of
 * a few kilobytes of brackets would reach the stack's limit. Refused before parsing (block nesting costs a line
 * per level, and the size limit bounds it).
 */
export const MAX_FLOW_DEPTH = 64;

/**
 * The offset where flow collections (`[`, `{`) first nest deeper than `limit`, or undefined. One pass over the
 * text, skipping quoted scalars and comments; text inside a block scalar is counted too, which can only refuse a
 * document holding more than `limit` unclosed brackets, never accept a deep one.
 */
function tooDeepAt(text: string, limit: number): number | undefined {
  let depth = 0;
  // A quote opens a quoted scalar only where a scalar may begin (`it's` is plain text).
  const opens = (i: number) => i === 0 || /[\s[{,:]/.test(text[i - 1]);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!opens(i) && (c === '"' || c === "'")) continue;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === "'") {
      for (i++; i < text.length; i++)
        if (text[i] === "'" && text[i + 1] !== "'") break;
        else if (text[i] === "'") i++;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > limit) return i;
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface ReadDocument {
  /** The document as plain data, when it parsed. */
  readonly value?: unknown;
  /** Problems of the text itself. */
  readonly syntax: ReadonlyArray<Position & { readonly message: string }>;
  /** Where the field at `path` is, or its nearest ancestor present in the text. */
  locate(path: Path): Position;
}

/** Reads one YAML (or JSON, which is YAML) document, keeping positions for the problems found in it later. */
export function readDocument(text: string): ReadDocument {
  const lineCounter = new LineCounter();
  const at = (offset: number): Position => lineCounter.linePos(offset);
  const start = { line: 1, col: 1 };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES) {
    return { syntax: [{ ...start, message: `the document is ${bytes} bytes; a policy may be at most ${MAX_POLICY_BYTES}` }], locate: () => start };
  }
  const deep = tooDeepAt(text, MAX_FLOW_DEPTH);
  if (deep !== undefined) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1 && i < deep; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    return { syntax: [{ ...at(deep), message: `flow collections nested deeper than ${MAX_FLOW_DEPTH} levels; refused` }], locate: () => start };
  }
  // Duplicate keys are found here, not by the parser: its uniqueKeys check compares each key with every earlier one
  // of its mapping (quadratic: seconds for a 200 KB mapping).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const locate = (path: Path) => at(offsetOf(doc, path));
  // Warnings too: an unresolved tag such as !!js/function would otherwise be read silently as a string.
  const syntax = [...doc.errors, ...doc.warnings].map((e) => ({ ...at(e.pos[0]), message: e.message })).concat(duplicateKeys(doc).map((o) => ({ ...at(o), message: 'Map keys must be unique' })));
  if (syntax.length > 0) return { syntax, locate };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION }), syntax, locate };
  } catch (err) {
    return { syntax: [{ ...start, message: `${(err as Error).message}; refused` }], locate };
  }
}

/** Where a key repeats one earlier in its mapping, by the parser's own rule (equal scalar values), in one pass. */
function duplicateKeys(doc: Document): number[] {
  const found: number[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) found.push(key.range?.[0] ?? 0);
        else seen.add(key.value);
      }
    },
  });
  return found;
}

/** Walks the YAML nodes along `path`; a field is located at its key, a list item at the item. */
function offsetOf(doc: Document, path: Path): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((it) => (isScalar(it.key) ? String(it.key.value) : it.key) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
