import * as $Vpc from '@alicloud/vpc20160428';
import { expect } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localcloud/index.js';
import type { WorldFile, WorldFreeEni } from '../../localcloud/world/types.js';
import { ecsClient, testWorld, vpcClient, waitFor } from './localcloud.js';

/** Helpers for the localcloud conformance tests: every call still goes through an official SDK client. */

export const REGION = 'cn-hangzhou';

const open = new Set<LocalCloud>();

/** Starts a localcloud for one test; `closeTestClouds` (in afterEach) stops it. */
export async function startTestCloud(world: WorldFile = testWorld()) {
  const cloud = await startLocalCloud({ world });
  open.add(cloud);
  return { cloud, vpc: vpcClient(cloud), ecs: ecsClient(cloud) };
}

export async function closeTestClouds(): Promise<void> {
  await Promise.all([...open].map((c) => c.close()));
  open.clear();
}

/** Asserts the SDK raised the cloud's error: the code, and the HTTP status when given. */
export async function expectCode(call: Promise<unknown>, code: string, statusCode?: number) {
  const err = await call.then(
    () => expect.fail(`expected ${code}, but the call succeeded`),
    (e: unknown) => e as { code?: string; statusCode?: number; name?: string; retryAfter?: number },
  );
  expect(err.code).toBe(code);
  if (statusCode !== undefined) expect(err.statusCode).toBe(statusCode);
  return err;
}

/** Adds `n` free ENIs (`<prefix>-0001`, …) on vsw-prod-h to the default region of a world. */
export function withFreeEnis(world: WorldFile, n: number, prefix = 'eni-free'): WorldFile {
  const enis: WorldFreeEni[] = Array.from({ length: n }, (_, i) => ({ networkInterfaceId: `${prefix}-${String(i + 1).padStart(4, '0')}`, vSwitchId: 'vsw-prod-h' }));
  const region = world.regions[REGION];
  return { ...world, regions: { ...world.regions, [REGION]: { ...region, networkInterfaces: [...(region.networkInterfaces ?? []), ...enis] } } };
}

export const freeEni = (i: number, prefix = 'eni-free') => `${prefix}-${String(i).padStart(4, '0')}`;

type SessionFields = ConstructorParameters<typeof $Vpc.CreateTrafficMirrorSessionRequest>[0];

/** A valid CreateTrafficMirrorSession request against the default world, with overrides. */
export function sessionRequest(overrides: SessionFields = {}) {
  return new $Vpc.CreateTrafficMirrorSessionRequest({
    regionId: REGION,
    trafficMirrorSourceIds: ['eni-web01s'],
    trafficMirrorTargetId: 'eni-ids01p',
    trafficMirrorTargetType: 'NetworkInterface',
    trafficMirrorFilterId: 'tmf-allipv4',
    priority: 1,
    ...overrides,
  });
}

export async function createSession(vpc: ReturnType<typeof vpcClient>, overrides: SessionFields = {}): Promise<string> {
  const r = await vpc.createTrafficMirrorSession(sessionRequest(overrides));
  return r.body?.trafficMirrorSessionId as string;
}

type ListFields = ConstructorParameters<typeof $Vpc.ListTrafficMirrorSessionsRequest>[0];

export async function listSessions(vpc: ReturnType<typeof vpcClient>, fields: ListFields = {}) {
  const r = await vpc.listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: REGION, ...fields }));
  return r.body as $Vpc.ListTrafficMirrorSessionsResponseBody;
}

export async function getSession(vpc: ReturnType<typeof vpcClient>, id: string) {
  return (await listSessions(vpc, { trafficMirrorSessionIds: [id] })).trafficMirrorSessions?.[0];
}

export const waitForSessionStatus = (vpc: ReturnType<typeof vpcClient>, id: string, status: string) => waitFor(async () => (await getSession(vpc, id))?.trafficMirrorSessionStatus === status);

/** Creates a session and waits until it is Created, so it accepts writes. */
export async function createdSession(vpc: ReturnType<typeof vpcClient>, overrides: SessionFields = {}): Promise<string> {
  const id = await createSession(vpc, overrides);
  await waitForSessionStatus(vpc, id, 'Created');
  return id;
}

export { ecsClient, testWorld, vpcClient, waitFor };
