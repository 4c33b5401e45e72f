import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { invokeOnCloud, REPO_POLICY, sampleEvent } from '../support/invoke.js';
import { withCloud } from '../support/localcloud.js';

// Issue 11, items 1, 3 and 6: inputs a chaos run found crashing on-event (so FC retried them) or costing a cloud
// read per forged id. Each is now handled once: the invocation succeeds (no retry), the cloud is not called at
// all, and one log line says why.

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await withCloud();
});
afterAll(() => cloud.close());
afterEach(() => vi.restoreAllMocks());

const sample = (name: string) => JSON.parse(sampleEvent(name).toString('utf8'));
let n = 0;
const tagCall = (requestParameters: Record<string, unknown>, eventName = 'TagResources') => {
  const e = sample('ecs-actiontrail-tag-resources.json');
  return { ...e, id: `hostile-${++n}`, data: { ...e.data, eventName, requestParameters } };
};
const running = (extra: Record<string, unknown> = {}) => ({ ...sample('ecs-instance-running.json'), id: `hostile-${++n}`, ...extra });
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const ids = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}-forged${i}`);

/** Invokes on-event as FC would, capturing its log lines (stdout) and every call the cloud received. */
async function once(event: Buffer | object, env: Record<string, string> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('{"time"')) for (const l of text.trim().split('\n')) lines.push(JSON.parse(l));
    else return write(chunk, ...(rest as []));
    return true;
  });
  const before = cloud.controls.calls.list().length;
  const out = (await invokeOnCloud(cloud, 'on-event', event, { AUTOMIRROR_LOG_LEVEL: 'info', ...env })) as { events: Array<{ verdict: string; why: string }>; results?: unknown[] };
  vi.restoreAllMocks();
  return { out, lines, calls: cloud.controls.calls.list().slice(before) };
}

const CASES: Array<{ name: string; event: () => Buffer | object; verdict: string; why: RegExp; level: 'warn' | 'info' }> = [
  {
    name: 'data nested 6,000 levels deep (~12 KB)',
    event: () => Buffer.from(`{"id":"deep-1","source":"acs.ecs","type":"ecs:Instance:StateChange","data":${nested(6000)}}`),
    verdict: 'bad',
    why: /too large or deep to read: nested deeper than 32 levels/,
    level: 'warn',
  },
  { name: 'a batch whose event is a list nested 6,000 levels deep', event: () => Buffer.from(`[${nested(6000)}]`), verdict: 'bad', why: /an event is not a JSON object \(\[\[\[/, level: 'warn' },
  {
    name: 'an event with 6,000-deep nesting under an unknown field',
    event: () => Buffer.from(JSON.stringify(running()).replace(/^\{/, `{"extra":${nested(6000)},`)),
    verdict: 'bad',
    why: /nested deeper than 32 levels/,
    level: 'warn',
  },
  {
    name: 'ResourceType {"toString": null}',
    event: () => tagCall({ ResourceType: { toString: null }, 'ResourceId.1': 'i-web01' }),
    verdict: 'bad',
    why: /ResourceType that is not text \(\{"toString":null\}\)/,
    level: 'warn',
  },
  {
    name: 'ResourceType {"valueOf": null, "toString": null}',
    event: () => tagCall({ ResourceType: { valueOf: null, toString: null } }),
    verdict: 'bad',
    why: /ResourceType that is not text/,
    level: 'warn',
  },
  ...['__proto__', 'hasOwnProperty', 'valueOf', 'toString', 'constructor', 'isPrototypeOf', '__defineGetter__'].map((type) => ({
    name: `an event type named like a built-in member: ${type}`,
    // As text, so that `__proto__` is a field of the event and not its prototype.
    event: () => Buffer.from(JSON.stringify({ ...running(), type })),
    verdict: 'ignored',
    why: /is not an event automirror handles/,
    level: 'info' as const,
  })),
  {
    name: 'data fields named like built-in members',
    event: () => Buffer.from(JSON.stringify({ ...running(), data: {} }).replace('"data":{}', '"data":{"__proto__":{"resourceId":"i-web01","state":"Running"},"constructor":1}')),
    verdict: 'bad',
    why: /no valid instance id/,
    level: 'warn',
  },
  {
    name: 'a TagResources record naming 5,000 forged instances',
    event: () => tagCall({ ResourceType: 'instance', ResourceId: ids(5000, 'i') }),
    verdict: 'bad',
    why: /TagResources names 5000 resources; the API takes at most 50/,
    level: 'warn',
  },
  {
    name: 'an UntagResources record naming 5,000 forged ENIs as flat parameters',
    event: () => tagCall({ ResourceType: 'eni', ...Object.fromEntries(ids(5000, 'eni').map((id, i) => [`ResourceId.${i + 1}`, id])) }, 'UntagResources'),
    verdict: 'bad',
    why: /UntagResources names 5000 resources; the API takes at most 50/,
    level: 'warn',
  },
  {
    name: 'a RunInstances record naming 5,000 forged instances',
    event: () => {
      const e = tagCall({});
      return { ...e, data: { ...e.data, eventName: 'RunInstances', referencedResources: { 'ACS::ECS::Instance': ids(5000, 'i') } } };
    },
    verdict: 'bad',
    why: /RunInstances names 5000 resources; the API takes at most 100/,
    level: 'warn',
  },
  {
    name: 'an event whose id is 200 KB',
    event: () => running({ id: 'x'.repeat(200_000) }),
    verdict: 'bad',
    why: /is too large or deep to read: a string of 200000 characters/,
    level: 'warn',
  },
  {
    name: 'an event for a region that does not exist',
    event: () => running({ aliyunregionid: 'xx-nowhere-9' }),
    verdict: 'ignored',
    why: /out of scope: region xx-nowhere-9 is not one this deployment covers \(cn-hangzhou\)/,
    level: 'info',
  },
  {
    name: 'an ActionTrail record for a real region the deployment does not cover',
    event: () => ({
      ...tagCall({ ResourceType: 'instance', 'ResourceId.1': 'i-web01' }),
      data: { ...tagCall({}).data, requestParameters: { ResourceType: 'instance', 'ResourceId.1': 'i-web01' }, acsRegion: 'eu-central-1' },
    }),
    verdict: 'ignored',
    why: /out of scope: region eu-central-1/,
    level: 'info',
  },
];

describe('hostile input reaches on-event once: no throw (so no FC retry), no cloud call, one log line', () => {
  it.each(CASES)('$name', async (c) => {
    const { out, lines, calls } = await once(c.event(), { AUTOMIRROR_REGIONS: '' });
    expect(calls).toEqual([]);
    expect(out.results).toBeUndefined();
    expect(out.events).toHaveLength(1);
    expect(out.events[0].verdict).toBe(c.verdict);
    expect(out.events[0].why).toMatch(c.why);
    expect(out.events[0].why.length).toBeLessThan(400);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: c.level, msg: 'events not acted on' });
    expect(JSON.stringify(lines[0]).length).toBeLessThan(2000);
  });

  it('the regions a deployment covers are its own and AUTOMIRROR_REGIONS: others stay out of scope', async () => {
    const { out, calls } = await once(running({ aliyunregionid: 'ap-southeast-1' }), { AUTOMIRROR_REGIONS: 'cn-hangzhou,cn-shanghai' });
    expect(calls).toEqual([]);
    expect(out.events[0].why).toMatch(/out of scope: region ap-southeast-1 is not one this deployment covers \(cn-hangzhou, cn-shanghai\)/);
  });

  it('a batch of 1,000 bad events is still one bounded log line: the first 20, each clipped, and a count of the rest', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => ({ id: `${i}-${'x'.repeat(100)}`, source: 'acs.ecs', type: 'ecs:Instance:StateChange', data: { resourceId: 'web01', state: 'Running' } }));
    const { out, lines, calls } = await once(Buffer.from(JSON.stringify(batch)));
    expect(calls).toEqual([]);
    expect(out.events).toHaveLength(1000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'events not acted on', more: 980 });
    const shown = lines[0].events as Array<{ id: string }>;
    expect(shown).toHaveLength(20);
    expect(shown.every((e) => e.id.length <= 65 && e.id.endsWith('…'))).toBe(true);
    expect(JSON.stringify(lines[0]).length).toBeLessThan(20_000);
  });

  it('a batch naming 1,000 well-formed instances that do not exist: reads per 100 ids, not per id; no retry; one log line', async () => {
    const base = running();
    const batch = Array.from({ length: 1000 }, (_, i) => ({
      id: `gone-${i}`,
      source: base.source,
      type: base.type,
      aliyunregionid: base.aliyunregionid,
      data: { resourceId: `i-gone${i}`, state: 'Running' },
    }));
    const { out, lines, calls } = await once(Buffer.from(JSON.stringify(batch)));
    expect(out.events.filter((e) => e.verdict === 'reconcile')).toHaveLength(1000);
    // 10 DescribeInstances (100 ids each) find none; one list of the owned sessions finds none tagged with them.
    expect(calls.map((c) => c.action).sort()).toEqual([...Array(10).fill('DescribeInstances'), 'ListTrafficMirrorSessions']);
    expect(lines).toHaveLength(1);
  });

  it('a policy with a zero-width space in a tag value is refused before any cloud call, naming U+200B', async () => {
    const policy = readFileSync(REPO_POLICY, 'utf8').replace('equals: "on"', 'equals: "o\\u200bn"');
    expect(policy).toContain('\\u200b');
    const before = cloud.controls.calls.list().length;
    // A refused policy is the deployment's fault, not the event's: the invocation fails loudly (FC's retries end in
    // the failed-events queue and the report), and nothing is read or written with a rule that could never match.
    await expect(invokeOnCloud(cloud, 'on-event', running(), { AUTOMIRROR_POLICY: policy })).rejects.toThrow(
      /rules\[0\]\.match\.equals: expected a tag value without control or invisible characters, got "o\u200bn" \(U\+200B at character 2\)/,
    );
    expect(cloud.controls.calls.list().length).toBe(before);
  });

  it('an event for the deployment’s own region is still acted on', async () => {
    const { out, calls } = await once(running(), { AUTOMIRROR_REGIONS: 'cn-shanghai' });
    expect(out.events[0].verdict).toBe('reconcile');
    expect(calls.length).toBeGreaterThan(0);
  });
});
