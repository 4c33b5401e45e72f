import { describe, expect, it } from 'vitest';
import { encodeDeferred, MAX_DEFERRED_IDS } from '../../shared/events/deferred.js';
import { EVENT_LIMITS, quote, tooBig } from '../../shared/events/ids.js';
import { MAX_IDS_PER_BATCH, parsePayload } from '../../shared/events/payload.js';

const AT = { accountId: '1234567890123456', regionId: 'cn-hangzhou' };
let n = 0;
const tag = (count: number, region = 'cn-hangzhou') => ({
  id: `evt-${++n}`,
  source: 'acs.ecs',
  type: 'ecs:ActionTrail:ApiCall',
  data: { eventName: 'TagResources', acsRegion: region, requestParameters: { ResourceType: 'instance', ResourceId: Array.from({ length: count }, (_, i) => `i-n${n}x${i}`) } },
});
const message = (eniIds: string[]) => ({
  id: `msg-${++n}`,
  source: 'MNS-automirror-on-event-deferred',
  type: 'mns:Queue:SendMessage',
  data: { messageBody: encodeDeferred({ automirror: 'deferred', version: 1, regionId: 'cn-hangzhou', instanceIds: [], eniIds, reason: 'test', attempt: 1 }) },
});

describe('ids per event and per batch', () => {
  it('takes the API’s 50 resources of a TagResources call, and refuses 51', () => {
    expect(parsePayload(tag(50), AT).events[0].verdict).toBe('reconcile');
    expect(parsePayload(tag(51), AT).events[0]).toMatchObject({ verdict: 'bad', why: expect.stringMatching(/names 51 resources; the API takes at most 50/) });
  });

  it(`a batch acts on at most ${MAX_IDS_PER_BATCH} ids: the event that would pass it is bad input, the others are kept`, () => {
    const batch = Array.from({ length: 21 }, () => tag(50));
    const r = parsePayload(batch, AT);
    expect(r.events.filter((e) => e.verdict === 'reconcile')).toHaveLength(20);
    expect(r.events[20]).toMatchObject({ verdict: 'bad', why: expect.stringMatching(/with the 1000 before it, the batch would pass the 1000/) });
    expect(r.subjects[0].instanceIds).toHaveLength(1000);
  });

  it(`deferred work names at most ${MAX_DEFERRED_IDS} resources`, () => {
    const many = Array.from({ length: MAX_DEFERRED_IDS + 1 }, (_, i) => `eni-d${i}`);
    expect(parsePayload(message(many), AT).events[0]).toMatchObject({ verdict: 'bad', why: expect.stringMatching(/names 1001 resources; a message may name at most 1000/) });
    expect(parsePayload(message(many.slice(0, 3)), AT).events[0].verdict).toBe('reconcile');
  });
});

describe('regions in scope', () => {
  it('without a list of regions, any well-formed region is taken (the parser alone)', () => {
    expect(parsePayload(tag(1, 'eu-central-1'), AT).subjects[0].regionId).toBe('eu-central-1');
  });

  it('with one, only the deployment’s region and the listed ones are acted on; the rest is ignored as out of scope', () => {
    const r = parsePayload([tag(1, 'eu-central-1'), tag(1, 'cn-shanghai'), tag(1, 'cn-hangzhou')], { ...AT, regions: ['cn-shanghai'] });
    expect(r.events.map((e) => e.verdict)).toEqual(['ignored', 'reconcile', 'reconcile']);
    expect(r.events[0].why).toBe('out of scope: region eu-central-1 is not one this deployment covers (cn-hangzhou, cn-shanghai)');
    expect(r.subjects.map((s) => s.regionId).sort()).toEqual(['cn-hangzhou', 'cn-shanghai']);
  });
});

describe('bounded reading', () => {
  it('measures a value once per node, and stops at the first limit passed', () => {
    const visited = { nodes: 0 };
    expect(tooBig({ a: [1, 2, { b: 'c' }] }, EVENT_LIMITS, visited)).toBeUndefined();
    expect(visited.nodes).toBe(6);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(tooBig(deep, EVENT_LIMITS, visited)).toBe('nested deeper than 32 levels');
    expect(visited.nodes).toBe(EVENT_LIMITS.depth + 1);
    expect(
      tooBig(
        Array.from({ length: 30_000 }, () => 1),
        EVENT_LIMITS,
        visited,
      ),
    ).toBe('more than 20000 values');
    expect(visited.nodes).toBe(1);
    expect(tooBig('x'.repeat(EVENT_LIMITS.stringChars + 1))).toMatch(/a string of 65537 characters/);
  });

  it('quotes any value without calling its methods, however deep, in at most max characters', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(quote(deep)).toBe(`${'['.repeat(80)}…`);
    expect(quote({ toString: null, valueOf: null, toJSON: null })).toBe('{"toString":null,"valueOf":null,"toJSON":null}');
    expect(quote(JSON.parse('{"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1}}');
    expect(quote('a\nb'.repeat(1000), 10)).toBe('a\uFFFDba\uFFFDba\uFFFDba…');
    expect(quote(undefined)).toBe('undefined');
  });
});
