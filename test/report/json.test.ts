import { describe, expect, it } from 'vitest';
import { failedEventFrom } from '../../shared/report/failed-event.js';
import { entryOf, MAX_BODY_CHARS } from '../../shared/report/failed-queue.js';
import { parseReport, renderJson } from '../../shared/report/json.js';
import { type DriftReport, EXCERPT_CHARS } from '../../shared/report/model.js';
import { InvalidReportError } from '../../shared/report/validate.js';
import { at, fcFailure, sampleReport } from './fixture.js';

/** The same report with every object's keys in reverse order, as another producer might write it. */
function shuffled<T>(v: T): T {
  if (Array.isArray(v)) return v.map(shuffled) as T;
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, shuffled(x)]),
  ) as T;
}

describe('the JSON rendering', () => {
  it('writes schema and version first, pretty, with a final newline', () => {
    const text = renderJson(sampleReport());
    expect(text.startsWith('{\n  "schema": "automirror.drift-report",\n  "version": 3,\n  "generatedAt"')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('is byte-for-byte stable whatever order the keys came in, and reads back as the same report', () => {
    const r = sampleReport();
    expect(renderJson(shuffled(r))).toBe(renderJson(r));
    expect(parseReport(renderJson(r))).toEqual(r);
  });

  it('keeps unknown fields, sorted after the known ones', () => {
    const text = renderJson({ ...sampleReport(), zeta: 1, alpha: 2 } as DriftReport);
    expect(text.indexOf('"errors"')).toBeLessThan(text.indexOf('"alpha"'));
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
  });

  it('refuses to read back a document that is not a valid report', () => {
    expect(() => parseReport(JSON.stringify({ ...sampleReport(), schema: 'other' }))).toThrow(InvalidReportError);
  });
});

describe('failed events drained from the queue', () => {
  it('recovers the failed invocation and its original event from an FC destination record', () => {
    expect(failedEventFrom({ id: 'msg-1', body: fcFailure('evt-1', 'Throttling.User: flow control') })).toMatchObject({
      messageId: 'msg-1',
      failedAt: at(42).toISOString(),
      functionArn: 'acs:fc:cn-hangzhou:1234567890:functions/automirror-on-event',
      requestId: 'req-evt-1',
      attempts: 3,
      origin: { id: 'evt-1', type: 'ecs:Instance:StateChange', source: 'acs.ecs' },
      error: 'UnhandledInvocationError; CloudError: Throttling.User: flow control',
    });
  });

  it('recovers batches, CloudMonitor events and deferred work', () => {
    const record = (payload: unknown) => JSON.stringify({ requestContext: { condition: 'FunctionTimeout' }, requestPayload: JSON.stringify(payload) });
    const origin = (payload: unknown) => failedEventFrom({ id: 'm', body: record(payload) }).origin;
    expect(origin([{ id: 'a', type: 'ecs:Instance:StateChange' }, { id: 'b' }])).toEqual({ id: 'a', type: 'ecs:Instance:StateChange', count: 2 });
    expect(origin({ id: 'c1', product: 'ECS', name: 'Instance:StateChange' })).toEqual({ id: 'c1', type: 'cms:Instance:StateChange', source: 'ECS' });
    expect(origin({ automirror: 'deferred', version: 1 })).toEqual({ type: 'automirror:deferred' });
    expect(origin('not json')).toBeUndefined();
    expect(failedEventFrom({ id: 'm', body: record({}) }).error).toBe('FunctionTimeout');
  });

  it('reports a message it cannot read as unreadable, with its id and size, instead of failing the drain', () => {
    const big = 'x'.repeat(MAX_BODY_CHARS + 1);
    expect(entryOf({ id: 'm4', body: big })).toEqual({
      messageId: 'm4',
      bodyLength: big.length,
      excerpt: 'x'.repeat(EXCERPT_CHARS),
      error: `unreadable message (${big.length} characters): larger than MNS's ${MAX_BODY_CHARS}-byte maximum message size; not parsed`,
    });
    expect(entryOf({ id: '', body: undefined as unknown as string })).toMatchObject({ messageId: '(no message id)', bodyLength: 0, excerpt: '' });
    expect(entryOf({ id: 'm6', body: { toString: null } as unknown as string })).toEqual({
      messageId: 'm6',
      bodyLength: 0,
      excerpt: '',
      error: 'unreadable message (0 characters): the body is not text but object',
    });
    expect(entryOf({ id: 'm5', body: fcFailure('evt-5', 'boom') }).origin?.id).toBe('evt-5');
  });

  it('keeps whatever else was in the queue, as a bounded excerpt', () => {
    const body = `${'x'.repeat(EXCERPT_CHARS - 1)}😀${'y'.repeat(5000)}`;
    const f = failedEventFrom({ id: 'm2', body, enqueuedAt: at(7) });
    expect(f).toMatchObject({ messageId: 'm2', failedAt: at(7).toISOString(), bodyLength: body.length, error: 'not an FC async-invocation failure record; see the excerpt' });
    // Cut before the emoji rather than through it.
    expect(f.excerpt).toBe('x'.repeat(EXCERPT_CHARS - 1));
    expect(failedEventFrom({ id: 'm3', body: JSON.stringify({ requestContext: {}, timestamp: 1e300 }) }).failedAt).toBeUndefined();
  });
});
