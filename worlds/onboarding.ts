import type { WorldFile, WorldInstance, WorldSession } from '../localcloud/world/types.js';
import { REGION, regionWorld } from './scale.js';

export { REGION };

/**
 * An account being onboarded (issue 13): `enis` opted-in ENIs (one per instance, four zones) and not one session of
 * ours. The rule's pool has room for them all with a quarter to spare. Another team's sessions can be put on the
 * rule's filter (`filterSessions`, on ENIs the policy leaves out) to bring it near its 2,000-session quota.
 * Deterministic for the same options.
 */

export interface OnboardingOptions {
  readonly enis: number;
  /** Sessions another team already has on the rule's filter. */
  readonly filterSessions?: number;
  readonly options?: WorldFile['options'];
}

export const FILTER = 'tmf-onboard';
const ZONES = ['h', 'i', 'j', 'k'];
const LB_CAPACITY = 500;
/** Another team's load balancers take 400 sources each, its ENIs 3 sessions each (the quota per ENI). */
const THEIRS_PER_LB = 400;

const id = (prefix: string, n: number) => `${prefix}${n.toString(36).padStart(5, '0')}`;
const lbCount = (enis: number) => Math.max(2, Math.ceil((enis * 1.25) / LB_CAPACITY));

/** The policy: one rule, `onboard`, over every ENI tagged mirror=on, per-ENI or pooled `layout` ENIs a session. */
export function onboardingPolicy(enis: number, layout: 'per-eni' | number): string {
  const pool = Array.from({ length: lbCount(enis) }, (_, i) => `{ slb: lb-o${i} }`).join(', ');
  return [
    'version: 1',
    'rules:',
    '  - name: onboard',
    '    match: { tag: mirror, equals: on }',
    '    mirror:',
    `      pool: [${pool}]`,
    `      filter: ${FILTER}`,
    '      priority: { min: 1, max: 29999 }',
    `      layout: ${layout === 'per-eni' ? 'per-eni' : `{ pooled: ${layout} }`}`,
    '',
  ].join('\n');
}

export function onboardingWorld(opts: OnboardingOptions): WorldFile {
  const theirs = opts.filterSessions ?? 0;
  const instance = (n: number, eni: string, tags: Record<string, string>): WorldInstance => ({
    instanceId: id('i-', n),
    instanceType: 'ecs.g7.large',
    vSwitchId: `vsw-${ZONES[n % ZONES.length]}`,
    tags,
    networkInterfaces: [{ networkInterfaceId: eni, type: 'Primary' }],
  });
  const instances = Array.from({ length: opts.enis }, (_, n) => instance(n, id('eni-o', n), { mirror: 'on' }));
  const outside = Array.from({ length: Math.ceil(theirs / 3) }, (_, n) => instance(opts.enis + n, id('eni-x', n), { app: 'batch' }));
  const sessions: WorldSession[] = Array.from({ length: theirs }, (_, i) => ({
    trafficMirrorSessionId: id('tms-x', i),
    priority: 30_000 + i,
    trafficMirrorFilterId: FILTER,
    trafficMirrorSourceIds: [id('eni-x', Math.floor(i / 3))],
    trafficMirrorTargetId: id('lb-x', Math.floor(i / THEIRS_PER_LB)),
    trafficMirrorTargetType: 'SLB',
    tags: { team: 'netops' },
  }));
  const lbs = [...Array.from({ length: lbCount(opts.enis) }, (_, i) => `lb-o${i}`), ...Array.from({ length: Math.ceil(theirs / THEIRS_PER_LB) }, (_, i) => id('lb-x', i))];
  return regionWorld({ instances: [...instances, ...outside], lbs, filters: [FILTER], sessions }, opts.options);
}
