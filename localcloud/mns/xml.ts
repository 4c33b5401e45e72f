/**
 * A small XML reader/writer for MNS's flat documents (`<Message><MessageBody>…</MessageBody></Message>`).
 * Strict about structure (a stray `<` is an error), lenient about a bare `&`: @alicloud/mns never escapes
 * what it sends, and a body such as `a & b` is common enough to accept as the real service is reported to.
 */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? whole;
  });
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new XmlError(`${why} at offset ${i}`);
  };
  const past = (token: string): number => {
    const j = src.indexOf(token, i);
    return j < 0 ? fail(`missing ${token}`) : j + token.length;
  };
  const skipMisc = () => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (src.startsWith('<?', i)) i = past('?>');
      else if (src.startsWith('<!--', i)) i = past('-->');
      else return;
    }
  };
  const element = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(src.slice(i, i + 2048));
    if (!open) return fail('expected an element');
    i += open[0].length;
    const el: XmlElement = { name: open[1], children: [], text: '' };
    if (open[3] === '/') return el;
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${el.name}>`);
      el.text += decodeText(src.slice(i, lt));
      i = lt;
      if (src.startsWith('<![CDATA[', i)) {
        const end = past(']]>');
        el.text += src.slice(i + 9, end - 3);
        i = end;
      } else if (src.startsWith('<!--', i)) {
        i = past('-->');
      } else if (src.startsWith('</', i)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(src.slice(i, i + 512));
        if (!close || close[1] !== el.name) fail(`mismatched closing tag for <${el.name}>`);
        i += close![0].length;
        return el;
      } else {
        el.children.push(element());
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== src.length) fail('content after the root element');
  return root;
}

export const childText = (el: XmlElement, name: string): string | undefined => el.children.find((c) => c.name === name)?.text;

export type XmlValue = string | number | boolean | undefined | XmlFields | XmlFields[];
export interface XmlFields {
  [name: string]: XmlValue;
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Elements for each field, text escaped; a list repeats its element. */
export function renderFields(fields: XmlFields): string {
  let out = '';
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      out += `<${name}>${typeof item === 'object' ? renderFields(item) : escapeText(String(item))}</${name}>`;
    }
  }
  return out;
}

/** A whole MNS document in the service's namespace. */
export function renderXml(root: string, fields: XmlFields): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="http://mns.aliyuncs.com/doc/v1/">${renderFields(fields)}</${root}>`;
}
