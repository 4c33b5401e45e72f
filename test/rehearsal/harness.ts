/** The production rehearsal for tests: localcloud behind the public endpoint names over TLS (localcloud/rehearsal). */
import type { Connection } from '../../localcloud/rehearsal/index.js';

export { type Connection, type Rehearsal, startRehearsal } from '../../localcloud/rehearsal/index.js';

/**
 * The documented public endpoints of the APIs a deployment talks to, one pattern per API: ECS/VPC/SLB by region,
 * MNS, FC and EventBridge by account and region, and STS (which Serverless Devs itself asks who an access belongs to).
 */
const DOCUMENTED_HOSTS: ReadonlyArray<[api: string, pattern: RegExp]> = [
  ['ECS', /^ecs\.[a-z0-9-]+\.aliyuncs\.com$/],
  ['VPC', /^vpc\.[a-z0-9-]+\.aliyuncs\.com$/],
  ['SLB', /^slb\.[a-z0-9-]+\.aliyuncs\.com$/],
  ['ActionTrail', /^actiontrail\.[a-z0-9-]+\.aliyuncs\.com$/],
  ['MNS', /^\d+\.mns\.[a-z0-9-]+\.aliyuncs\.com$/],
  ['FC', /^\d+\.[a-z0-9-]+\.fc\.aliyuncs\.com$/],
  ['EventBridge', /^\d+\.eventbridge\.[a-z0-9-]+\.aliyuncs\.com$/],
  ['STS', /^sts(\.[a-z0-9-]+)?\.aliyuncs\.com$/],
];

/** Which documented API a host name is the endpoint of, if any. */
export const documentedApi = (host: string): string | undefined => DOCUMENTED_HOSTS.find(([, p]) => p.test(host))?.[0];

/** The connections that break the rule: anything but TLS to a documented host on port 443, let through to localcloud. */
export function offending(connections: readonly Connection[]): Connection[] {
  return connections.filter((c) => !c.tls || c.port !== 443 || c.outcome !== 'localcloud' || !documentedApi(c.host) || c.servername !== c.host);
}
