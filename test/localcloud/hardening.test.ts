import http from 'node:http';
import * as $FC3 from '@alicloud/fc20230330';
import Vpc, * as $Vpc from '@alicloud/vpc20160428';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/index.js';
import { DEMO_KEY, fc3Client, mnsClient, withPlatform } from '../localcloud-platform/support.js';
import { popConfig } from '../support/localcloud.js';
import { sendRaw } from '../support/raw-http.js';

// localcloud runs on developers' laptops: its admin API answers only local names, bodies are capped before they are
// held, an internal failure tells the client nothing of its cause, and a hostile cron expression costs linear time.

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await withPlatform();
});
afterAll(() => cloud.close());

const stillServes = async () => {
  const r = await new Vpc(popConfig(cloud)).listTrafficMirrorSessions(new $Vpc.ListTrafficMirrorSessionsRequest({ regionId: 'cn-hangzhou' }));
  expect(r.statusCode).toBe(200);
};

describe('admin API: only for Host 127.0.0.1 or localhost (DNS rebinding)', () => {
  const dump = (host: string) => sendRaw(cloud.port, { method: 'GET', url: '/__admin/state', headers: { host }, body: Buffer.alloc(0) });

  it('serves 127.0.0.1 and localhost, with or without the port', async () => {
    for (const host of [`127.0.0.1:${cloud.port}`, `localhost:${cloud.port}`, '127.0.0.1', 'LOCALHOST']) {
      const r = await dump(host);
      expect(r.status, host).toBe(200);
      expect(r.body).toContain(DEMO_KEY.accessKeySecret);
    }
  });

  it('refuses any other name, one that only starts like a local one included, without a byte of the dump', async () => {
    for (const host of [`rebind.example:${cloud.port}`, `127.0.0.1.nip.io:${cloud.port}`, `localhost.attacker.example`, `[::1]:${cloud.port}`]) {
      const r = await dump(host);
      expect(r.status, host).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ error: 'ForbiddenHost' });
      expect(r.body).not.toContain(DEMO_KEY.accessKeySecret);
    }
  });
});

/**
 * Streams a body of `total` bytes (declared in Content-Length, or chunked) until localcloud answers, then stops
 * sending: what comes back is the answer to a body localcloud did not wait for.
 */
function streamHuge(path: string, headers: http.OutgoingHttpHeaders, total: number, declare: boolean): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({ host: '127.0.0.1', port: cloud.port, method: 'POST', path, agent: false, headers: { ...headers, ...(declare ? { 'content-length': total } : {}) } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sent });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('request bodies are capped before they are held', () => {
  const HUGE = 200 * 1024 * 1024;

  it('a declared 200 MB POP body is refused with 413 EntityTooLarge before it is sent; localcloud still answers', async () => {
    const r = await streamHuge('/?Action=DescribeInstances', { 'content-type': 'application/x-www-form-urlencoded' }, HUGE, true);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ Code: 'EntityTooLarge' });
    expect(r.sent).toBeLessThan(HUGE);
    await stillServes();
  });

  it('a chunked 200 MB MNS body is refused with 413 once past the cap, in MNS XML; localcloud still answers', async () => {
    const r = await streamHuge('/queues/lc-work/messages', { 'x-mns-version': '2015-06-06', 'content-type': 'text/xml' }, HUGE, false);
    expect(r.status).toBe(413);
    expect(r.body).toMatch(/<Code>EntityTooLarge<\/Code>/);
    expect(r.sent).toBeLessThan(HUGE);
    await stillServes();
  });

  it('through the MNS SDK: a message body of 300 KB is EntityTooLarge (the cap is 256 KB: a 64 KB message and its envelope)', async () => {
    await expect(mnsClient(cloud).sendMessage('lc-work', { MessageBody: 'x'.repeat(300 * 1024) })).rejects.toMatchObject({ name: 'MNSEntityTooLargeError' });
    await expect(mnsClient(cloud).sendMessage('lc-work', { MessageBody: 'small' })).resolves.toMatchObject({ code: 201 });
  });
});

describe('an internal failure', () => {
  it('answers a generic error in the product format with a request id; the stack goes to localcloud log only', async () => {
    const before = cloud.platform.logs.length;
    // A queue name that does not percent-decode: the SDK sends it as given and signs it, MNS's router fails on it.
    const err = await mnsClient(cloud)
      .getQueueAttributes('%E0%A4%A')
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.name).toBe('MNSInternalErrorError');
    expect(err?.message).toMatch(/failed with 500\. requestid: [0-9A-F-]{36}, .*message: The request processing has failed due to some unknown error/);
    expect(err?.message).not.toMatch(/URIError|at .*\.ts:\d+/);
    const logged = cloud.platform.logs.slice(before).join('\n');
    expect(logged).toMatch(/internal error answering GET \/queues\/%E0%A4%A .*URIError/s);
    expect(logged).toMatch(/at .*protocol\.ts:\d+/);
  });
});

describe('timer cron expressions are parsed in linear time', () => {
  // Inputs a backtracking parser takes many minutes over (it was quadratic): a regression shows as a test timeout.
  const create = (name: string, cronExpression: string) =>
    fc3Client(cloud).createTrigger(
      'lc-echo',
      new $FC3.CreateTriggerRequest({ body: new $FC3.CreateTriggerInput({ triggerName: name, triggerType: 'timer', triggerConfig: JSON.stringify({ cronExpression, enable: true }) }) }),
    );

  it('refuses a million digits without a unit, and a million blanks before a line break, as InvalidArgument', async () => {
    await expect(create('digits', `@every ${'1'.repeat(1_000_000)}`)).rejects.toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
    await expect(create('blanks', `@every${' '.repeat(1_000_000)}1m\n1m`)).rejects.toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
    await expect(create('commas', `0 ${'1-'.repeat(500_000)}1 * * * *`)).rejects.toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
    const err = await create('digits', `@every ${'1'.repeat(1_000_000)}`).catch((e: Error) => e);
    expect((err as Error).message.length).toBeLessThan(1_000);
  });

  it('still reads durations and fields as before', async () => {
    await create('every-90m', '@every 1h30m');
    await create('weekdays', '0 15 9 ? JAN-DEC MON-FRI');
    expect(cloud.fc.timers.list().map((t) => t.triggerName)).toEqual(expect.arrayContaining(['every-90m', 'weekdays']));
    await expect(create('steps', '1/2/3 * * * * *')).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(create('sign', '-5 * * * * *')).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
