import { defuseKeepingLines } from './text.js';

/** Markup that is already safe: only `html` makes it, so every other value is escaped on its way in. */
export class Html {
  constructor(readonly markup: string) {}
}

export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

/**
 * Text safe in element content and in double- or single-quoted attributes: markup escaped, controls and bidi
 * characters defused (line feeds and tabs kept: in HTML they are whitespace, in a `<pre>` the excerpt's own lines).
 */
export function escapeHtml(s: string): string {
  return defuseKeepingLines(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function piece(v: HtmlValue): string {
  if (v instanceof Html) return v.markup;
  if (Array.isArray(v)) return v.map(piece).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

/** A template whose interpolations are escaped unless they are `Html` themselves, so no value goes in raw by mistake. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? piece(values[i]) : ''), ''));
}
