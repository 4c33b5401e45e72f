import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

/** `automirror policy schema | head -n 4`: the reader is gone before the output ends; the command ends quietly, exit 0. */
describe('a reader that closes the pipe early', () => {
  it('ends the command without an EPIPE stack on stderr', async () => {
    const child = spawn(process.execPath, [`${ROOT}bin/automirror.mjs`, 'policy', 'schema'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // Closed before the command writes anything: its first write meets a pipe nobody reads.
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect([code, stderr]).toEqual([0, '']);
  });
});
