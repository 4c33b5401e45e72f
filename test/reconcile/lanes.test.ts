import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import { kindOf } from '../../shared/engine/kinds.js';
import { eniId, worldSession } from '../engine/cloud.js';
import { VirtualClock } from '../engine/virtual-clock.js';
import { regionWorld, runRegion } from './support.js';

// Apply's lanes (issue 13): an action waits in the lane of the operation it starts with, each lane with its own
// concurrency, so the creates (held to 10 a second in the cloud) never hold up the updates and deletes.

let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

describe('an enforce run in lanes', () => {
  it('starts the first action of every lane at once, and the next of a lane only once one of its own is done', async () => {
    // eni 0's session disabled (an update), 1 and 2 unmirrored (two creates), a session of an ENI gone (a delete).
    const sessions = [worldSession('tms-w0', [eniId(0)], 1000, 'web', { enabled: false }), worldSession('tms-gone', ['eni-gone'], 1001)];
    cloud = await startLocalCloud({ world: regionWorld({ instances: 3, sessions, deleted: ['eni-gone'] }) });
    // Time stands still until the first outcome is told, then passes the deadline: what had started by then is
    // what the scheduler started at once, one action per lane (concurrency 1).
    const clock = new VirtualClock(0);
    const lanes: string[] = [];
    const { result } = await runRegion(cloud, 'enforce', undefined, {
      clock,
      deadline: 1,
      concurrency: 1,
      maxPasses: 1,
      onOutcome: (o) => {
        clock.advance(10);
        if (o.status !== 'deferred') lanes.push(kindOf(o.action).lane(o.action));
      },
    });
    const [pass] = result.passes;
    expect(pass.plan.actions.map((a) => a.kind)).toEqual(['update', 'create', 'create', 'delete']);
    expect(pass.outcomes.map((o) => `${o.action.kind} ${o.status}`)).toEqual(['update done', 'create done', 'create deferred', 'delete done']);
    expect(lanes.sort()).toEqual(['CreateTrafficMirrorSession', 'DeleteTrafficMirrorSession', 'UpdateTrafficMirrorSessionAttribute']);
    expect(result.unfinished).toBe(true);
  });
});
