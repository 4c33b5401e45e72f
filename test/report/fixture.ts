import { ReportBuilder } from '../../shared/report/builder.js';
import { failedEventFrom } from '../../shared/report/failed-event.js';
import type { ChangeSinceLast, DriftReport, ReportMode } from '../../shared/report/model.js';

export const POLICY = { source: 'policy.yaml', revision: 'sha256:3f9a1c', rules: ['prod-web', 'pci-db'] };
export const T0 = new Date('2025-06-01T03:00:00Z');
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
export const SCRIPT = '<script>alert(1)</script>';

export function builder(mode: ReportMode = 'enforce', extra: Partial<ConstructorParameters<typeof ReportBuilder>[0]> = {}) {
  return new ReportBuilder({ mode, policy: POLICY, regions: ['cn-hangzhou'], accountId: '1234567890', startedAt: T0, ...extra });
}

/** An FC async-invocation failure record, as the failed-events queue receives it. */
export function fcFailure(eventId: string, error: string): string {
  return JSON.stringify({
    timestamp: at(42).getTime(),
    requestContext: { requestId: `req-${eventId}`, functionArn: 'acs:fc:cn-hangzhou:1234567890:functions/automirror-on-event', condition: 'UnhandledInvocationError', approximateInvokeCount: 3 },
    requestPayload: JSON.stringify({ id: eventId, source: 'acs.ecs', type: 'ecs:Instance:StateChange', data: { resourceId: 'i-bp1' } }),
    responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
    responsePayload: JSON.stringify({ errorType: 'CloudError', errorMessage: error }),
  });
}

/** What changed since the run an hour before the sample's: one ENI newly unmirrored, one fixed. */
export const SAMPLE_CHANGE: ChangeSinceLast = {
  previousRunAt: at(-3600).toISOString(),
  previousCoveragePercent: 88.4,
  newUnmirrored: [{ eniId: 'eni-db2', regionId: 'cn-shanghai', rule: 'pci-db' }],
  fixed: [{ eniId: 'eni-web005', regionId: 'cn-hangzhou', rule: 'prod-web' }],
  newOptOuts: [],
  counts: { newUnmirrored: 1, fixed: 1, newOptOuts: 0 },
};

/**
 * A two-region enforce run with every kind of finding: what a security team would get on a bad day. Its change
 * since the last run is SAMPLE_CHANGE, or none with `firstRun`.
 */
export function sampleReport(opts: { hostile?: boolean; firstRun?: boolean } = {}): DriftReport {
  const b = builder('enforce', { regions: ['cn-hangzhou', 'cn-shanghai'] });
  if (opts.hostile) {
    // A tag value and an event body someone crafted: the page must show them as text and run nothing.
    b.addCoverage({ state: 'excluded', eniId: 'eni-x"onmouseover="alert(3)', regionId: 'cn-hangzhou', reason: `opt-out tag mirror=${SCRIPT}<img src=x onerror=alert(2)>` });
    b.addFailedEvent(failedEventFrom({ id: 'msg-evil', body: `</pre>${SCRIPT}` }));
  }
  for (let n = 1; n <= 24; n++) {
    const regionId = n % 3 ? 'cn-hangzhou' : 'cn-shanghai';
    b.addCoverage({ state: 'mirrored', eniId: `eni-web${String(n).padStart(3, '0')}`, regionId, instanceId: `i-web${n}`, rule: 'prod-web', sessionIds: [`tms-web${n}`] });
  }
  b.addCoverage({ state: 'excluded', eniId: 'eni-bastion1', regionId: 'cn-hangzhou', instanceId: 'i-bastion1', reason: 'opt-out tag mirror=off' });
  b.addCoverage({ state: 'excluded', eniId: 'eni-dev7', regionId: 'cn-shanghai', reason: 'no rule matches (env=dev)' });
  b.addCoverage({ state: 'excluded', eniId: 'eni-sec2', regionId: 'cn-hangzhou', instanceId: 'i-web3', reason: 'secondary ENI; rule prod-web mirrors primary ENIs only' });
  b.addCoverage({
    state: 'unmirrored',
    eniId: 'eni-db1',
    regionId: 'cn-hangzhou',
    instanceId: 'i-db1',
    rule: 'pci-db',
    reason: 'CreateTrafficMirrorSession failed: QuotaExceeded.TrafficMirrorSession',
  });
  b.addCoverage({ state: 'unmirrored', eniId: 'eni-db2', regionId: 'cn-shanghai', instanceId: 'i-db2', rule: 'pci-db', reason: 'deferred: ENI still Attaching' });
  b.addItem({
    kind: 'eni',
    id: 'eni-db1',
    regionId: 'cn-hangzhou',
    rule: 'pci-db',
    fields: [{ field: 'session', wanted: 'am-pci-db-eni-db1', actual: null }],
    action: {
      kind: 'create',
      reason: 'rule pci-db opts eni-db1 in and no session of that rule mirrors it',
      status: 'failed',
      error: 'QuotaExceeded.TrafficMirrorSession: sessions per region exhausted',
    },
  });
  b.addItem({
    kind: 'eni',
    id: 'eni-db2',
    regionId: 'cn-shanghai',
    rule: 'pci-db',
    fields: [],
    action: { kind: 'add-source', reason: 'rule pci-db pools eni-db2 into tms-pool1', status: 'deferred', error: 'IncorrectStatus.NetworkInterface: ENI is Attaching' },
  });
  b.addItem({
    kind: 'session',
    id: 'tms-web5',
    regionId: 'cn-hangzhou',
    rule: 'prod-web',
    related: ['eni-web005'],
    fields: [
      { field: 'vni', wanted: 1001, actual: 77 },
      { field: 'enabled', wanted: true, actual: false },
      { field: 'packetLength', wanted: 1500, actual: 128 },
    ],
    action: { kind: 'update', reason: 'session tms-web5 differs from rule prod-web', status: 'applied' },
  });
  b.addItem({
    kind: 'session',
    id: 'tms-old9',
    regionId: 'cn-shanghai',
    related: ['eni-gone9'],
    fields: [{ field: 'sourceIds', wanted: [], actual: ['eni-gone9'] }],
    action: { kind: 'delete', reason: 'eni-gone9 is no longer opted in (opt-out tag mirror=off)', status: 'applied' },
  });
  b.addItem({
    kind: 'session',
    id: 'tms-theirs',
    regionId: 'cn-hangzhou',
    fields: [{ field: 'priority', wanted: 100, actual: 100 }],
    action: { kind: 'none', reason: "session owned by another tool holds priority 100 of rule prod-web's band", status: 'skipped' },
  });
  b.addFailedEvent(failedEventFrom({ id: 'msg-0001', body: fcFailure('evt-7f3a', 'Throttling.User: request was denied due to user flow control') }));
  b.addFailedEvent(failedEventFrom({ id: 'msg-0002', body: 'not json at all', enqueuedAt: at(50) }));
  b.addError({
    regionId: 'cn-shanghai',
    context: 'ListTrafficMirrorSessions',
    code: 'ServiceUnavailable',
    message: 'the request failed after 5 attempts; sessions of cn-shanghai page 3 were not read',
  });
  b.addBreakdown('cn-hangzhou', { perRule: new Map([['prod-web', { sessions: 16, sources: 16 }]]), total: { sessions: 16, sources: 16 } }, [
    { regionId: 'cn-hangzhou', target: { kind: 'SLB', id: 'lb-web01h' }, zone: 'cn-hangzhou-h', zoneFrom: 'policy', rules: ['prod-web'], sessions: 17, ownedSessions: 16, sources: 17, capacity: 500 },
    { regionId: 'cn-hangzhou', target: { kind: 'SLB', id: 'lb-pci01' }, rules: ['pci-db'], sessions: 2, ownedSessions: 0, sources: 19, capacity: 20 },
  ]);
  b.addBreakdown('cn-shanghai', { perRule: new Map([['prod-web', { sessions: 8, sources: 8 }]]), total: { sessions: 8, sources: 8 } }, [
    {
      regionId: 'cn-shanghai',
      target: { kind: 'NetworkInterface', id: 'eni-ids01' },
      zone: 'cn-shanghai-b',
      zoneFrom: 'scan',
      rules: ['pci-db', 'prod-web'],
      sessions: 8,
      ownedSessions: 8,
      sources: 8,
      capacity: 20,
    },
  ]);
  b.countApiCalls(57);
  if (!opts.firstRun) b.setChange(SAMPLE_CHANGE);
  return b.finish({ finishedAt: at(95) });
}
