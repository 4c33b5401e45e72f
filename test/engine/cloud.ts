import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile, WorldFreeEni, WorldInstance, WorldSession } from '../../localcloud/world/types.js';
import type { CloudConfig } from '../../shared/cloud/config.js';
import { ownershipKeysFromEnv } from '../../shared/cloud/ownership-keys.js';
import type { Subject, Tags } from '../../shared/domain.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import type { EnsureDeps } from '../../shared/engine/ensure.js';
import { OWNER_TAG, OWNER_VALUE, RULE_TAG } from '../../shared/engine/ownership.js';
import type { RetryPolicy } from '../../shared/engine/retry.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { DEMO_KEY, defaultWorld } from '../support/localcloud.js';
import { proven } from '../support/ownership.js';

/** A localcloud world for the engine's integration tests: n instances, each with tagged ENIs, and two collectors. */

export const REGION = 'cn-hangzhou';
/** The account of the default world (worlds/default.json). */
export const ACCOUNT = '1234567890123456';
export const instanceId = (i: number): string => `i-t${String(i).padStart(4, '0')}`;
export const eniId = (i: number, k = 0): string => `eni-t${String(i).padStart(4, '0')}${'pabcdefgh'[k]}`;

export interface WorldSpec {
  readonly instances: number;
  readonly enisPerInstance?: number;
  readonly sessions?: WorldSession[];
  /** ENIs attached to no instance. */
  readonly freeEnis?: WorldFreeEni[];
  /** ENIs that existed once (sessions may still name them). */
  readonly deleted?: string[];
  readonly options?: WorldFile['options'];
  readonly instance?: (i: number) => Partial<WorldInstance>;
}

export function engineWorld(w: WorldSpec): WorldFile {
  const base = defaultWorld();
  const region = base.regions[REGION];
  const instances: WorldInstance[] = Array.from({ length: w.instances }, (_, i) => ({
    instanceId: instanceId(i),
    instanceType: 'ecs.g7.large',
    vSwitchId: i % 2 === 0 ? 'vsw-prod-h' : 'vsw-prod-i',
    status: 'Running',
    tags: { mirror: 'on' },
    networkInterfaces: Array.from({ length: w.enisPerInstance ?? 1 }, (_, k) => ({ networkInterfaceId: eniId(i, k), type: k === 0 ? 'Primary' : 'Secondary' })),
    ...w.instance?.(i),
  }));
  const lb = (id: string) => ({ loadBalancerId: id, addressType: 'intranet' as const, networkType: 'vpc' as const, vpcId: 'vpc-prod01', vSwitchId: 'vsw-prod-h', udpListenerPorts: [4789] });
  return {
    ...base,
    options: { asyncDelayMs: 40, ...w.options },
    regions: {
      [REGION]: { ...region, instances, networkInterfaces: w.freeEnis ?? [], loadBalancers: [lb('lb-a'), lb('lb-b')], trafficMirrorSessions: w.sessions ?? [], deletedNetworkInterfaceIds: w.deleted },
    },
  };
}

/**
 * A session already in the world; owned by automirror under `rule` (its tags, `over.tags` included, proven with
 * the test key) unless rule is null.
 */
export function worldSession(id: string, sources: string[], priority: number, rule: string | null = 'web', over: Partial<WorldSession> = {}): WorldSession {
  const tags = (over.tags as Tags | undefined) ?? (rule === null ? { team: 'netops' } : { [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: rule });
  return {
    trafficMirrorSessionId: id,
    priority,
    enabled: true,
    packetLength: 1500,
    trafficMirrorFilterId: 'tmf-allipv4',
    trafficMirrorSourceIds: sources,
    trafficMirrorTargetId: 'lb-a',
    trafficMirrorTargetType: 'SLB',
    ...over,
    tags: rule === null ? tags : proven(id, tags),
  };
}

/** One rule `web` over every ENI tagged mirror=on; `mirror` is the YAML of the rule's mirror block's extra lines. */
export function webPolicy(mirror = '', band = '{ min: 1000, max: 1999 }') {
  return parsePolicy(
    [
      'version: 1',
      'rules:',
      '  - name: web',
      '    match: { tag: mirror, equals: "on" }',
      '    mirror:',
      `      priority: ${band}`,
      ...(mirror.includes('pool:') || mirror.includes('target:') ? [] : ['      target: { slb: lb-a }']),
      ...(mirror.includes('filter:') ? [] : ['      filter: tmf-allipv4']),
      ...mirror
        .split('\n')
        .filter(Boolean)
        .map((l) => `      ${l.trim()}`),
    ].join('\n'),
    'test-policy',
  );
}

/** Quick retries for tests that run in real time against localcloud. */
export const FAST_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 40, capMs: 800 };

/** The engine's config for localcloud: the demo key, and the test ownership keys in the world's account. */
export function cloudConfig(cloud: LocalCloud, over: Partial<CloudConfig> = {}): CloudConfig {
  return { regionId: REGION, credentials: DEMO_KEY, endpoint: cloud.endpoint, timeoutMs: 5_000, ownership: { keys: ownershipKeysFromEnv(), accountId: cloud.state.accountId }, ...over };
}

export function engineDeps(cloud: LocalCloud, policy = webPolicy(), over: Partial<CloudConfig> = {}, retry: RetryPolicy = FAST_RETRY): EnsureDeps {
  return { policy, ...engineAdapters(cloudConfig(cloud, over), { retry }) };
}

export const subject = (instanceIds: readonly string[], eniIds: readonly string[] = []): Subject => ({ accountId: ACCOUNT, regionId: REGION, instanceIds, eniIds, cause: 'test' });

export const startCloud = (w: WorldSpec): Promise<LocalCloud> => startLocalCloud({ world: engineWorld(w) });

export const sessionsIn = (cloud: LocalCloud) => [...cloud.state.region(REGION).sessions.values()];

/** The calls the cloud answered, as `Action code` lines, for one action or all. */
export const callCodes = (cloud: LocalCloud, action?: string) => cloud.controls.calls.list({ action }).map((c) => `${c.action} ${c.code}`);
