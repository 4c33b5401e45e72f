import { actiontrailProduct } from '../actiontrail/index.js';
import { Trail } from '../actiontrail/trail.js';
import { CmsStore, cmsProduct } from '../cms/index.js';
import type { Keyring } from '../core/keyring.js';
import { ecsProduct } from '../ecs/index.js';
import { CallLog } from '../pop/call-log.js';
import { Faults } from '../pop/faults.js';
import { PopProtocol } from '../pop/protocol.js';
import { Throttle } from '../pop/throttle.js';
import { slbProduct } from '../slb/index.js';
import type { CloudState } from '../state.js';
import { vpcProduct } from '../vpc/index.js';
import type { WorldFile } from '../world/types.js';
import { CloudControls } from './controls.js';
import { AdminProtocol } from './protocol.js';

/**
 * The POP products (ECS, VPC, SLB, ActionTrail over the events they record, CloudMonitor's custom metrics and alarm rules) behind their interceptors — call log first so it sees throttled and faulted
 * calls too, then throttling, then faults — and the admin endpoint that controls them.
 */
export function assemblePop(state: CloudState, keyring: Keyring, world: WorldFile) {
  const callLogLimit = world.options?.callLogLimit ?? 100_000;
  const calls = new CallLog(state.now, callLogLimit);
  const throttle = new Throttle(state.now);
  const faults = new Faults(state.rng);
  const trail = new Trail(state, callLogLimit);
  const cms = new CmsStore();
  const pop = new PopProtocol(keyring, [ecsProduct(state), vpcProduct(state), slbProduct(state), actiontrailProduct(state, trail), cmsProduct(state, cms)], [calls, throttle, faults]);
  const controls = new CloudControls(state, keyring, calls, faults, throttle, callLogLimit);
  controls.setRateLimits(world.options?.rateLimits ?? {});
  controls.setFaults(world.options?.faults ?? []);
  return { pop, controls, cms, throttle, admin: new AdminProtocol(controls) };
}
