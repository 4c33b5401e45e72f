import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askApproval } from '../../cli/approve.js';
import { progressBar } from '../../cli/progress.js';

/** A stream standing in for stderr: a terminal or not, keeping what was written. */
const sink = (isTTY: boolean) => {
  const out = { isTTY, text: '', write: (s: string) => ((out.text += s), true) };
  return out;
};
const frames = (text: string) => text.split('\r\x1b[2K').filter(Boolean);

describe('the progress line', () => {
  it('counts pages while scanning and finished changes against every apply pass begun, on a terminal', () => {
    const out = sink(true);
    let t = 0;
    const p = progressBar(out, '2 regions', () => (t += 200));
    p.phase('cn-hangzhou', { phase: 'scan', pass: 1 });
    p.phase('cn-shanghai', { phase: 'scan', pass: 1 });
    for (let i = 0; i < 3; i++) p.call('cn-hangzhou');
    p.call('cn-shanghai');
    expect(frames(out.text).at(-1)).toBe('2 regions: scanning, 4 pages read');
    p.phase('cn-hangzhou', { phase: 'apply', pass: 1, actions: 3 });
    p.phase('cn-shanghai', { phase: 'apply', pass: 1, actions: 1 });
    // Changes are the engine's outcomes, however many calls each took (AddSources, TagResources, polling…).
    for (const _ of ['AddSourcesToTrafficMirrorSession', 'CreateTrafficMirrorSession', 'ListTrafficMirrorSessions']) p.call('cn-hangzhou');
    p.changed();
    expect(frames(out.text).at(-1)).toBe(`2 regions: applying [${'#'.repeat(7)}${'.'.repeat(21)}] 1/4 changes`);
    for (let i = 0; i < 3; i++) p.changed();
    p.done();
    expect(frames(out.text).at(-1)).toBe(`2 regions: applying [${'#'.repeat(28)}] 4/4 changes\n`);
  });

  it('adds a later pass to the total', () => {
    const out = sink(true);
    const p = progressBar(out, 'cn-hangzhou', () => 0);
    p.phase('cn-hangzhou', { phase: 'apply', pass: 1, actions: 2 });
    p.changed();
    p.changed();
    p.phase('cn-hangzhou', { phase: 'scan', pass: 2 });
    expect(frames(out.text).at(-1)).toBe('cn-hangzhou: scanning again, 0 pages read');
    p.phase('cn-hangzhou', { phase: 'apply', pass: 2, actions: 1 });
    p.changed();
    p.done();
    expect(frames(out.text).at(-1)).toBe(`cn-hangzhou: applying [${'#'.repeat(28)}] 3/3 changes\n`);
  });

  it('clears the line for a question, and draws nothing after it unless there is progress to show', () => {
    const out = sink(true);
    const p = progressBar(out, 'cn-hangzhou', () => 0);
    p.phase('cn-hangzhou', { phase: 'scan', pass: 1 });
    p.call('cn-hangzhou');
    p.clear();
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
    // Answered no: the run ends without another update; the question and its answer stay as they are.
    const asked = out.text;
    p.done();
    expect(out.text).toBe(asked);
    // Answered yes: applying draws the line again, and done() ends it.
    const again = progressBar(out, 'cn-hangzhou', () => 0);
    again.phase('cn-hangzhou', { phase: 'scan', pass: 1 });
    again.clear();
    again.phase('cn-hangzhou', { phase: 'apply', pass: 1, actions: 1 });
    again.changed();
    again.done();
    expect(frames(out.text).at(-1)).toBe(`cn-hangzhou: applying [${'#'.repeat(28)}] 1/1 changes\n`);
  });

  it('stays silent when stderr is not a terminal', () => {
    const out = sink(false);
    const p = progressBar(out, 'cn-hangzhou');
    p.phase('cn-hangzhou', { phase: 'scan', pass: 1 });
    p.call('cn-hangzhou');
    p.changed();
    p.done();
    expect(out.text).toBe('');
  });
});

describe('the approval question', () => {
  const ask = async (typed: string | null) => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += d));
    const answer = askApproval({ input, output });
    if (typed === null) input.end();
    else input.write(`${typed}\n`);
    return { answer: await answer, shown };
  };

  it("approves on 'yes' only", async () => {
    const yes = await ask('yes');
    expect(yes).toEqual({
      answer: true,
      shown: expect.stringContaining("Do you want to perform these actions?\n  automirror will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "),
    });
    for (const other of ['no', 'y', 'YES', '']) expect((await ask(other)).answer).toBe(false);
  });

  it('takes the input ending (Ctrl-D) as a no', async () => {
    expect(await ask(null)).toEqual({ answer: false, shown: expect.stringMatching(/Enter a value: \n$/) });
  });
});
