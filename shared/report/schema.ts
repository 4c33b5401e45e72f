import { ACTION_KINDS, ACTION_STATUSES, REPORT_MODES, REPORT_SCHEMA, REPORT_VERSION, UNAPPROVED_RESPONSES } from './model.js';

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const count = { type: 'integer', minimum: 0 } as const;
const strings = { type: 'array', items: str } as const;
const time = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' } as const;
const object = <P extends Record<string, unknown>>(required: readonly string[], properties: P) => ({ type: 'object', required, properties }) as const;
const listOf = (items: unknown) => ({ type: 'array', items }) as const;
const countsOf = (keys: readonly string[]) => object(keys, Object.fromEntries(keys.map((k) => [k, count])));

const fieldValue = { type: ['string', 'number', 'boolean', 'null', 'array'], items: { type: ['string', 'number'] } } as const;

const driftItem = object(['kind', 'id', 'regionId', 'fields', 'action'], {
  kind: { enum: ['eni', 'session'] },
  id: nonEmpty,
  regionId: nonEmpty,
  rule: str,
  related: strings,
  fields: listOf(object(['field', 'wanted', 'actual'], { field: nonEmpty, wanted: fieldValue, actual: fieldValue })),
  action: object(['kind', 'reason', 'status'], {
    kind: { enum: ACTION_KINDS },
    reason: str,
    status: { enum: ACTION_STATUSES },
    error: str,
  }),
});

const eni = { eniId: nonEmpty, regionId: nonEmpty, instanceId: str };
const optOutFields = {
  on: { enum: ['ENI', 'instance'] },
  resourceId: nonEmpty,
  tag: nonEmpty,
  value: str,
  principal: str,
  at: time,
  via: { enum: ['opt-out tag', 'opt-in tag removed'] },
  reason: str,
} as const;
const optOutInfo = object(['on', 'resourceId', 'tag', 'value', 'reason'], optOutFields);

const failedEvent = object(['messageId', 'error', 'excerpt', 'bodyLength'], {
  messageId: nonEmpty,
  failedAt: time,
  functionArn: str,
  requestId: str,
  attempts: count,
  origin: object([], { id: str, type: str, source: str, count }),
  error: str,
  excerpt: str,
  bodyLength: count,
});

const foreignSessions = object(['unapproved', 'approved'], {
  unapproved: listOf(
    object(['sessionId', 'regionId', 'sourceIds', 'target', 'enabled', 'response'], {
      sessionId: nonEmpty,
      regionId: nonEmpty,
      name: str,
      sourceIds: strings,
      target: object(['kind', 'id'], { kind: { enum: ['SLB', 'NetworkInterface'] }, id: str }),
      enabled: { type: 'boolean' },
      createdAt: str,
      call: str,
      by: str,
      at: str,
      response: { enum: UNAPPROVED_RESPONSES },
      tampered: { type: 'boolean' },
      error: str,
    }),
  ),
  approved: { type: 'object', additionalProperties: count },
});

const changedEnis = listOf(object(['eniId', 'regionId'], { eniId: nonEmpty, regionId: nonEmpty, rule: str }));
const change = object(['previousRunAt', 'previousCoveragePercent', 'newUnmirrored', 'fixed', 'newOptOuts', 'counts'], {
  previousRunAt: time,
  previousCoveragePercent: { type: ['number', 'null'], minimum: 0, maximum: 100 },
  previousCounts: countsOf(['mirrored', 'unmirrored', 'optedOut']),
  newUnmirrored: changedEnis,
  fixed: changedEnis,
  newOptOuts: changedEnis,
  counts: countsOf(['newUnmirrored', 'fixed', 'newOptOuts']),
});

const rules = listOf(
  object(['rule', 'regionId', 'mirrored', 'unmirrored', 'optedOut', 'sessions'], { rule: nonEmpty, regionId: nonEmpty, mirrored: count, unmirrored: count, optedOut: count, sessions: count }),
);
const collectors = listOf(
  object(['regionId', 'target', 'rules', 'sessions', 'ownedSessions', 'sources', 'capacity'], {
    regionId: nonEmpty,
    target: object(['kind', 'id'], { kind: { enum: ['SLB', 'NetworkInterface'] }, id: nonEmpty }),
    zone: str,
    zoneFrom: { enum: ['scan', 'policy'] },
    rules: strings,
    sessions: count,
    ownedSessions: count,
    sources: count,
    capacity: { type: 'integer', minimum: 1 },
  }),
);

const money = { type: 'number', minimum: 0 } as const;
const costLine = { sessions: count, sessionHoursPerMonth: count, sources: count, sourceHoursPerMonth: count, monthlyCost: money };
const costLineRequired = ['sessions', 'sessionHoursPerMonth', 'sources', 'sourceHoursPerMonth'];
const cost = object(['hoursPerMonth', 'rules', 'regions', 'account'], {
  hoursPerMonth: count,
  currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  rules: listOf(object(['rule', 'regionId', ...costLineRequired], { rule: nonEmpty, regionId: nonEmpty, ...costLine })),
  regions: listOf(object(['regionId', ...costLineRequired], { regionId: nonEmpty, pricePerSourceHour: money, ...costLine })),
  account: object([...costLineRequired, 'unpricedRegions'], { ...costLine, unpricedRegions: strings }),
});
const policyCost = object(['currency', 'pricePerSourceHour'], { currency: { type: 'string', pattern: '^[A-Z]{3}$' }, pricePerSourceHour: { type: 'object', additionalProperties: money } });

/**
 * JSON Schema (draft-07) of the drift report, for consumers to check a document with any validator. Field meanings
 * are documented on the types in model.ts. Objects are open, so that a reader of a version accepts fields a later
 * release of that version adds; the property order here is the order the JSON rendering writes.
 */
export const reportSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `urn:automirror:drift-report:v${REPORT_VERSION}`,
  title: 'automirror drift report',
  ...object(['schema', 'version', 'generatedAt', 'regions', 'mode', 'policy', 'run', 'totals', 'foreignSessions', 'items', 'coverage', 'failedEvents', 'errors'], {
    schema: { const: REPORT_SCHEMA },
    version: { const: REPORT_VERSION },
    generatedAt: time,
    accountId: str,
    regions: strings,
    mode: { enum: REPORT_MODES },
    policy: object(['source', 'rules'], { source: str, revision: str, rules: strings, cost: policyCost }),
    run: object(['startedAt', 'finishedAt', 'complete', 'truncated', 'continuedFrom', 'handedOff', 'parts'], {
      startedAt: time,
      finishedAt: time,
      complete: { type: 'boolean' },
      truncated: { type: 'boolean' },
      continuedFrom: strings,
      handedOff: strings,
      parts: { type: 'integer', minimum: 1 },
      apiCalls: count,
    }),
    totals: object(['enis', 'mirrored', 'optedOut', 'excluded', 'unmirrored', 'overriddenOptOuts', 'coveragePercent', 'items', 'fields', 'actions', 'statuses', 'failedEvents', 'errors'], {
      enis: count,
      mirrored: count,
      optedOut: count,
      excluded: count,
      unmirrored: count,
      overriddenOptOuts: count,
      coveragePercent: { type: ['number', 'null'], minimum: 0, maximum: 100 },
      items: count,
      fields: count,
      actions: countsOf(ACTION_KINDS),
      statuses: countsOf(ACTION_STATUSES),
      failedEvents: count,
      errors: count,
    }),
    foreignSessions,
    items: listOf(driftItem),
    coverage: object(['mirrored', 'optedOut', 'excluded', 'unmirrored'], {
      mirrored: listOf(object(['eniId', 'regionId', 'rule', 'sessionIds'], { ...eni, rule: str, sessionIds: strings, optOutOverridden: optOutInfo })),
      optedOut: listOf(object(['eniId', 'regionId', 'rule', 'on', 'resourceId', 'tag', 'value', 'reason'], { ...eni, rule: str, ...optOutFields })),
      excluded: listOf(object(['eniId', 'regionId', 'reason'], { ...eni, reason: str })),
      unmirrored: listOf(object(['eniId', 'regionId', 'reason'], { ...eni, rule: str, reason: str, optOutOverridden: optOutInfo })),
    }),
    failedEvents: listOf(failedEvent),
    errors: listOf(object(['context', 'message'], { regionId: str, context: str, code: str, message: str })),
    forgedClaims: listOf(
      object(['sessionId', 'regionId', 'verdict', 'reason', 'sourceIds', 'target'], {
        sessionId: nonEmpty,
        regionId: nonEmpty,
        claimedRule: str,
        verdict: { enum: ['forged', 'pending', 'unverifiable'] },
        reason: str,
        sourceIds: strings,
        target: str,
      }),
    ),
    unownedSessions: listOf(
      object(['sessionId', 'regionId', 'class', 'why', 'sourceIds', 'target'], {
        sessionId: nonEmpty,
        regionId: nonEmpty,
        class: { enum: ['adoptable', 'conflicting', 'unrelated'] },
        why: str,
        sourceIds: strings,
        target: str,
      }),
    ),
    temporary: listOf(
      object(['eniId', 'regionId', 'tag', 'status', 'sessionIds', 'reason'], {
        ...eni,
        tag: nonEmpty,
        status: { enum: ['active', 'expired', 'invalid', 'unusable', 'superseded'] },
        rule: str,
        until: time,
        sessionIds: strings,
        reason: str,
      }),
    ),
    change,
    rules,
    collectors,
    cost,
  }),
} as const;
