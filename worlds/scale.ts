import type { WorldFile, WorldInstance, WorldSession } from '../localcloud/world/types.js';
import type { OwnershipKeys } from '../shared/cloud/ownership-keys.js';
import { proofOf } from '../shared/cloud/ownership-proof.js';
import { INSTANCE_TAG, OWNER_TAG, OWNER_VALUE, PROOF_TAG, RULE_TAG } from '../shared/engine/ownership.js';
import base from './default.json';

/**
 * A region-sized world, generated (a 20,000-ENI JSON file would be tens of megabytes): instances with two ENIs
 * each in four zones; 15% of the ENIs opted into the per-ENI rules web-a and web-b, 55% into the pooled rule db
 * (10 ENIs a session), 30% not opted in. Mirroring is in place except for the drift asked for; sessions of another
 * team on ENIs the policy leaves out fill the session count up. Deterministic for the same options.
 */

export interface ScaleOptions {
  /** ENIs in the region (two per instance). */
  readonly enis: number;
  /** Sessions in the region, owned and not. */
  readonly sessions: number;
  readonly drift?: Partial<Drift>;
  readonly options?: WorldFile['options'];
  /** The keys automirror's sessions in the world are proven with (the ones the reconcile will run with). */
  readonly keys: OwnershipKeys;
}

/** How much of each kind of drift the world holds. */
export interface Drift {
  /** Opted-in per-ENI ENIs whose session was deleted by hand: creates. */
  readonly missing: number;
  /** db ENIs no pooled session holds: add-sources, or pooled creates. */
  readonly unpooled: number;
  /** Per-ENI sessions switched off by hand: updates. */
  readonly disabled: number;
  /** Per-ENI sessions moved to another filter by hand: updates. */
  readonly refiltered: number;
  /** Owned sessions on ENIs no longer opted in: deletes. */
  readonly optedOut: number;
  /** Owned sessions naming ENIs that no longer exist: deletes. */
  readonly gone: number;
}

export const NO_DRIFT: Drift = { missing: 0, unpooled: 0, disabled: 0, refiltered: 0, optedOut: 0, gone: 0 };

export const REGION = 'cn-hangzhou';
const ZONES = ['h', 'i', 'j', 'k'];
const LB_CAPACITY = 500;

/** The policy the world is made for: the rule names, tags, pools, filters and priority bands below. */
export function scalePolicy(enis: number): string {
  const pool = (prefix: string, n: number) => `[${Array.from({ length: n }, (_, i) => `{ slb: lb-${prefix}${i} }`).join(', ')}]`;
  const { web, db } = poolSizes(enis);
  const rule = (name: string, filter: string, band: string, lbs: string, layout: string) => [
    `  - name: ${name}`,
    `    match: { tag: mirror, equals: ${name} }`,
    '    mirror:',
    `      pool: ${lbs}`,
    `      filter: ${filter}`,
    `      priority: ${band}`,
    `      layout: ${layout}`,
  ];
  return [
    'version: 1',
    'rules:',
    ...rule('web-a', 'tmf-wa', '{ min: 1, max: 9999 }', pool('wa', web), 'per-eni'),
    ...rule('web-b', 'tmf-wb', '{ min: 10000, max: 19999 }', pool('wb', web), 'per-eni'),
    ...rule('db', 'tmf-db', '{ min: 20000, max: 29999 }', pool('db', db), '{ pooled: 10 }'),
    '',
  ].join('\n');
}

/** Load balancers per pool: room for every opted-in ENI of the pool's rules with a quarter to spare. */
function poolSizes(enis: number): { web: number; db: number } {
  const lbs = (share: number) => Math.max(1, Math.ceil((enis * share * 1.25) / LB_CAPACITY));
  return { web: lbs(0.075), db: lbs(0.55) };
}

/** Another team's load balancers, 400 sources each. */
const theirs = (i: number) => `lb-theirs${Math.floor(i / 400)}`;

const id = (prefix: string, n: number) => `${prefix}${n.toString(36).padStart(5, '0')}`;

export function scaleWorld(opts: ScaleOptions): WorldFile {
  const drift = { ...NO_DRIFT, ...opts.drift };
  const instances: WorldInstance[] = [];
  const byRule = new Map<string, string[]>([
    ['web-a', []],
    ['web-b', []],
    ['db', []],
    ['', []],
  ]);
  const count = Math.ceil(opts.enis / 2);
  let web = 0;
  for (let n = 0; n < count; n++) {
    // Of every 20 instances: 3 web-a and web-b in turn, 11 db, 6 not opted in.
    const k = n % 20;
    const rule = k < 3 ? (web++ % 2 ? 'web-b' : 'web-a') : k < 14 ? 'db' : '';
    const enis = [id('eni-p', n), id('eni-s', n)].slice(0, Math.min(2, opts.enis - 2 * n));
    byRule.get(rule)?.push(...enis);
    instances.push({
      instanceId: id('i-', n),
      instanceType: 'ecs.g7.large',
      vSwitchId: `vsw-${ZONES[n % 4]}`,
      tags: rule ? { mirror: rule, app: rule } : { app: 'batch' },
      networkInterfaces: enis.map((networkInterfaceId, i) => ({ networkInterfaceId, type: i === 0 ? 'Primary' : 'Secondary' })),
    });
  }
  const sizes = poolSizes(opts.enis);
  const lbs = new Set([...lbNames('wa', sizes.web), ...lbNames('wb', sizes.web), ...lbNames('db', sizes.db)]);
  const sessions: WorldSession[] = [];
  const owned = (rule: string, sources: string[], priority: number, target: string, filter: string, over: Partial<WorldSession> = {}): void => {
    const sessionId = id('tms-', sessions.length);
    const claim = { [OWNER_TAG]: OWNER_VALUE, [RULE_TAG]: rule, ...(sources.length === 1 && { [INSTANCE_TAG]: `i-${sources[0].slice(5)}` }) };
    const tags = { ...claim, [PROOF_TAG]: proofOf(opts.keys, { accountId: base.accountId, regionId: REGION, sessionId, tags: claim }) };
    sessions.push({
      trafficMirrorSessionId: sessionId,
      priority,
      enabled: true,
      packetLength: 1500,
      trafficMirrorFilterId: filter,
      trafficMirrorSourceIds: sources,
      trafficMirrorTargetId: target,
      trafficMirrorTargetType: 'SLB',
      tags,
      ...over,
    });
  };
  let disabled = drift.disabled;
  let refiltered = drift.refiltered;
  for (const [rule, prefix, filter, first] of [
    ['web-a', 'wa', 'tmf-wa', 1],
    ['web-b', 'wb', 'tmf-wb', 10_000],
  ] as const) {
    const enis = byRule.get(rule) ?? [];
    // The ENIs whose session was deleted by hand are spread over the rule, half of the drift to each rule.
    const skip = Math.ceil(drift.missing / 2);
    const every = skip > 0 ? Math.floor(enis.length / skip) : Infinity;
    enis.forEach((eni, i) => {
      if (i % every === every - 1 && i / every < skip) return;
      const over = disabled > 0 && i % 7 === 3 ? (disabled--, { enabled: false }) : refiltered > 0 && i % 7 === 5 ? (refiltered--, { trafficMirrorFilterId: 'tmf-other' }) : {};
      owned(rule, [eni], first + i, `lb-${prefix}${i % sizes.web}`, filter, over);
    });
  }
  const pooled = (byRule.get('db') ?? []).slice(drift.unpooled);
  for (let i = 0; i * 10 < pooled.length; i++) owned('db', pooled.slice(i * 10, i * 10 + 10), 20_000 + i, `lb-db${i % sizes.db}`, 'tmf-db');
  const outside = byRule.get('') ?? [];
  for (let i = 0; i < drift.optedOut; i++) owned('web-a', [outside[i]], 9_000 + i, 'lb-wa0', 'tmf-wa');
  const gone = Array.from({ length: drift.gone }, (_, i) => id('eni-gone', i));
  for (let i = 0; i < drift.gone; i++) owned('web-b', [gone[i]], 19_000 + i, 'lb-wb0', 'tmf-wb');
  // Another team's sessions on ENIs the policy leaves out, up to the session count asked for.
  for (let i = 0; sessions.length < opts.sessions; i++) {
    const eni = outside[(drift.optedOut + i) % outside.length];
    sessions.push({
      trafficMirrorSessionId: id('tms-', sessions.length),
      priority: 30_000 + i,
      trafficMirrorFilterId: 'tmf-theirs',
      trafficMirrorSourceIds: [eni],
      trafficMirrorTargetId: theirs(i),
      trafficMirrorTargetType: 'SLB',
      tags: { team: 'netops' },
    });
    lbs.add(theirs(i));
  }
  return regionWorld({ instances, lbs, filters: ['tmf-wa', 'tmf-wb', 'tmf-db', 'tmf-other', 'tmf-theirs'], sessions, deleted: gone }, opts.options);
}

/**
 * A generated world of REGION alone: vpc-prod01 with a vSwitch in each of the four zones (`vsw-h`…), the default
 * world's security groups, internal CLBs with the UDP 4789 listener, and a call log big enough for a whole run.
 */
export function regionWorld(
  r: { instances: WorldInstance[]; lbs: Iterable<string>; filters: readonly string[]; sessions: WorldSession[]; deleted?: string[] },
  options?: WorldFile['options'],
): WorldFile {
  const region = (base as unknown as WorldFile).regions[REGION];
  return {
    ...(base as unknown as WorldFile),
    options: { asyncDelayMs: 20, callLogLimit: 1_000_000, ...options },
    regions: {
      [REGION]: {
        vpcs: [{ vpcId: 'vpc-prod01', vSwitches: ZONES.map((z) => ({ vSwitchId: `vsw-${z}`, zoneId: `${REGION}-${z}` })) }],
        securityGroups: region.securityGroups,
        instances: r.instances,
        loadBalancers: [...r.lbs].map((loadBalancerId) => ({ loadBalancerId, addressType: 'intranet', networkType: 'vpc', vpcId: 'vpc-prod01', vSwitchId: 'vsw-h', udpListenerPorts: [4789] })),
        trafficMirrorFilters: r.filters.map((f) => ({ trafficMirrorFilterId: f })),
        trafficMirrorSessions: r.sessions,
        ...(r.deleted && { deletedNetworkInterfaceIds: r.deleted }),
      },
    },
  };
}

function lbNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `lb-${prefix}${i}`);
}
