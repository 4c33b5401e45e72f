import { describe, expect, it } from 'vitest';
import { checkPattern, MAX_EXPRESSIONS_PER_FIELD, matches, parsePattern } from '../../localcloud/eventbridge/pattern.js';
import { HANDLED_CALLS } from '../../shared/events/actiontrail.js';
import { ecsEventPattern } from '../../shared/events/filter-pattern.js';
import { parsePayload } from '../../shared/events/payload.js';

/** The deployment's own account and region: where events that don't say go. */
const AT = { accountId: '1234567890123456', regionId: 'cn-hangzhou' };

const pattern = parsePattern(JSON.stringify(ecsEventPattern()));
const event = (type: string, data: Record<string, unknown>) => ({ id: 'e1', source: 'acs.ecs', specversion: '1.0', type, aliyunregionid: 'cn-hangzhou', data });

describe("the ECS trigger's filter pattern", () => {
  it('is a valid EventBridge pattern within the limit of expressions per field', () => {
    expect(() => checkPattern(ecsEventPattern())).not.toThrow();
    const eventNames = (ecsEventPattern().data as { eventName: unknown[] }).eventName;
    expect(eventNames.length).toBeLessThanOrEqual(MAX_EXPRESSIONS_PER_FIELD);
  });

  it.each([...HANDLED_CALLS])('lets the %s API call through', (eventName) => {
    expect(matches(pattern, event('ecs:ActionTrail:ApiCall', { eventName, acsRegion: 'cn-hangzhou' }))).toBe(true);
  });

  it.each([
    ['instance state changes', event('ecs:Instance:StateChange', { resourceId: 'i-a1', state: 'Running' })],
    ['state changes with fields under content', event('ecs:Instance:StateChange', { content: { resourceId: 'i-a1', state: 'Deleted' } })],
    ['ENI operation events', event('ecs:NetworkInterface:NetworkInterfaceOperateCompleted', { resourceId: 'acs:ecs:cn-hangzhou:1:eni/eni-a' })],
  ])('lets %s through', (_name, e) => {
    expect(matches(pattern, e)).toBe(true);
  });

  it.each([
    ['an API call on-event ignores', event('ecs:ActionTrail:ApiCall', { eventName: 'StartInstance' })],
    ['an attribute change on an ENI', event('ecs:ActionTrail:ApiCall', { eventName: 'ModifyNetworkInterfaceAttribute' })],
    ['another ECS event type', event('ecs:Disk:Resized', { resourceId: 'd-1' })],
    ['another product', { ...event('ecs:Instance:StateChange', { state: 'Running' }), source: 'acs.oss' }],
  ])('keeps out %s', (_name, e) => {
    expect(matches(pattern, e)).toBe(false);
  });

  it('lets through only events the parser acts on or explains', () => {
    for (const eventName of HANDLED_CALLS) {
      const parsed = parsePayload(
        event('ecs:ActionTrail:ApiCall', {
          eventName,
          requestParameters: { NetworkInterfaceId: 'eni-a', ResourceType: 'eni', 'ResourceId.1': 'eni-a', InstanceId: 'i-a' },
          referencedResources: { 'ACS::ECS::Instance': ['i-a'] },
        }),
        AT,
      );
      expect(parsed.events[0].verdict).toBe('reconcile');
    }
  });
});
