import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failedEventFrom } from '../../shared/report/failed-event.js';
import { renderHtml } from '../../shared/report/html.js';
import { PAGE_SCRIPT } from '../../shared/report/html-script.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { EXCERPT_CHARS } from '../../shared/report/model.js';
import { clip, cut, defuse } from '../../shared/report/text.js';
import { builder, fcFailure } from './fixture.js';

// Issue 11, item 7: the failed-event parser and the report renderers on random and adversarial text, seeded and
// bounded (a failure names its seed and shrinks). Hostile strings carry a marker tag, `<zq`, that the input alone
// can put in a page: when it shows up unescaped, a string from the cloud or an event became markup.

const RUNS = { seed: 20261203, numRuns: 150 };
const MARKER = '<zq';

/** Text a tag, an error or an event body could hold: markup, Markdown, controls, bidi, astral characters, the marker. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        MARKER,
        '<zq onerror=alert(1)>',
        '</td>',
        '</pre>',
        '<script>',
        '"',
        "'",
        '&',
        '&lt;',
        '|',
        '`',
        '*',
        '_',
        '[x](http://e.vil)',
        '\n',
        '\r\n',
        '\u0000',
        '\u202e',
        '\u2066',
        '\u200b',
        '\ud83d\ude00',
        '\ud800',
        '\udfff',
        `\${x}`,
        '{{x}}',
      ),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** Bodies for the failed-events queue: text, FC's record with hostile parts, and nesting. */
const body = fc.oneof(
  hostileText,
  fc.tuple(fc.string({ maxLength: 10 }), hostileText).map(([id, error]) => fcFailure(id, error)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.record({ requestContext: fc.jsonValue({ maxDepth: 2 }), requestPayload: fc.jsonValue({ maxDepth: 4 }), responsePayload: fc.jsonValue({ maxDepth: 2 }) }).map((r) => JSON.stringify(r)),
  fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean()).map(([depth, asText]) => {
    const nested = `${'['.repeat(depth)}{"id":"e1"}${']'.repeat(depth)}`;
    return `{"requestContext":{"requestId":"r1"},"requestPayload":${asText ? JSON.stringify(nested) : depth <= 5000 ? nested : '[]'}}`;
  }),
);

function reportWith(strings: string[], bodies: string[]) {
  const b = builder('enforce');
  strings.forEach((s, i) => {
    b.addCoverage({ state: 'unmirrored', eniId: `eni-${s}`, regionId: 'cn-hangzhou', instanceId: s, rule: s, reason: s });
    b.addCoverage({ state: 'excluded', eniId: `eni-x${i}${s}`, regionId: 'cn-hangzhou', reason: `opt-out tag mirror=${s}` });
    b.addItem({ kind: 'eni', id: `eni-${s}`, regionId: 'cn-hangzhou', rule: s, fields: [{ field: s, wanted: s, actual: s }], action: { kind: 'create', reason: s, status: 'failed', error: s } });
    b.addError({ context: s, code: s, message: s, regionId: 'cn-hangzhou' });
  });
  bodies.forEach((text, i) => b.addFailedEvent(failedEventFrom({ id: `msg-${i}`, body: text })));
  return b.finish();
}

describe('failedEventFrom, on random and hostile bodies', () => {
  it('never throws, keeps the message id, and bounds what it keeps', () => {
    fc.assert(
      fc.property(body, fc.option(fc.oneof(fc.date({ noInvalidDate: false }), fc.string(), fc.integer())), (text, enqueuedAt) => {
        const e = failedEventFrom({ id: 'm1', body: text, ...(enqueuedAt === null ? {} : { enqueuedAt: enqueuedAt as Date | string }) });
        expect(e.messageId).toBe('m1');
        expect(e.bodyLength).toBe(text.length);
        expect(e.excerpt.length).toBeLessThanOrEqual(EXCERPT_CHARS);
        expect(e.error.length).toBeLessThanOrEqual(500);
        expect(e.origin?.count ?? 0).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('describes a batch by its first event, however deeply the payload nests', () => {
    let nested = '{"id":"e1","type":"ecs:Instance:StateChange"}';
    for (let i = 0; i < 20_000; i++) nested = `[${nested}]`;
    const e = failedEventFrom({ id: 'm1', body: JSON.stringify({ requestContext: { requestId: 'r1' }, requestPayload: nested }) });
    expect(e).toMatchObject({ messageId: 'm1', requestId: 'r1', origin: { count: 1 } });
    const flat = failedEventFrom({ id: 'm2', body: JSON.stringify({ requestContext: {}, requestPayload: [{ id: 'e2', __proto__: null, type: 't' }, 1] }) });
    expect(flat.origin).toEqual({ id: 'e2', type: 't', count: 2 });
  });
});

describe('the renderers, on hostile strings', () => {
  it('HTML: never throws, and no markup from the input survives (no unescaped "<" of it)', () => {
    fc.assert(
      fc.property(fc.array(hostileText, { minLength: 1, maxLength: 4 }), fc.array(body, { maxLength: 3 }), (strings, bodies) => {
        const page = renderHtml(
          reportWith(
            strings.map((s) => `${MARKER}${s}`),
            bodies.map((b) => `${MARKER}${b}`),
          ),
        );
        expect(page).not.toContain(MARKER);
        expect(page).not.toMatch(/\u202e|\u2066/i);
        // The one script is the page's own, the one its content security policy allows by hash.
        expect(page.match(/<script/gi)).toHaveLength(1);
        expect(page).toContain(`<script>${PAGE_SCRIPT}</script>`);
      }),
      { ...RUNS, numRuns: 80 },
    );
  });

  it('Markdown: never throws, stays within its size, every "<" of the input escaped and every line of it kept on one line', () => {
    fc.assert(
      fc.property(fc.array(hostileText, { minLength: 1, maxLength: 4 }), fc.array(body, { maxLength: 3 }), (strings, bodies) => {
        const md = renderMarkdown(
          reportWith(
            strings.map((s) => `${MARKER}${s}`),
            bodies.map((b) => `${MARKER}${b}`),
          ),
        );
        expect(md).not.toMatch(/(^|[^\\])<zq/);
        expect(md).not.toMatch(/\u202e|\u2066|\u0000/);
        for (const line of md.split('\n')) if (line.startsWith('|')) expect(line.endsWith('|')).toBe(true);
      }),
      { ...RUNS, numRuns: 80 },
    );
  });

  it('cut, clip and defuse: bounded, never half a surrogate pair at the cut, no bidi control left', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (s, n) => {
        const c = cut(s, n);
        expect(c.length).toBeLessThanOrEqual(n);
        expect(s.startsWith(c)).toBe(true);
        if (c.length < s.length && c.length > 0) expect(/[\ud800-\udbff]$/.test(c)).toBe(false);
        expect(clip(s, n).length).toBeLessThanOrEqual(n);
        expect(defuse(s)).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/);
      }),
      RUNS,
    );
  });
});
