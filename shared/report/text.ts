/**
 * Bounding and defusing strings that come from the cloud or from events (tags, names, ids, error messages), for
 * every rendering: terminals (cli/terminal.ts), logs (shared/events/ids.ts quote), Markdown and HTML.
 */

/** The first `n` characters, never ending on half a surrogate pair. */
export function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  const end = /[\uD800-\uDBFF]/.test(s[n - 1] ?? '') ? n - 1 : n;
  return s.slice(0, Math.max(0, end));
}

/** At most `n` characters, with an ellipsis where it was cut. */
export function clip(s: string, n: number): string {
  return s.length <= n ? s : `${cut(s, n - 1)}…`;
}

/**
 * What a hostile string could steer a reader with: C0 controls (ESC starts ANSI sequences, CR/LF forge lines), DEL,
 * C1 controls (U+009B is a one-character CSI to many terminals), the line and paragraph separators, and the
 * bidirectional marks, embeddings, overrides and isolates that make one id read as another ("Trojan source").
 */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/g;
/** The same, less tab and line feed: for text whose line breaks are layout (an HTML `<pre>`), not commands. */
const UNSAFE_BUT_LINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/g;

/** Each control or bidi character becomes U+FFFD, visibly: the result is one inert line whatever `s` held. */
export function defuse(s: string): string {
  return s.replace(UNSAFE, '\uFFFD');
}

/** {@link defuse}, keeping tabs and line feeds: for renderings where a line break cannot be mistaken for output of ours. */
export function defuseKeepingLines(s: string): string {
  return s.replace(UNSAFE_BUT_LINES, '\uFFFD');
}

/** What JSON.stringify leaves raw of {@link UNSAFE} (it escapes C0 controls itself): DEL, C1, separators, bidi. */
const RAW_IN_JSON = /[\u007F-\u009F\u2028\u2029\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/g;

/** JSON text with those characters as `\uXXXX` escapes: the same document, and inert when printed or `cat`. */
export function defuseJson(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
