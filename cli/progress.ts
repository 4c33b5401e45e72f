import type { Phase } from '../shared/engine/reconcile-region.js';

/** What a long region scan shows while it runs: pages read while scanning, changes made while applying. */
export interface Progress {
  phase(p: Phase): void;
  /** One cloud call answered. */
  call(action: string): void;
  done(): void;
}

const WRITE = /^(Create|Update|AddSources|RemoveSources|Delete)TrafficMirror/;
const WIDTH = 28;
const REDRAW_MS = 100;

const silent: Progress = { phase: () => undefined, call: () => undefined, done: () => undefined };

/**
 * A one-line progress display on `out`, redrawn in place at most ten times a second, only when `out` is a terminal
 * (piped output and logs stay clean).
 */
export function progressBar(out: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>, label: string, now: () => number = Date.now): Progress {
  if (!out.isTTY) return silent;
  let phase: Phase = { phase: 'scan', pass: 1 };
  let reads = 0;
  let writes = 0;
  let drawn = 0;
  const line = () => {
    if (phase.phase === 'scan') return `${label}: scanning${phase.pass > 1 ? ` again (pass ${phase.pass})` : ''}, ${reads} pages read`;
    const total = Math.max(phase.actions, 1);
    const filled = Math.round((WIDTH * Math.min(writes, total)) / total);
    return `${label}: applying [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.min(writes, total)}/${phase.actions} changes`;
  };
  const draw = (force = false) => {
    if (!force && now() - drawn < REDRAW_MS) return;
    drawn = now();
    out.write(`\r\x1b[2K${line()}`);
  };
  return {
    phase(p) {
      phase = p;
      writes = 0;
      draw(true);
    },
    call(action) {
      if (WRITE.test(action)) writes++;
      else reads++;
      draw();
    },
    done() {
      draw(true);
      out.write('\n');
    },
  };
}
