import { ApiError } from '../core/api-error.js';
import { type CallHead, DEFAULT_BODY_LIMIT, type IncomingCall, type OutgoingReply, type Protocol } from '../core/http.js';
import { newRequestId } from '../core/ids.js';
import type { Keyring } from '../core/keyring.js';
import { GATEWAY_FRESHNESS } from '../core/replay-guard.js';
import { type HeaderSignatureScheme, verifyHeaderSignature } from '../platform/header-signature.js';
import type { EventBus } from './bus.js';
import { eb, type RuleRecord, type RuleStore, rulePage, type TargetSpec, testEventPattern } from './rules.js';

/** `acs:<AK>:<sig>` (the SDK) or `acs <AK>:<sig>` (the docs' samples); HMAC-SHA1 over x-acs-* headers and the path. */
const EB_SIGNATURE: HeaderSignatureScheme = {
  authorization: /^acs[: ]([^:\s]+):(\S+)$/,
  headerPrefix: 'x-acs-',
  hash: 'sha1',
  tokenHeader: 'x-acs-security-token',
  headerValue: (v) => v.replace(/[\t\n\r\f]/g, ' ').trim(),
  // The SDK signs a fresh x-acs-signature-nonce into every request, as the gateway's schemes do.
  freshness: GATEWAY_FRESHNESS,
  nonceHeader: 'x-acs-signature-nonce',
};

type Body = Record<string, unknown>;
type Operation = (body: Body) => Body;

const JSON_TYPE = { 'content-type': 'application/json;charset=utf-8' };

/** The EventBridge HTTP API that @alicloud/eventbridge calls: `POST /openapi/<op>`, JSON in and out. */
export class EventBridgeApi implements Protocol {
  readonly name = 'eventbridge';
  readonly bodyLimit = DEFAULT_BODY_LIMIT;
  private readonly operations: Record<string, Operation>;

  constructor(
    private readonly keyring: Keyring,
    private readonly rules: RuleStore,
    private readonly bus: EventBus,
  ) {
    this.operations = {
      putEvents: (b) => this.putEvents(b),
      createEventBus: (b) => {
        const bus = this.rules.createBus(str(b.EventBusName, 'EventBusName'), optStr(b.Description), tagsOf(b.Tags));
        return { EventBusARN: this.rules.busArn(bus.name) };
      },
      getEventBus: (b) => busView(this.rules, this.rules.bus(str(b.EventBusName, 'EventBusName')).name),
      deleteEventBus: (b) => (this.rules.deleteBus(str(b.EventBusName, 'EventBusName')), {}),
      listEventBuses: (b) => {
        const names = [...this.rules.buses.keys()].filter((n) => n.startsWith(optStr(b.NamePrefix) ?? ''));
        return { EventBuses: names.map((n) => busView(this.rules, n)), Total: names.length };
      },
      createRule: (b) => {
        const rule = this.rules.createRule(optStr(b.EventBusName), {
          name: str(b.RuleName, 'RuleName'),
          description: optStr(b.Description),
          status: optStr(b.Status),
          filterPattern: optStr(b.FilterPattern),
          targets: targetsOf(b.Targets),
          tags: tagsOf(b.Tags),
        });
        return { RuleARN: this.rules.ruleArn(rule.busName, rule.name) };
      },
      getRule: (b) => ruleView(this.rules, this.rules.rule(optStr(b.EventBusName), optStr(b.RuleName))),
      listRules: (b) => {
        const page = rulePage(this.rules, optStr(b.EventBusName), optStr(b.RuleNamePrefix) ?? '', optStr(b.NextToken), Number(b.Limit ?? 100) || 100);
        return { Rules: page.rules.map((r) => ruleView(this.rules, r)), NextToken: page.nextToken, Total: page.total };
      },
      updateRule: (b) => {
        const name = str(b.RuleName, 'RuleName');
        this.rules.updateRule(optStr(b.EventBusName), name, { description: optStr(b.Description), status: optStr(b.Status), filterPattern: optStr(b.FilterPattern) });
        return {};
      },
      deleteRule: (b) => (this.rules.deleteRule(optStr(b.EventBusName), str(b.RuleName, 'RuleName')), {}),
      enableRule: (b) => (this.rules.updateRule(optStr(b.EventBusName), str(b.RuleName, 'RuleName'), { status: 'ENABLE' }), {}),
      disableRule: (b) => (this.rules.updateRule(optStr(b.EventBusName), str(b.RuleName, 'RuleName'), { status: 'DISABLE' }), {}),
      createTargets: (b) => {
        this.rules.addTargets(this.rules.rule(optStr(b.EventBusName), optStr(b.RuleName)), targetsOf(b.Targets) ?? []);
        return { ErrorEntriesCount: 0, ErrorEntries: [] };
      },
      deleteTargets: (b) => {
        const ids = Array.isArray(b.TargetIds) ? b.TargetIds.map(String) : [];
        this.rules.removeTargets(this.rules.rule(optStr(b.EventBusName), optStr(b.RuleName)), ids);
        return { ErrorEntriesCount: 0, ErrorEntries: [] };
      },
      listTargets: (b) => ({ Targets: [...this.rules.rule(optStr(b.EventBusName), optStr(b.RuleName)).targets.values()] }),
      testEventPattern: (b) => ({ Result: testEventPattern(str(b.EventPattern, 'EventPattern'), str(b.Event, 'Event')) }),
    };
  }

  claims(call: CallHead): boolean {
    return call.method === 'POST' && call.path.startsWith('/openapi/');
  }

  async handle(call: IncomingCall): Promise<OutgoingReply> {
    const requestId = newRequestId();
    try {
      verifyHeaderSignature(call, this.keyring, EB_SIGNATURE, call.target);
      const op = this.operations[call.path.slice('/openapi/'.length)];
      if (!op) throw new ApiError('OperationNotSupported', `localcloud does not serve ${call.path}.`, 404);
      let body: unknown;
      try {
        body = call.body.length === 0 ? {} : JSON.parse(call.body.toString('utf8'));
      } catch {
        throw eb.invalid('The request body is not valid JSON.');
      }
      const out = op(body as Body);
      return { status: 200, headers: JSON_TYPE, body: JSON.stringify({ RequestId: requestId, ResourceOwnerAccountId: this.rules.accountId, ...out }) };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return this.errorReply(err, call, requestId);
    }
  }

  errorReply(err: ApiError, _call: CallHead, requestId: string): OutgoingReply {
    // The SDK reads lower-case keys only (@alicloud/eventbridge dist/client.js).
    return { status: err.status, headers: JSON_TYPE, body: JSON.stringify({ requestId, code: err.code, message: err.message, statusCode: err.status }) };
  }

  private putEvents(body: unknown): Body {
    if (!Array.isArray(body)) throw eb.invalid('PutEvents takes a JSON array of CloudEvents.');
    const entries = body.map((raw: Record<string, unknown>) => {
      try {
        if (!raw || typeof raw !== 'object') throw eb.invalid('An event must be a JSON object.');
        const { data_base64: b64, ...rest } = raw;
        const event = this.bus.put({
          ...rest,
          id: optStr(raw.id),
          source: str(raw.source, 'source'),
          type: str(raw.type, 'type'),
          data: b64 !== undefined ? Buffer.from(String(b64), 'base64').toString('utf8') : raw.data,
        });
        return { EventId: event.id, TraceId: newRequestId() };
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        return { EventId: optStr(raw?.id), ErrorCode: err.code, ErrorMessage: err.message };
      }
    });
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, EntryList: entries };
  }
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw eb.invalid(`${name} is required.`);
  return v;
}

const optStr = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

function tagsOf(v: unknown): Record<string, string> {
  return v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
}

function targetsOf(v: unknown): TargetSpec[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw eb.invalid('Targets must be a list.');
  return v as TargetSpec[];
}

function busView(rules: RuleStore, name: string): Body {
  const bus = rules.bus(name);
  return { EventBusARN: rules.busArn(name), EventBusName: name, Description: bus.description, CreateTimestamp: bus.createTimestamp, Tags: bus.tags };
}

export function ruleView(rules: RuleStore, r: RuleRecord): Body {
  return {
    EventBusName: r.busName,
    RuleARN: rules.ruleArn(r.busName, r.name),
    RuleName: r.name,
    Description: r.description,
    Status: r.status,
    FilterPattern: r.filterPattern,
    Targets: [...r.targets.values()],
    Ctime: r.ctime,
    Mtime: r.mtime,
    Tags: r.tags,
  };
}
