import { ApiError } from '../core/api-error.js';
import { matches, type Pattern, PatternError, parsePattern } from './pattern.js';

/** A rule target as the EventBridge APIs carry it (PascalCase, as on the wire). */
export interface TargetSpec {
  Id: string;
  Type: string;
  Endpoint: string;
  PushRetryStrategy?: 'BACKOFF_RETRY' | 'EXPONENTIAL_DECAY_RETRY';
  ParamList?: Array<{ ResourceKey: string; Form: string; Value?: string; Template?: string }>;
  ErrorsTolerance?: 'ALL' | 'NONE';
  DeadLetterQueue?: { Arn?: string };
  ConcurrentConfig?: { Concurrency?: number };
}

export interface RuleRecord {
  busName: string;
  name: string;
  description: string;
  status: 'ENABLE' | 'DISABLE';
  filterPattern: string;
  pattern: Pattern;
  targets: Map<string, TargetSpec>;
  tags: Record<string, string>;
  ctime: number;
  mtime: number;
  /** Set for the rule an FC eventbridge trigger owns (`<function>/<trigger>`); FC deletes it with the trigger. */
  managedBy?: string;
}

export interface BusRecord {
  name: string;
  description: string;
  createTimestamp: number;
  tags: Record<string, string>;
  rules: Map<string, RuleRecord>;
}

/** The default bus takes at most this many rules (FC triggers for Alibaba-service events count too). */
export const DEFAULT_BUS_RULE_LIMIT = 10;
export const MAX_TARGETS_PER_RULE = 5;

const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$/;

export const eb = {
  busNotFound: (bus: string) => new ApiError('EventBusNotExist', `The event bus [${bus}] not existed!`, 404),
  ruleNotFound: (rule: string) => new ApiError('EventRuleNotExisted', `The event rule [${rule}] not existed!`, 404),
  invalid: (why: string) => new ApiError('InvalidArgument', why, 400),
};

export interface NewRule {
  name: string;
  description?: string;
  status?: string;
  filterPattern?: string;
  targets?: TargetSpec[];
  tags?: Record<string, string>;
  managedBy?: string;
}

/** Event buses and their rules: the state both EventBridge APIs and FC's eventbridge triggers write. */
export class RuleStore {
  readonly buses = new Map<string, BusRecord>();

  constructor(
    readonly regionId: string,
    readonly accountId: string,
    private readonly now: () => number,
  ) {
    this.createBus('default', 'The default bus: Alibaba Cloud service events arrive here.');
  }

  createBus(name: string, description = '', tags: Record<string, string> = {}): BusRecord {
    if (this.buses.has(name)) throw new ApiError('EventBusAlreadyExisted', `The event bus [${name}] already existed!`, 409);
    const bus = { name, description, createTimestamp: this.now(), tags, rules: new Map() };
    this.buses.set(name, bus);
    return bus;
  }

  bus(name: string | undefined): BusRecord {
    const bus = this.buses.get(name || 'default');
    if (!bus) throw eb.busNotFound(name ?? '');
    return bus;
  }

  deleteBus(name: string): void {
    if (name === 'default') throw eb.invalid('The default event bus cannot be deleted.');
    this.bus(name);
    this.buses.delete(name);
  }

  busArn(bus: string): string {
    return `acs:eventbridge:${this.regionId}:${this.accountId}:eventbus/${bus}`;
  }

  ruleArn(bus: string, rule: string): string {
    return `${this.busArn(bus)}/rule/${rule}`;
  }

  createRule(busName: string | undefined, input: NewRule): RuleRecord {
    const bus = this.bus(busName);
    if (!input.name) throw eb.invalid('RuleName is required.');
    if (!RULE_NAME.test(input.name)) throw eb.invalid(`The rule name [${input.name}] is not valid.`);
    if (bus.rules.has(input.name)) throw new ApiError('EventRuleAlreadyExisted', `The event rule [${input.name}] already existed!`, 409);
    if (bus.name === 'default' && bus.rules.size >= DEFAULT_BUS_RULE_LIMIT) {
      throw new ApiError('EventRuleCountExceeded', `The default event bus already holds ${DEFAULT_BUS_RULE_LIMIT} rules (Function Compute triggers for Alibaba Cloud service events count too).`, 400);
    }
    const now = this.now();
    const rule: RuleRecord = {
      busName: bus.name,
      name: input.name,
      description: input.description ?? '',
      status: checkStatus(input.status),
      ...checkedPattern(input.filterPattern),
      targets: new Map(),
      tags: input.tags ?? {},
      ctime: now,
      mtime: now,
      managedBy: input.managedBy,
    };
    this.addTargets(rule, input.targets ?? []);
    bus.rules.set(rule.name, rule);
    return rule;
  }

  rule(busName: string | undefined, name: string | undefined): RuleRecord {
    const rule = this.bus(busName).rules.get(name ?? '');
    if (!rule) throw eb.ruleNotFound(name ?? '');
    return rule;
  }

  updateRule(busName: string | undefined, name: string, change: { description?: string; status?: string; filterPattern?: string }): RuleRecord {
    const rule = this.rule(busName, name);
    if (change.filterPattern !== undefined) Object.assign(rule, checkedPattern(change.filterPattern));
    if (change.status !== undefined) rule.status = checkStatus(change.status);
    if (change.description !== undefined) rule.description = change.description;
    rule.mtime = this.now();
    return rule;
  }

  deleteRule(busName: string | undefined, name: string): void {
    this.rule(busName, name);
    this.bus(busName).rules.delete(name);
  }

  /** Adds or replaces targets by Id, all or nothing. */
  addTargets(rule: RuleRecord, targets: TargetSpec[]): void {
    const next = new Map(rule.targets);
    for (const t of targets) {
      if (!t || typeof t !== 'object') throw eb.invalid('A target must be an object.');
      if (!t.Id) throw eb.invalid('A target needs an Id.');
      if (!t.Type) throw eb.invalid(`Target [${t.Id}] needs a Type.`);
      if (!t.Endpoint) throw eb.invalid(`Target [${t.Id}] needs an Endpoint.`);
      next.set(t.Id, t);
    }
    if (next.size > MAX_TARGETS_PER_RULE) throw eb.invalid(`A rule holds at most ${MAX_TARGETS_PER_RULE} targets.`);
    rule.targets = next;
    rule.mtime = this.now();
  }

  removeTargets(rule: RuleRecord, ids: string[]): void {
    for (const id of ids) rule.targets.delete(id);
    rule.mtime = this.now();
  }

  /** Enabled rules of a bus, in creation order. */
  enabledRules(busName: string): RuleRecord[] {
    return [...(this.buses.get(busName)?.rules.values() ?? [])].filter((r) => r.status === 'ENABLE');
  }
}

function checkStatus(status: string | undefined): 'ENABLE' | 'DISABLE' {
  if (status === undefined || status === '' || status === 'ENABLE') return 'ENABLE';
  if (status === 'DISABLE') return 'DISABLE';
  throw eb.invalid(`Status [${status}] must be ENABLE or DISABLE.`);
}

function checkedPattern(filterPattern: string | undefined): { filterPattern: string; pattern: Pattern } {
  if (filterPattern === undefined || filterPattern === '') throw eb.invalid('FilterPattern is required.');
  try {
    return { filterPattern, pattern: parsePattern(filterPattern) };
  } catch (err) {
    if (err instanceof PatternError) throw new ApiError('InvalidArgument.FilterPattern', err.message, 400);
    throw err;
  }
}

/** TestEventPattern, shared by both APIs. */
export function testEventPattern(patternText: string, eventText: string): boolean {
  try {
    return matches(parsePattern(patternText), JSON.parse(eventText));
  } catch (err) {
    if (err instanceof PatternError || err instanceof SyntaxError) throw eb.invalid(err.message);
    throw err;
  }
}

/** ListRules paging, shared by both APIs: NextToken is the offset. */
export function rulePage(store: RuleStore, busName: string | undefined, prefix: string, nextToken: string | undefined, limit: number) {
  const all = [...store.bus(busName).rules.values()].filter((r) => r.name.startsWith(prefix));
  const start = Number(nextToken ?? 0) || 0;
  return { rules: all.slice(start, start + limit), nextToken: start + limit < all.length ? String(start + limit) : undefined, total: all.length };
}
