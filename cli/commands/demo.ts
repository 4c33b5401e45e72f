import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startLocalCloud } from '../../localcloud/index.js';
import type { EnsureSummary } from '../../shared/engine/summary.js';
import { invokeLocally } from '../local-invoke.js';

const ROOT = resolve(__dirname, '../..');

/**
 * `npm start`: the main job on the embedded localcloud. Serves the default world, feeds the sample ECS events
 * in events/ to on-event as FC would, and prints the sessions created and the ENIs skipped, with reasons.
 */
export async function demoCommand(): Promise<number> {
  const worldFile = join(ROOT, 'worlds/default.json');
  const cloud = await startLocalCloud({ world: worldFile });
  const world = JSON.parse(readFileSync(worldFile, 'utf8')) as { accountId: string; accessKeys: Array<{ accessKeyId: string; accessKeySecret: string; securityToken?: string }> };
  const sts = world.accessKeys.find((k) => k.securityToken) ?? world.accessKeys[0];
  const out = (s = '') => process.stdout.write(`${s}\n`);
  out(`localcloud serving worlds/default.json at ${cloud.endpoint}`);
  try {
    const files = readdirSync(join(ROOT, 'events')).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
      const result = (await invokeLocally({
        functionName: 'on-event',
        event: readFileSync(join(ROOT, 'events', file)),
        region: 'cn-hangzhou',
        accountId: world.accountId,
        credentials: sts,
        env: { AUTOMIRROR_ENDPOINT: cloud.endpoint, AUTOMIRROR_POLICY_FILE: join(ROOT, 'policy.yaml'), AUTOMIRROR_LOG_LEVEL: 'warn' },
      })) as Partial<EnsureSummary> & { ignored?: string; dropped?: string };
      out(`\nevent ${file}: ${result.cause ?? result.ignored ?? result.dropped}`);
      for (const c of result.created ?? []) out(`  created ${c.sessionId} for ${c.eniId} (rule ${c.rule}, priority ${c.priority})`);
      for (const u of result.unchanged ?? []) out(`  unchanged ${u.eniId}: ${u.reason}`);
      for (const s of result.skipped ?? []) out(`  skipped ${s.eniId}: ${s.reason}`);
      for (const u of result.unmirrored ?? []) out(`  UNMIRRORED ${u.eniId}: ${u.reason}`);
      for (const d of result.deferred ?? []) out(`  deferred ${d.eniIds.join(', ')}: ${d.reason}`);
      for (const f of result.failed ?? []) out(`  FAILED ${f.reason}: ${f.error}`);
    }
    out('\nsessions in cn-hangzhou now:');
    for (const s of cloud.state.region('cn-hangzhou').sessions.values()) {
      out(`  ${s.trafficMirrorSessionId} ${s.status} priority ${s.priority} sources ${s.trafficMirrorSourceIds.join(',')} → ${s.trafficMirrorTargetType} ${s.trafficMirrorTargetId}`);
    }
  } finally {
    await cloud.close();
  }
  return 0;
}
