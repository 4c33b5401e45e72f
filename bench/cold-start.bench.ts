import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startLocalCloud } from '../localcloud/index.js';
import { buildFunctions, bundle } from '../scripts/build.js';
import type { Bench, Row } from './bench.js';

const ROOT = resolve(__dirname, '..');
const RUNS = 5;
const STS = { accessKeyId: 'STS.localcloud-fc', accessKeySecret: 'localcloud-fc-secret', securityToken: 'localcloud-fc-token' };

/** A first event each function is meant to get; a function without one here is measured on an empty event. */
const FIRST_EVENT: Record<string, unknown> = {
  'on-event': JSON.parse(readFileSync(join(ROOT, 'events/ecs-instance-running.json'), 'utf8')),
  reconcile: { triggerTime: '2026-11-25T00:00:00Z', triggerName: 'hourly', payload: '{"mode":"report"}' },
  'reconcile-region': { regionId: 'cn-hangzhou', mode: 'report', runId: 'bench' },
};

const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Cold start of each function bundle (load it in a fresh process and handle a first event against localcloud)
 * and its size, beside a bare middy handler bundled the same way and measured in the same run.
 */
const bench: Bench = {
  name: 'cold-start',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'automirror-cold-'));
    const cloud = await startLocalCloud({ world: join(ROOT, 'worlds/default.json') });
    try {
      const built = await buildFunctions(join(dir, 'dist'));
      await bundle(join(__dirname, 'bare-handler.ts'), join(dir, 'bare/index.js'));
      const env = { ...process.env, AUTOMIRROR_ENDPOINT: cloud.endpoint, AUTOMIRROR_MNS_ENDPOINT: `http://${cloud.endpoint}`, AUTOMIRROR_FC_ENDPOINT: cloud.endpoint, AUTOMIRROR_LOG_LEVEL: 'silent' };
      // Asynchronously: localcloud answers the child from this very process.
      const time = async (bundlePath: string, name: string, event: unknown) => {
        const context = { requestId: 'bench', region: 'cn-hangzhou', accountId: cloud.state.accountId, credentials: STS, function: { name, timeout: 60 } };
        const totals: Array<{ totalMs: number; loadMs: number }> = [];
        for (let i = 0; i < RUNS; i++) {
          const { stdout } = await run(process.execPath, [join(__dirname, 'cold-runner.cjs'), bundlePath, JSON.stringify(event), JSON.stringify(context)], {
            env: { ...env, AUTOMIRROR_POLICY_FILE: join(dir, 'dist', name, 'policy.yaml') },
            encoding: 'utf8',
          });
          totals.push(JSON.parse(stdout) as { totalMs: number; loadMs: number });
        }
        return { total: median(totals.map((t) => t.totalMs)), load: median(totals.map((t) => t.loadMs)) };
      };
      const bareBytes = statSync(join(dir, 'bare/index.js')).size;
      const bare = await time(join(dir, 'bare/index.js'), 'bare', {});
      const rows: Row[] = [];
      for (const b of built) {
        const t = await time(join(dir, 'dist', b.name, 'index.js'), b.name, FIRST_EVENT[b.name] ?? {});
        rows.push(
          {
            case: b.name,
            measure: `cold start: load ${t.load.toFixed(0)} ms + first event (median of ${RUNS})`,
            value: t.total,
            unit: 'ms',
            baseline: bare.total,
            target: `≤ ${(bare.total + 150).toFixed(0)} ms (bare + 150)`,
          },
          { case: b.name, measure: 'bundle size (minified CJS)', value: b.bytes / 1024, unit: 'KiB', baseline: bareBytes / 1024, target: '≤ 2048 KiB' },
        );
      }
      return rows;
    } finally {
      await cloud.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
