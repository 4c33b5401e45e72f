import { describe, expect, it } from 'vitest';
import { checkPattern, matches, PatternError, parsePattern } from '../../localcloud/eventbridge/pattern.js';

// EventBridge's pattern operators (EventBridge user guide, "Event patterns"), table-tested: each row is
// a pattern, an event, and whether the event passes.
const event = {
  id: 'e-1',
  source: 'acs.ecs',
  type: 'ecs:Instance:StateChange',
  subject: 'acs:oss:cn-hangzhou:123:bkt/photos/a.txt',
  data: {
    state: 'Running',
    count: 3,
    ip: '10.0.0.17',
    eventName: 'RunInstances',
    empty: '',
    nothing: null,
    tags: ['web', 'prod'],
    nested: { deep: { value: 'x' } },
    items: [{ kind: 'a' }, { kind: 'b' }],
  },
};

const rows: Array<[string, unknown, boolean]> = [
  ['exact value', { source: ['acs.ecs'] }, true],
  ['exact value, no match', { source: ['acs.oss'] }, false],
  ['OR list', { type: ['ecs:ActionTrail:ApiCall', 'ecs:Instance:StateChange'] }, true],
  ['keys are ANDed', { source: ['acs.ecs'], type: ['ecs:ActionTrail:ApiCall'] }, false],
  ['case-sensitive', { source: ['ACS.ECS'] }, false],
  ['numbers and strings differ', { data: { count: ['3'] } }, false],
  ['number exact', { data: { count: [3] } }, true],
  ['nested key', { data: { eventName: ['RunInstances'] } }, true],
  ['deeply nested key', { data: { nested: { deep: { value: ['x'] } } } }, true],
  ['a named key must exist', { data: { missing: ['x'] } }, false],
  ['nested pattern over a scalar', { source: { x: ['y'] } }, false],
  ['prefix', { source: [{ prefix: 'acs.' }] }, true],
  ['prefix, no match', { source: [{ prefix: 'aliyun.' }] }, false],
  ['prefix on a number', { data: { count: [{ prefix: '3' }] } }, false],
  ['suffix', { type: [{ suffix: ':StateChange' }] }, true],
  ['suffix, no match', { type: [{ suffix: ':ApiCall' }] }, false],
  ['contains', { type: [{ contains: 'Instance' }] }, true],
  ['contains, no match', { type: [{ contains: 'Disk' }] }, false],
  ['anything-but string', { data: { state: [{ 'anything-but': 'Stopped' }] } }, true],
  ['anything-but string, excluded', { data: { state: [{ 'anything-but': 'Running' }] } }, false],
  ['anything-but number', { data: { count: [{ 'anything-but': 4 }] } }, true],
  ['anything-but number, excluded', { data: { count: [{ 'anything-but': 3 }] } }, false],
  ['anything-but list', { data: { state: [{ 'anything-but': ['Stopped', 'Deleted'] }] } }, true],
  ['anything-but list, excluded', { data: { state: [{ 'anything-but': ['Running', 'Deleted'] }] } }, false],
  ['anything-but prefix', { source: [{ 'anything-but': { prefix: 'aliyun.' } }] }, true],
  ['anything-but prefix, excluded', { source: [{ 'anything-but': { prefix: 'acs.' } }] }, false],
  ['anything-but needs the field', { data: { missing: [{ 'anything-but': 'x' }] } }, false],
  ['numeric range', { data: { count: [{ numeric: ['>', 0, '<=', 5] }] } }, true],
  ['numeric range, outside', { data: { count: [{ numeric: ['>', 3, '<=', 5] }] } }, false],
  ['numeric equals', { data: { count: [{ numeric: ['=', 3] }] } }, true],
  ['numeric on a string', { data: { state: [{ numeric: ['>', 0] }] } }, false],
  ['cidr', { data: { ip: [{ cidr: '10.0.0.0/24' }] } }, true],
  ['cidr, outside', { data: { ip: [{ cidr: '10.0.1.0/24' }] } }, false],
  ['cidr /32', { data: { ip: [{ cidr: '10.0.0.17/32' }] } }, true],
  ['cidr on a non-IP', { data: { state: [{ cidr: '10.0.0.0/8' }] } }, false],
  ['exists: true', { data: { state: [{ exists: true }] } }, true],
  ['exists: true, absent', { data: { missing: [{ exists: true }] } }, false],
  ['exists: false, absent', { data: { missing: [{ exists: false }] } }, true],
  ['exists: false, present', { data: { state: [{ exists: false }] } }, false],
  ['exists: false ORed with values keeps events without the field', { data: { missing: [{ exists: false }, 'x'] } }, true],
  ['null', { data: { nothing: [null] } }, true],
  ['null, not null', { data: { state: [null] } }, false],
  ['null does not match an absent field', { data: { missing: [null] } }, false],
  ['empty string', { data: { empty: [''] } }, true],
  ['empty string, not empty', { data: { state: [''] } }, false],
  ['operators in one condition are ANDed', { subject: [{ prefix: 'acs:oss:cn-hangzhou:123:bkt/', suffix: '.txt' }] }, true],
  ['operators in one condition, one fails', { subject: [{ prefix: 'acs:oss:cn-hangzhou:123:bkt/', suffix: '.jpg' }] }, false],
  ['array field: any element matches', { data: { tags: ['prod'] } }, true],
  ['array field: no element matches', { data: { tags: ['dev'] } }, false],
  ['array field with an operator', { data: { tags: [{ prefix: 'we' }] } }, true],
  ['array of objects with a nested pattern', { data: { items: { kind: ['b'] } } }, true],
  ['array of objects, no match', { data: { items: { kind: ['c'] } } }, false],
  ['empty pattern matches everything', {}, true],
];

describe('event pattern operators', () => {
  it.each(rows)('%s', (_name, pattern, expected) => {
    checkPattern(pattern);
    expect(matches(pattern as never, event)).toBe(expected);
  });
});

describe('pattern validation, as CreateRule does it', () => {
  const bad: Array<[string, string]> = [
    ['not JSON', '{source:'],
    ['not an object', '["acs.ecs"]'],
    ['a scalar leaf', '{"source":"acs.ecs"}'],
    ['an unknown operator', '{"source":[{"startsWith":"acs."}]}'],
    ['numeric with an odd list', '{"data":{"n":[{"numeric":[">"]}]}}'],
    ['numeric with a bad operator', '{"data":{"n":[{"numeric":["~",1]}]}}'],
    ['cidr that is not one', '{"data":{"ip":[{"cidr":"10.0.0.0/33"}]}}'],
    ['exists with a string', '{"data":{"x":[{"exists":"no"}]}}'],
    ['anything-but with an object it does not know', '{"source":[{"anything-but":{"contains":"x"}}]}'],
    ['more than 5 expressions in a field', '{"type":["a","b","c","d","e","f"]}'],
  ];
  it.each(bad)('refuses %s', (_name, text) => {
    expect(() => parsePattern(text)).toThrow(PatternError);
  });

  it('takes exactly 5 expressions in a field', () => {
    expect(parsePattern('{"type":["a","b","c","d",{"prefix":"e"}]}')).toBeDefined();
  });
});
