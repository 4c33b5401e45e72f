import { describe, expect, it } from 'vitest';
import { startLocalCloud } from '../../localcloud/index.js';
import { defaultWorld } from '../support/localcloud.js';

describe('world file', () => {
  it('loads the default world that ships with the repo', async () => {
    const cloud = await startLocalCloud({ world: 'worlds/default.json' });
    try {
      const r = cloud.state.region('cn-hangzhou');
      expect([...r.instances.keys()].sort()).toEqual(['i-db01', 'i-ids01', 'i-web01']);
      expect(r.enis.get('eni-web01s')).toMatchObject({ type: 'Secondary', instanceId: 'i-web01', status: 'InUse' });
      expect(r.loadBalancers.get('lb-collector01')).toMatchObject({ addressType: 'intranet', udpListenerPorts: [4789] });
    } finally {
      await cloud.close();
    }
  });

  it('refuses an unknown field and names its path', async () => {
    const w = defaultWorld() as unknown as { regions: Record<string, { instances: Array<Record<string, unknown>> }> };
    w.regions['cn-hangzhou'].instances[1].instanceTyp = 'ecs.g7.large';
    await expect(startLocalCloud({ world: w as never })).rejects.toThrow('/regions/cn-hangzhou/instances/1: unknown field "instanceTyp"');
  });

  it('refuses a reference to an undeclared vSwitch, naming where', async () => {
    const w = defaultWorld();
    w.regions['cn-hangzhou'].instances![0].vSwitchId = 'vsw-nowhere';
    await expect(startLocalCloud({ world: w })).rejects.toThrow('/regions/cn-hangzhou/instances/0/vSwitchId: vSwitch "vsw-nowhere" is not declared');
  });
});
