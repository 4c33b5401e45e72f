import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { OWNER_TAG, RULE_TAG } from '../../shared/engine/ownership.js';
import { invokeOnCloud, sampleEvent } from '../support/invoke.js';
import { withCloud } from '../support/localcloud.js';

let cloud: LocalCloud;
beforeEach(async () => {
  cloud = await withCloud();
});
afterEach(() => cloud.close());

/** The per-region summary on-event returns for a single-region delivery. */
const only = (r: unknown) => (r as { results: Array<Record<string, unknown[]>> }).results[0];
const sessions = () => [...cloud.state.region('cn-hangzhou').sessions.values()];
const running = (instanceId: string, id = `evt-${instanceId}`) => ({
  id,
  source: 'acs.ecs',
  specversion: '1.0',
  type: 'ecs:Instance:StateChange',
  aliyunregionid: 'cn-hangzhou',
  time: '2026-11-25T19:04:41+08:00',
  data: { resourceId: instanceId, resourceType: 'ALIYUN::ECS::Instance', state: 'Running' },
});

describe('an instance launch creates its mirror sessions', () => {
  it('creates exactly one owned session toward the collector SLB per opted-in ENI', async () => {
    const result = only(await invokeOnCloud(cloud, 'on-event', sampleEvent('ecs-instance-running.json')));
    expect(result.created).toHaveLength(2);
    const all = sessions();
    expect(all.flatMap((s) => s.trafficMirrorSourceIds).sort()).toEqual(['eni-web01p', 'eni-web01s']);
    for (const s of all) {
      expect(s).toMatchObject({ trafficMirrorTargetType: 'SLB', trafficMirrorTargetId: 'lb-collector01', trafficMirrorFilterId: 'tmf-allipv4', enabled: true, packetLength: 1500 });
      expect(s.tags.get(OWNER_TAG)).toBe('automirror');
      expect(s.tags.get(RULE_TAG)).toBe('mirror-tagged');
      expect(s.priority).toBeGreaterThanOrEqual(1000);
      expect(s.priority).toBeLessThanOrEqual(1999);
    }
    expect(new Set(all.map((s) => s.priority)).size).toBe(2);
  });

  it('creates nothing for an instance without the opt-in tag, and says why', async () => {
    const result = only(await invokeOnCloud(cloud, 'on-event', sampleEvent('ecs-instance-running-content.json')));
    expect(sessions()).toHaveLength(0);
    expect(result.excluded).toEqual([{ eniId: 'eni-db01p', reason: 'no rule matches: mirror-tagged needs mirror=on, found no tag mirror' }]);
  });

  it('leaves one session per ENI when the same event is delivered twice', async () => {
    await invokeOnCloud(cloud, 'on-event', sampleEvent('ecs-instance-running.json'));
    const second = only(await invokeOnCloud(cloud, 'on-event', sampleEvent('ecs-instance-running.json')));
    expect(second.created).toHaveLength(0);
    expect(second.unchanged).toHaveLength(2);
    expect(sessions()).toHaveLength(2);
  });

  it('leaves one session per ENI when duplicate deliveries run concurrently', async () => {
    await Promise.all(Array.from({ length: 5 }, () => invokeOnCloud(cloud, 'on-event', running('i-web01', 'dup-1'))));
    await Promise.all(Array.from({ length: 5 }, (_, i) => invokeOnCloud(cloud, 'on-event', running('i-web01', `other-${i}`))));
    expect(
      sessions()
        .map((s) => s.trafficMirrorSourceIds[0])
        .sort(),
    ).toEqual(['eni-web01p', 'eni-web01s']);
  });

  it('reads the StateChange fields under data.content as well as under data', async () => {
    const cloudEvent = { ...running('i-web01'), data: { content: running('i-web01').data } };
    const result = only(await invokeOnCloud(cloud, 'on-event', cloudEvent));
    expect(result.created).toHaveLength(2);
  });

  it('drops malformed input without writing anything and without throwing', async () => {
    const result = await invokeOnCloud(cloud, 'on-event', Buffer.from('{"id": "x", "type": '));
    expect(result).toMatchObject({ dropped: expect.stringContaining('payload is not JSON') });
    const noResource = await invokeOnCloud(cloud, 'on-event', { ...running('i-web01'), data: { state: 'Running' } });
    expect(noResource).toEqual({ events: [expect.objectContaining({ verdict: 'bad', why: expect.stringContaining('resourceId') })] });
    const huge = await invokeOnCloud(cloud, 'on-event', Buffer.alloc(300 * 1024, 0x20));
    expect(huge).toMatchObject({ dropped: expect.stringContaining('exceeds') });
    expect(sessions()).toHaveLength(0);
  });
});
