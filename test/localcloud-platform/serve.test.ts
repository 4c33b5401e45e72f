import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serveLocalCloud } from '../../localcloud/platform/serve.js';
import { eventually, FIXTURE_SYAML, fc2Client, mnsClient } from './support.js';

// `automirror localcloud`'s entry: one port, every endpoint printed, s.yaml's functions running with the policy given.
const WORLD = fileURLToPath(new URL('../../worlds/default.json', import.meta.url));

/** A one-function s.yaml in a scratch directory. */
function appWith(props: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lc-app-'));
  const yaml = ['edition: 3.0.0', 'name: scratch', 'vars: { region: cn-hangzhou }', 'resources:', '  fn:', '    component: fc3', `    props: ${props}`].join('\n');
  writeFileSync(join(dir, 's.yaml'), yaml);
  return join(dir, 's.yaml');
}

describe('serveLocalCloud', () => {
  it('prints one endpoint per API and every function, and hands the functions the policy file', async () => {
    const policy = join(mkdtempSync(join(tmpdir(), 'lc-policy-')), 'policy.yaml');
    writeFileSync(policy, 'version: 1\n');
    const { cloud, banner } = await serveLocalCloud({ world: WORLD, sYaml: FIXTURE_SYAML, policyFile: policy });
    try {
      const text = banner.join('\n');
      for (const api of ['POP', 'Function Compute 3.0', 'Function Compute 2.0', 'EventBridge', 'MNS']) expect(text).toContain(api);
      expect(text).toContain(`endpoint http://${cloud.endpoint}`);
      expect(text).toMatch(/function lc-echo \(nodejs20, index\.handler\): tick \(timer\), nightly \(timer\)/);
      const r = await fc2Client(cloud).invokeFunction('lc-test', 'lc-echo', 'policy?');
      const { env } = JSON.parse(String(r.data));
      expect(env).toMatchObject({ AUTOMIRROR_POLICY_FILE: policy, AUTOMIRROR_POLICY: '' });
      // The banner names every endpoint variable the functions are given (the OSS one too).
      for (const [k, v] of Object.entries(env as Record<string, string>)) if (/^AUTOMIRROR_\w+_?ENDPOINT$/.test(k)) expect(text).toContain(` ${k}=${v}`);
      expect(text).toContain(`AUTOMIRROR_OSS_ENDPOINT=http://${cloud.endpoint}`);
      // A topic trigger declared before its topic exists starts working once the setup step creates the topic.
      const mns = mnsClient(cloud);
      await mns.createTopic('lc-news');
      await mns.publishMessage('lc-news', { MessageBody: 'late topic', MessageTag: 'fc' });
      const run = await eventually(() => cloud.fc.invocations.find((i) => i.source === 'mns_topic:news'), 20_000, 'the topic trigger');
      expect(JSON.parse(run.event).Message).toBe('late topic');
      // The real clock: timers are armed for their next real firing.
      expect(cloud.fc.timers.nextFiring('lc-echo', 'tick')).toBeGreaterThan(Date.now());
    } finally {
      await cloud.close();
    }
  });

  it('refuses to start when a function has not been built', async () => {
    const sYaml = appWith('{ region: cn-hangzhou, functionName: unbuilt, runtime: nodejs20, code: ./dist/fn, handler: index.handler }');
    await expect(serveLocalCloud({ world: WORLD, sYaml })).rejects.toThrow(/npm run build/);
  });

  it('reports s.yaml problems with their paths', async () => {
    const sYaml = appWith('{ region: "${vars.regoin}", functionName: f, runtime: nodejs22, code: ./x, handler: index.handler, memorySize: 100 }');
    const err = await serveLocalCloud({ world: WORLD, sYaml }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/resources\.fn\.props\.region: \$\{vars\.regoin\} is not defined under vars/);
    expect(err?.message).toMatch(/runtime: "nodejs22" cannot run/);
    expect(err?.message).toMatch(/memorySize: 100 is not a multiple of 64/);
  });
});
