import type { PopContext, PopProduct } from '../pop/protocol.js';
import { ruleView } from './api.js';
import { eb, type RuleStore, rulePage, type TargetSpec, testEventPattern } from './rules.js';

/** Parses a parameter that the 2020-04-01 API carries as one JSON string (EventTargets, Targets, TargetIds). */
function jsonParam<T>(ctx: PopContext, name: string): T | undefined {
  const raw = ctx.params.str(name);
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw eb.invalid(`${name} is not valid JSON.`);
  }
}

const ok = (data: Record<string, unknown> = {}) => ({ Code: 'Success', Message: '', Success: true, Data: data });

/** The EventBridge POP API 2020-04-01 (ACS3 RPC), the one a setup step calls through the generic openapi-core client. */
export function eventBridgePopProduct(rules: RuleStore): PopProduct {
  const bus = (ctx: PopContext) => ctx.params.required('EventBusName');
  const rule = (ctx: PopContext) => rules.rule(bus(ctx), ctx.params.required('RuleName'));
  const targetIds = (ctx: PopContext): string[] => jsonParam<string[]>(ctx, 'TargetIds') ?? ctx.params.list('TargetIds');
  return {
    product: 'eventbridge',
    version: '2020-04-01',
    hostId: 'eventbridge.aliyuncs.com',
    operations: {
      CreateRule: (ctx) => {
        const r = rules.createRule(bus(ctx), {
          name: ctx.params.required('RuleName'),
          description: ctx.params.str('Description'),
          status: ctx.params.str('Status'),
          filterPattern: ctx.params.required('FilterPattern'),
          targets: jsonParam<TargetSpec[]>(ctx, 'EventTargets'),
        });
        return ok({ RuleARN: rules.ruleArn(r.busName, r.name) });
      },
      GetRule: (ctx) => ok(ruleView(rules, rule(ctx))),
      ListRules: (ctx) => {
        const limit = ctx.params.int('Limit', { min: 1, max: 100 }) ?? 10;
        const page = rulePage(rules, bus(ctx), ctx.params.str('RuleNamePrefix') ?? '', ctx.params.str('NextToken'), limit);
        return ok({ Rules: page.rules.map((r) => ruleView(rules, r)), NextToken: page.nextToken, Total: page.total });
      },
      UpdateRule: (ctx) => {
        rules.updateRule(bus(ctx), ctx.params.required('RuleName'), {
          description: ctx.params.str('Description'),
          filterPattern: ctx.params.str('FilterPattern'),
        });
        return ok();
      },
      DeleteRule: (ctx) => (rules.deleteRule(bus(ctx), ctx.params.required('RuleName')), ok()),
      EnableRule: (ctx) => (rules.updateRule(bus(ctx), ctx.params.required('RuleName'), { status: 'ENABLE' }), ok()),
      DisableRule: (ctx) => (rules.updateRule(bus(ctx), ctx.params.required('RuleName'), { status: 'DISABLE' }), ok()),
      PutTargets: (ctx) => {
        rules.addTargets(rule(ctx), jsonParam<TargetSpec[]>(ctx, 'Targets') ?? []);
        return ok({ ErrorEntriesCount: 0, ErrorEntries: [] });
      },
      DeleteTargets: (ctx) => {
        rules.removeTargets(rule(ctx), targetIds(ctx));
        return ok({ ErrorEntriesCount: 0, ErrorEntries: [] });
      },
      ListTargets: (ctx) => ok({ Targets: [...rule(ctx).targets.values()], Total: rule(ctx).targets.size }),
      TestEventPattern: (ctx) => ok({ Result: testEventPattern(ctx.params.required('EventPattern'), ctx.params.required('Event')) }),
    },
  };
}
