import { describe, expect, it } from 'vitest';
import { parsePayload } from '../../shared/events/payload.js';
import { principalOf, tagWritesOf } from '../../shared/events/tag-write.js';

// Who set a tag, read from an ActionTrail record: hostile in every field, so bounded, stripped and trusted for
// nothing but judging an opt-out.

const AT = { accountId: '1234567890123456', regionId: 'cn-hangzhou' };
const record = (userIdentity: unknown, extra: Record<string, unknown> = {}) => ({
  eventName: 'TagResources',
  eventType: 'ApiCall',
  eventRW: 'Write',
  acsRegion: 'cn-hangzhou',
  eventTime: '2026-12-01T10:00:00Z',
  requestParameters: { ResourceType: 'instance', 'ResourceId.1': 'i-a1', 'Tag.1.Key': 'automirror', 'Tag.1.Value': 'off' },
  userIdentity,
  ...extra,
});
const event = (data: unknown) => ({ id: 'evt-1', source: 'acs.ecs', specversion: '1.0', type: 'ecs:ActionTrail:ApiCall', aliyunregionid: 'cn-hangzhou', data });

describe('the principal of an ActionTrail record', () => {
  it('reads the documented types', () => {
    expect(principalOf({ type: 'ram-user', accountId: '123', userName: 'alice', principalId: '2000' })).toEqual({ type: 'ram-user', accountId: '123', name: 'alice' });
    expect(principalOf({ type: 'assumed-role', accountId: '123', userName: 'netops:bob' })).toEqual({ type: 'assumed-role', accountId: '123', name: 'netops', session: 'bob' });
    expect(principalOf({ type: 'root-account', accountId: '123', userName: 'root' })).toEqual({ type: 'root-account', accountId: '123', name: '' });
    expect(principalOf({ type: 'ram-user', accountId: '123', userName: 'x', __proto__: { type: 'root-account' } })?.type).toBe('ram-user');
  });

  it('strips controls and bidi overrides and bounds every name, so nothing can forge a line or flood a report', () => {
    const p = principalOf({ type: 'ram-user', accountId: '123', userName: `ali\u001b[31mce\r\nFORGED\u202e${'x'.repeat(1_000_000)}` });
    expect(p?.name).toMatch(/^ali\[31mceFORGEDx+$/);
    expect(p?.name.length).toBe(64);
    const role = principalOf({ type: 'assumed-role', accountId: '123', userName: `${'r'.repeat(500)}:${'s'.repeat(500)}` });
    expect([role?.name.length, role?.session?.length]).toEqual([64, 0]);
  });

  it('proves nothing without a readable account, time or key', () => {
    expect(principalOf({ type: 'ram-user', accountId: 'not-digits', userName: 'alice' })).toBeUndefined();
    expect(principalOf('root')).toBeUndefined();
    expect(tagWritesOf(record({ type: 'ram-user', accountId: '123', userName: 'alice' }, { eventTime: 'yesterday' }), ['i-a1'])).toEqual([]);
    expect(tagWritesOf(record({ type: 'ram-user', accountId: '123', userName: 'alice' }, { errorCode: 'Forbidden.RAM' }), ['i-a1'])).toEqual([]);
    expect(tagWritesOf(record({ type: 'ram-user', accountId: '123', userName: 'alice' }, { requestParameters: { 'Tag.1.Key': { toString: null } } }), ['i-a1'])).toEqual([]);
  });
});

describe('TagResources events carry who set the tags into the subject', () => {
  it('as a TagWrite per resource, with the keys it set', () => {
    const { subjects } = parsePayload(event(record({ type: 'ram-user', accountId: '123', userName: 'alice' })), AT);
    expect(subjects[0].tagWrites).toEqual([
      { resourceId: 'i-a1', eventName: 'TagResources', time: '2026-12-01T10:00:00.000Z', by: { type: 'ram-user', accountId: '123', name: 'alice' }, keys: ['automirror'] },
    ]);
  });

  it('and an event without a usable identity still reconciles, with no writer', () => {
    const { subjects } = parsePayload(event(record({ type: 'ram-user', userName: 'alice' })), AT);
    expect(subjects[0]).toMatchObject({ instanceIds: ['i-a1'] });
    expect(subjects[0].tagWrites).toBeUndefined();
  });
});

describe('UntagResources events carry who removed which tags', () => {
  const untag = (params: Record<string, unknown>) =>
    record({ type: 'ram-user', accountId: '123', userName: 'mallory' }, { eventName: 'UntagResources', requestParameters: { ResourceType: 'instance', 'ResourceId.1': 'i-a1', ...params } });

  it('as the keys of TagKey.N', () => {
    const { subjects } = parsePayload(event(untag({ 'TagKey.1': 'mirror', 'TagKey.2': 'team' })), AT);
    expect(subjects[0].tagWrites).toEqual([
      { resourceId: 'i-a1', eventName: 'UntagResources', time: '2026-12-01T10:00:00.000Z', by: { type: 'ram-user', accountId: '123', name: 'mallory' }, keys: ['mirror', 'team'] },
    ]);
  });

  it('and All=true as a write of every key, so removing them all at once is no way around the governance', () => {
    const [w] = tagWritesOf(untag({ All: 'true' }), ['i-a1']);
    expect(w).toMatchObject({ eventName: 'UntagResources', keys: [], allKeys: true });
    expect(tagWritesOf(untag({ All: 'false' }), ['i-a1'])).toEqual([]);
  });
});
