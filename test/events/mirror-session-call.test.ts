import { describe, expect, it } from 'vitest';
import { checkPattern, matches, parsePattern } from '../../localcloud/eventbridge/pattern.js';
import { vpcEventPattern } from '../../shared/events/filter-pattern.js';
import { SESSION_CALLS } from '../../shared/events/mirror-session-call.js';
import { parsePayload } from '../../shared/events/payload.js';

const AT = { accountId: '1234567890123456', regionId: 'cn-hangzhou' };

let n = 0;
const vpcEvent = (data: unknown, type = 'vpc:ActionTrail:ApiCall') => ({ id: `evt-${++n}`, source: 'acs.vpc', specversion: '1.0', type, aliyunregionid: 'cn-hangzhou', data });
const record = (eventName: string, fields: Record<string, unknown> = {}) => ({
  eventName,
  eventType: 'ApiCall',
  eventRW: 'Write',
  acsRegion: 'cn-hangzhou',
  eventTime: '2026-12-03T15:00:00Z',
  ...fields,
});
const netops = { type: 'ram-user', userName: 'netops-bob', principalId: '2010', accessKeyId: 'LTAI-netops' };

describe('VPC ActionTrail events → sessions to check', () => {
  it.each([
    ['CreateTrafficMirrorSession, from its answer', record('CreateTrafficMirrorSession', { responseElements: { TrafficMirrorSessionId: 'tms-new1' }, userIdentity: netops })],
    ['UpdateTrafficMirrorSessionAttribute, from its parameter', record('UpdateTrafficMirrorSessionAttribute', { requestParameters: { TrafficMirrorSessionId: 'tms-new1' }, userIdentity: netops })],
    [
      'AddSourcesToTrafficMirrorSession, named twice',
      record('AddSourcesToTrafficMirrorSession', {
        requestParameters: { TrafficMirrorSessionId: 'tms-new1' },
        referencedResources: { 'ACS::VPC::TrafficMirrorSession': ['tms-new1'] },
        userIdentity: netops,
      }),
    ],
  ])('%s', (_name, data) => {
    const r = parsePayload(vpcEvent(data), AT);
    expect(r.subjects).toEqual([]);
    expect(r.checks).toEqual([
      { accountId: AT.accountId, regionId: 'cn-hangzhou', sessionId: 'tms-new1', provenance: { call: data.eventName, by: 'ram-user netops-bob (AccessKey LTAI-netops)', at: '2026-12-03T15:00:00Z' } },
    ]);
    expect(r.events[0].verdict).toBe('check-session');
  });

  it('checks a session once per batch, and ignores what does not start or widen mirroring', () => {
    const create = record('CreateTrafficMirrorSession', { responseElements: { TrafficMirrorSessionId: 'tms-a' } });
    const r = parsePayload(
      [
        vpcEvent(create),
        vpcEvent(record('AddSourcesToTrafficMirrorSession', { requestParameters: { TrafficMirrorSessionId: 'tms-a' } })),
        vpcEvent(record('DeleteTrafficMirrorSession', { requestParameters: { TrafficMirrorSessionId: 'tms-a' } })),
        vpcEvent(record('CreateTrafficMirrorSession', { errorCode: 'InvalidPriority.Conflict' })),
      ],
      AT,
    );
    expect(r.checks.map((c) => c.sessionId)).toEqual(['tms-a']);
    expect(r.events.map((e) => e.verdict)).toEqual(['check-session', 'check-session', 'ignored', 'ignored']);
  });

  it.each([
    ['no data', undefined, 'has no data object'],
    ['no session', record('CreateTrafficMirrorSession'), 'must name exactly one traffic mirror session, named []'],
    [
      'two sessions',
      record('UpdateTrafficMirrorSessionAttribute', { requestParameters: { TrafficMirrorSessionId: 'tms-a' }, responseElements: { TrafficMirrorSessionId: 'tms-b' } }),
      'named ["tms-a","tms-b"]',
    ],
    ['a hostile id', record('CreateTrafficMirrorSession', { responseElements: { TrafficMirrorSessionId: 'tms-a\u001b[2J\nforged line' } }), 'must name exactly one traffic mirror session'],
    ['an id that is an object', record('CreateTrafficMirrorSession', { responseElements: { TrafficMirrorSessionId: { toString: null } } }), 'must name exactly one traffic mirror session'],
  ])('refuses %s as bad input: one reason, nothing to check', (_name, data, why) => {
    const r = parsePayload(vpcEvent(data), AT);
    expect(r.checks).toEqual([]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0].verdict).toBe('bad');
    expect(r.events[0].why).toContain(why);
    expect(r.events[0].why).not.toMatch(/[\u0000-\u001f]/);
  });

  it('bounds and strips what it keeps of the caller', () => {
    const who = { type: 'ram-user', userName: `${'x'.repeat(5000)}\u001b[31m`, accessKeyId: 'LTAI\r\nforged' };
    const [c] = parsePayload(vpcEvent(record('CreateTrafficMirrorSession', { responseElements: { TrafficMirrorSessionId: 'tms-a' }, userIdentity: who })), AT).checks;
    expect(c.provenance.by?.length).toBeLessThan(200);
    expect(c.provenance.by).not.toMatch(/[\u0000-\u001f]/);
  });

  it('is out of scope for a region the deployment does not cover', () => {
    const r = parsePayload(vpcEvent(record('CreateTrafficMirrorSession', { acsRegion: 'eu-west-1', responseElements: { TrafficMirrorSessionId: 'tms-a' } })), { ...AT, regions: [] });
    expect([r.checks, r.events[0].verdict]).toEqual([[], 'ignored']);
  });
});

describe("the VPC trigger's filter pattern", () => {
  const pattern = parsePattern(JSON.stringify(vpcEventPattern()));
  it('is valid and lets exactly the session calls through', () => {
    expect(() => checkPattern(vpcEventPattern())).not.toThrow();
    for (const eventName of SESSION_CALLS) expect(matches(pattern, vpcEvent({ eventName }))).toBe(true);
    expect(matches(pattern, vpcEvent({ eventName: 'CreateTrafficMirrorSession' }, 'vpc:ActionTrail:ConsoleOperation'))).toBe(true);
    expect(matches(pattern, vpcEvent({ eventName: 'DeleteTrafficMirrorSession' }))).toBe(false);
    expect(matches(pattern, { ...vpcEvent({ eventName: 'CreateTrafficMirrorSession' }), source: 'acs.ecs' })).toBe(false);
  });
});
