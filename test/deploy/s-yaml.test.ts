import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { checkPattern } from '../../localcloud/eventbridge/pattern.js';
import { parseSchedule } from '../../localcloud/fc/cron.js';
import { renderServerlessDoc } from '../../localcloud/fc/syaml.js';
import { functionDirs } from '../../scripts/build.js';
import { settingsFromEnv } from '../../shared/settings.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The fc3 component's props schema (github.com/devsapp/fc3 src/schema.json, MIT): see fixtures/README.md.
const SCHEMA = fileURLToPath(new URL('./fixtures/fc3-props.schema.json', import.meta.url));
const ACCOUNT = '1234567890123456';
const doc = renderServerlessDoc(`${ROOT}s.yaml`, { accountId: ACCOUNT, env: {} });
const byKey = new Map(doc.resources.map((r) => [r.key, r]));
type Trigger = { triggerName: string; triggerType: string; triggerConfig: Record<string, any> };
const triggersOf = (key: string) => (byKey.get(key)?.props.triggers ?? []) as Trigger[];

describe('s.yaml', () => {
  it('declares one fc3 function per folder under functions/, nothing else', () => {
    expect([...byKey.keys()].sort()).toEqual(functionDirs().sort());
    for (const r of doc.resources) expect(r.component).toBe('fc3');
  });

  it("validates against the fc3 component's props schema, resource by resource", () => {
    expect(existsSync(SCHEMA), SCHEMA).toBe(true);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
    for (const r of doc.resources) {
      const ok = validate(r.props);
      expect(ok, `${r.key}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('runs every function on nodejs20 from the artifact the build writes', () => {
    for (const r of doc.resources) {
      expect(r.props).toMatchObject({ runtime: 'nodejs20', handler: 'index.handler', code: `./dist/${r.key}` });
      expect(Number(r.props.timeout)).toBeGreaterThan(3); // fc3's default of 3 s is too short for any of them
      expect(Number(r.props.memorySize) % 64).toBe(0);
    }
  });

  it('builds once before deploying and runs the setup step after on-event, as a component action given the access', () => {
    // Serverless Devs 3 hook names: pre-/success-/fail-/complete-<command> (post-<command> is the 2.x name).
    const hooks = (a: unknown) => Object.keys((a ?? {}) as object);
    for (const a of [doc.actions, ...doc.resources.map((r) => r.actions)]) {
      for (const h of hooks(a)) expect(h).toMatch(/^(pre|success|fail|complete)-[\w-]+$/);
    }
    const global = doc.actions as Record<string, Array<{ run?: string; path?: string }>>;
    expect(global['pre-deploy']).toEqual([{ run: 'npm run build', path: './' }]);
    for (const r of doc.resources) expect(hooks(r.actions).filter((h) => h.startsWith('pre-'))).toEqual([]);
    // A `run` command gets no keys; a component action gets the resource's access through inputs.getCredential().
    const success = (byKey.get('on-event')?.actions ?? {}) as Record<string, Array<{ component?: string }>>;
    expect(success['success-deploy']?.map((a) => a.component)).toEqual([`'${ROOT}deploy/serverless-devs/automirror.cjs' setup --region cn-hangzhou --account-id ${ACCOUNT}`]);
    expect(doc.resources.filter((r) => hooks(r.actions).length > 0).map((r) => r.key)).toEqual(['on-event']);
  });

  it("sends on-event's final failures to the failed-events queue the reconcile drains", () => {
    const s = settingsFromEnv(byKey.get('on-event')!.props.environmentVariables as NodeJS.ProcessEnv);
    expect(byKey.get('on-event')!.props.asyncInvokeConfig).toMatchObject({
      maxAsyncRetryAttempts: 3,
      destinationConfig: { onFailure: { destination: `acs:mns:cn-hangzhou:${ACCOUNT}:/queues/${s.failedQueue}/messages` } },
    });
  });

  it('brings deferred work back through an MNS queue trigger on the queue on-event defers to', () => {
    const props = byKey.get('on-event')!.props;
    const s = settingsFromEnv(props.environmentVariables as NodeJS.ProcessEnv);
    const t = triggersOf('on-event').find((x) => x.triggerConfig.eventSourceConfig?.eventSourceType === 'MNS');
    expect(t).toBeDefined();
    expect(t!.triggerConfig.eventSourceConfig.eventSourceParameters.sourceMNSParameters.QueueName).toBe(s.deferQueue);
    // fc3 names an MNS source MNS-<function>-<trigger>; a pattern naming another source would never fire.
    expect(JSON.parse(t!.triggerConfig.eventRuleFilterPattern)).toEqual({ source: [`MNS-${props.functionName}-${t!.triggerName}`] });
  });

  it('has only valid EventBridge patterns, and leaves the acs.ecs trigger to the setup step', () => {
    for (const r of doc.resources) {
      for (const t of triggersOf(r.key).filter((x) => x.triggerType === 'eventbridge')) {
        expect(() => checkPattern(JSON.parse(t.triggerConfig.eventRuleFilterPattern))).not.toThrow();
        expect(t.triggerConfig.eventSourceConfig?.eventSourceType).not.toBe('Default');
      }
    }
  });

  it('fires the reconcile fan-out from a timer with a valid six-field cron and a JSON payload the function reads', () => {
    const timer = triggersOf('reconcile').find((t) => t.triggerType === 'timer');
    expect(timer).toBeDefined();
    const cron = timer!.triggerConfig.cronExpression as string;
    // FC 3.0 takes six fields, seconds first (TimerTriggerConfig, FC 3.0 API reference); five would be read as something else.
    expect(cron.trim().split(/\s+/)).toHaveLength(6);
    const t0 = Date.UTC(2026, 0, 1, 0, 0, 30);
    expect(parseSchedule(cron, t0).next(t0)).toBe(Date.UTC(2026, 0, 1, 1, 0, 0));
    expect(JSON.parse(timer!.triggerConfig.payload)).toEqual({ mode: 'enforce' });
  });

  it('lets the fan-out start reconcile-region by its deployed name, and reconcile-region run long, dedupe and dead-letter', () => {
    const fanOut = settingsFromEnv(byKey.get('reconcile')!.props.environmentVariables as NodeJS.ProcessEnv);
    const region = byKey.get('reconcile-region')!.props;
    const s = settingsFromEnv(region.environmentVariables as NodeJS.ProcessEnv);
    expect([fanOut.reconcileRegionFunction, s.reconcileRegionFunction]).toEqual([region.functionName, region.functionName]);
    expect(fanOut.regions).toEqual(['cn-hangzhou']);
    expect(Number(region.timeout)).toBeGreaterThanOrEqual(600);
    expect(region.asyncInvokeConfig).toMatchObject({ asyncTask: true, destinationConfig: { onFailure: { destination: `acs:mns:cn-hangzhou:${ACCOUNT}:/queues/${s.failedQueue}/messages` } } });
  });
});
