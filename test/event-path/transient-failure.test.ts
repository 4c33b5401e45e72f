import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { eventPathForFile, eventually, FROM_RULE, logLines, mnsClient, ON_EVENT, receiveOne, runsNaming, sample, sessionsOn, settledSessionsOn } from './support.js';

// Item 2 of issue 6, the other half: a transient cloud failure makes on-event throw, so FC's asynchronous retries
// run (s.yaml: maxAsyncRetryAttempts 3); once they are spent, FC sends the event to the onFailure destination, the
// automirror-failed MNS queue, with what it takes to replay it.

const path = eventPathForFile();

const ENIS = ['eni-web01p', 'eni-web01s'];
const UNAVAILABLE = { operation: 'CreateTrafficMirrorSession', code: 'ServiceUnavailable', status: 503, message: 'The request has failed due to a temporary failure of the server.', rate: 1 };

describe('a transient failure', () => {
  it('is retried by FC, lands in the automirror-failed queue with the original event, and replays into the session once the cloud is back', async () => {
    const cloud = path.cloud;
    cloud.controls.setFaults([UNAVAILABLE]);
    const event = cloud.bus.put(sample('ecs-instance-running.json'));

    // FC's retries: the first attempt and maxAsyncRetryAttempts (3) more, all of one invocation, all failed.
    await eventually(() => cloud.fc.async.destinations.some((d) => d.functionName === ON_EVENT && d.kind === 'onFailure'), 150_000, 'the onFailure destination');
    await cloud.platform.idle();
    const attempts = runsNaming(cloud, event.id);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(attempts.map((a) => a.requestId)).size).toBe(1);
    for (const a of attempts) {
      expect(a).toMatchObject({ source: FROM_RULE, ok: false });
      expect(a.errorMessage).toMatch(/transient failures, FC will retry: ServiceUnavailable/);
    }
    const logged = logLines(cloud, attempts[0].requestId);
    expect(logged.filter((l) => l.msg === 'failed, FC will retry')).toHaveLength(4);
    expect(cloud.controls.calls.list({ action: 'CreateTrafficMirrorSession' }).every((c) => c.code === 'ServiceUnavailable')).toBe(true);
    expect(await sessionsOn(cloud, ENIS)).toEqual([]);
    expect(cloud.fc.async.destinations).toEqual([
      expect.objectContaining({ requestId: attempts[0].requestId, kind: 'onFailure', destination: expect.stringMatching(/:\/queues\/automirror-failed\/messages$/), ok: true }),
    ]);

    // What the queue holds, read as the scheduled reconcile would: FC's destination record around the event.
    const mns = mnsClient(cloud);
    const message = await eventually(() => receiveOne(mns, DEFAULT_SETTINGS.failedQueue), 10_000, 'the failed-event message');
    const record = JSON.parse(message.MessageBody);
    expect(record.requestContext).toMatchObject({ requestId: attempts[0].requestId, functionArn: expect.stringMatching(/:functions\/automirror-on-event$/), approximateInvokeCount: 4 });
    expect(record.requestContext.condition).toBeTruthy();
    expect(record.responseContext.functionError).toBe('UnhandledInvocationError');
    expect(record.responsePayload).toMatch(/ServiceUnavailable/);
    const original = JSON.parse(record.requestPayload);
    expect(original).toEqual(JSON.parse(attempts[0].event));
    expect(original).toMatchObject({ id: event.id, source: 'acs.ecs', type: 'ecs:Instance:StateChange', data: sample('ecs-instance-running.json').data });

    // The cloud recovers; replaying the event from the queue puts things right, through the same rule.
    cloud.controls.setFaults([]);
    const since = cloud.fc.invocations.length;
    cloud.bus.put(original);
    const sessions = await settledSessionsOn(cloud, ENIS, (s) => s.length === 2, 'the sessions after the replay');
    expect(sessions.map((s) => s.trafficMirrorSourceIds).sort()).toEqual(ENIS.map((e) => [e]));
    await mns.deleteMessage(DEFAULT_SETTINGS.failedQueue, message.ReceiptHandle);
    await cloud.platform.idle();
    expect(runsNaming(cloud, event.id, since)).toEqual([expect.objectContaining({ source: FROM_RULE, ok: true, attempt: 1 })]);
    expect(cloud.fc.async.destinations.filter((d) => d.kind === 'onFailure')).toHaveLength(1);
  }, 240_000);
});
