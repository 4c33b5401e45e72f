import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInput } from '../../shared/events/bad-input.js';
import { deferredMessage } from '../../shared/events/deferred.js';
import { EVENT_LIMITS, isEniId, isInstanceId, quote, tooBig } from '../../shared/events/ids.js';
import { MAX_IDS_PER_BATCH, parsePayload } from '../../shared/events/payload.js';
import { parseRegionTask } from '../../shared/events/region-task.js';

// Issue 11, item 7: property-based tests of the event parsers, seeded (a failure names its seed and shrinks to a
// small counterexample) and bounded in runs and input size, so each file takes a few seconds. No timing is
// asserted: "linear" is bounded input and counted work (tooBig visits each node at most once).

const AT = { accountId: '1234567890123456', regionId: 'cn-hangzhou' };
const RUNS = { seed: 20261203, numRuns: 200 };

/** Keys an attacker would try: built-in members, our own field names, and anything. */
const KEY = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'valueOf', 'toString', 'toJSON', 'isPrototypeOf', '__defineGetter__'),
  fc.constantFrom(
    'id',
    'source',
    'type',
    'data',
    'content',
    'product',
    'name',
    'eventName',
    'requestParameters',
    'ResourceType',
    'ResourceId',
    'ResourceId.1',
    'referencedResources',
    'messageBody',
    'resourceId',
    'state',
    'acsRegion',
    'aliyunregionid',
  ),
  fc.string({ maxLength: 12 }),
);
const VALUE = fc.oneof(
  fc.constantFrom(
    'acs.ecs',
    'ecs:ActionTrail:ApiCall',
    'ecs:Instance:StateChange',
    'mns:Queue:SendMessage',
    'TagResources',
    'RunInstances',
    'instance',
    'eni',
    'Running',
    'Deleted',
    'cn-hangzhou',
    'xx-nowhere-1',
    'i-a1',
    'eni-b2',
    'ECS',
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
/** JSON-like values keyed by hostile names, a few levels deep; built from JSON text so `__proto__` is a field. */
const hostile = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, VALUE, tie('list'), tie('object')),
  list: fc.array(tie('node'), { maxLength: 6 }),
  object: fc.array(fc.tuple(KEY, tie('node')), { maxLength: 6 }),
})).node;
const toJsonText = (v: unknown): string => {
  // Pairs (from `object`) become JSON objects written by hand, keeping `__proto__` as an own field.
  const out: string[] = [];
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string' && x.startsWith('\u0000raw:')) out.push(x.slice(5));
    else if (Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string') && x.length > 0) {
      out.push('{');
      const parts: unknown[] = [];
      x.forEach(([k, val], i) => parts.push(...(i ? ['\u0000raw:,'] : []), `\u0000raw:${JSON.stringify(k)}:`, val));
      stack.push('\u0000raw:}', ...parts.reverse());
    } else if (Array.isArray(x)) {
      out.push('[');
      const parts: unknown[] = [];
      x.forEach((val, i) => parts.push(...(i ? ['\u0000raw:,'] : []), val));
      stack.push('\u0000raw:]', ...parts.reverse());
    } else out.push(JSON.stringify(x) ?? 'null');
  }
  return out.join('');
};
const hostileJson = hostile.map((v) => JSON.parse(toJsonText(v)) as unknown);
/** An envelope of our own kind with hostile parts, so the parsers behind the registry are reached too. */
const envelope = fc.record({
  id: fc.oneof(fc.string({ maxLength: 10 }), hostileJson),
  source: fc.constantFrom('acs.ecs', 'MNS-automirror', 'acs.oss'),
  type: fc.constantFrom(
    'ecs:ActionTrail:ApiCall',
    'ecs:ActionTrail:ConsoleOperation',
    'ecs:Instance:StateChange',
    'ecs:NetworkInterface:NetworkInterfaceOperateCompleted',
    'mns:Queue:SendMessage',
    'hasOwnProperty',
    '__proto__',
  ),
  aliyunregionid: fc.oneof(fc.constantFrom('cn-hangzhou', 'cn-shanghai', 'xx-nowhere-1'), hostileJson),
  data: fc.oneof(
    hostileJson,
    fc.record({
      eventName: fc.constantFrom('TagResources', 'UntagResources', 'RunInstances', 'AttachNetworkInterface'),
      requestParameters: hostileJson,
      referencedResources: hostileJson,
      acsRegion: VALUE,
    }),
    fc.record({
      eventName: fc.constantFrom('TagResources', 'UntagResources'),
      requestParameters: fc.record({
        ResourceType: fc.oneof(fc.constantFrom('instance', 'eni'), hostileJson),
        ResourceId: fc.array(fc.oneof(fc.constantFrom('i-a1', 'eni-b2'), VALUE), { maxLength: 80 }),
      }),
    }),
    fc.record({ resourceId: fc.oneof(fc.constantFrom('i-a1', 'acs:ecs:cn-hangzhou:1:eni/eni-b2'), hostileJson), state: fc.oneof(fc.constantFrom('Running', 'Deleted', 'Stopped'), hostileJson) }),
    fc.record({
      messageBody: fc.oneof(
        hostileJson.map((v) => JSON.stringify(v)),
        hostileJson,
        fc.string(),
      ),
    }),
  ),
});
const payload = fc.oneof(hostileJson, envelope, fc.array(fc.oneof(envelope, hostileJson), { maxLength: 8 }));

/** Deeply nested values of a few kinds: lists, objects, and a mix, up to 5,000 levels. */
const deep = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('list', 'object', 'mixed')).map(([depth, kind]) => {
  let v: unknown = 'i-a1';
  for (let i = 0; i < depth; i++) v = kind === 'list' || (kind === 'mixed' && i % 2) ? [v] : { data: v, toString: null };
  return v;
});

const countNodes = (v: unknown): number => {
  let n = 0;
  const stack = [v];
  while (stack.length) {
    const x = stack.pop();
    n++;
    if (typeof x === 'object' && x !== null) stack.push(...(Array.isArray(x) ? x : Object.values(x)));
  }
  return n;
};

describe('parsePayload, on random and adversarial JSON', () => {
  it('never throws, says what became of every event in bounded text, and yields only valid ids', () => {
    fc.assert(
      fc.property(payload, (p) => {
        const r = parsePayload(p, { ...AT, regions: ['cn-shanghai'] });
        expect(r.events.length).toBeGreaterThan(0);
        for (const e of r.events) {
          expect(['reconcile', 'ignored', 'bad', 'duplicate']).toContain(e.verdict);
          expect(e.why.length).toBeLessThan(12_000);
        }
        const ids = r.subjects.flatMap((s) => [...s.instanceIds, ...s.eniIds]);
        expect(ids.every((id) => isInstanceId(id) || isEniId(id))).toBe(true);
        expect(ids.length).toBeLessThanOrEqual(MAX_IDS_PER_BATCH);
        expect(r.subjects.every((s) => s.regionId === 'cn-hangzhou' || s.regionId === 'cn-shanghai')).toBe(true);
      }),
      RUNS,
    );
  });

  it('refuses hostile nesting as bad input, whatever the depth, without recursion', () => {
    fc.assert(
      fc.property(deep, (v) => {
        const r = parsePayload({ id: 'e1', source: 'acs.ecs', type: 'ecs:Instance:StateChange', data: v }, AT);
        expect(r.events).toHaveLength(1);
        if (r.events[0].verdict !== 'bad') expect(r.events[0].verdict).toBe('reconcile');
        expect(quote(v).length).toBeLessThanOrEqual(81);
        expect(() => parsePayload([v], AT)).not.toThrow();
      }),
      { ...RUNS, numRuns: 60 },
    );
  });
});

describe('tooBig: each node visited at most once, and never past the limit', () => {
  it('counts no more steps than the value has nodes, nor than the limit allows', () => {
    fc.assert(
      fc.property(fc.oneof(hostileJson, deep), (v) => {
        const visited = { nodes: 0 };
        tooBig(v, EVENT_LIMITS, visited);
        expect(visited.nodes).toBeLessThanOrEqual(Math.min(countNodes(v), EVENT_LIMITS.nodes + 1));
      }),
      RUNS,
    );
  });
});

describe('the deferral-queue message parser', () => {
  it('never throws, on any body text or value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          hostileJson.map((v) => JSON.stringify(v)),
          hostileJson,
          deep,
        ),
        (body) => {
          const v = deferredMessage(body, 'message m1');
          expect(['reconcile', 'bad']).toContain(v.kind);
          if (v.kind === 'reconcile') expect([...v.instanceIds, ...v.eniIds].every((id) => isInstanceId(id) || isEniId(id))).toBe(true);
        },
      ),
      RUNS,
    );
  });
});

describe('the reconcile-region task parser', () => {
  it('returns a task or throws BadInput, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileJson,
          fc.record(
            {
              regionId: fc.oneof(fc.constant('cn-hangzhou'), hostileJson, deep),
              mode: fc.oneof(fc.constantFrom('report', 'enforce'), hostileJson, deep),
              runId: fc.oneof(fc.constant('run-1'), hostileJson),
              checkpoint: fc.oneof(hostileJson, deep),
            },
            { requiredKeys: [] },
          ),
        ),
        (event) => {
          try {
            parseRegionTask(event);
          } catch (err) {
            expect(err).toBeInstanceOf(BadInput);
            expect((err as Error).message.length).toBeLessThan(2000);
          }
        },
      ),
      RUNS,
    );
  });
});
