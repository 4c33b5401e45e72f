import type { Phase } from '../shared/engine/reconcile-region.js';

/** What a long run over one or more regions shows while it runs: pages read while scanning, changes made while applying. */
export interface Progress {
  phase(regionId: string, p: Phase): void;
  /** One cloud call answered (counted as a page while its region scans). */
  call(regionId: string): void;
  /** One planned change finished, whatever came of it (the engine's ApplyOptions.onOutcome). */
  changed(): void;
  /** Clears the line, for other output (a plan shown before asking); the next update draws it again, done() does not. */
  clear(): void;
  done(): void;
}

const WIDTH = 28;
const REDRAW_MS = 100;

const silent: Progress = { phase: () => undefined, call: () => undefined, changed: () => undefined, clear: () => undefined, done: () => undefined };

/**
 * A one-line progress display on `out`, redrawn in place at most ten times a second, only when `out` is a terminal
 * (piped output and logs stay clean). Changes are counted as the engine reports each action finished, against the
 * sum of the actions of every apply pass begun: the bar ends full however the changes map to API calls.
 */
export function progressBar(out: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>, label: string, now: () => number = Date.now): Progress {
  if (!out.isTTY) return silent;
  const phases = new Map<string, Phase>();
  let reads = 0;
  let total = 0;
  let changed = 0;
  let drawn = 0;
  /** Whether the line was cleared for other output and not drawn since: done() then leaves that output alone. */
  let cleared = false;
  const line = () => {
    const scanning = [...phases.values()].filter((p) => p.phase === 'scan');
    if (total === 0 || scanning.length === phases.size) {
      const again = scanning.some((p) => p.pass > 1) ? ' again' : '';
      return `${label}: scanning${again}, ${reads} pages read`;
    }
    const filled = Math.round((WIDTH * Math.min(changed, total)) / total);
    return `${label}: applying [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${changed}/${total} changes`;
  };
  const draw = (force = false) => {
    if (!force && now() - drawn < REDRAW_MS) return;
    drawn = now();
    cleared = false;
    out.write(`\r\x1b[2K${line()}`);
  };
  return {
    phase(regionId, p) {
      phases.set(regionId, p);
      if (p.phase === 'apply') total += p.actions;
      draw(true);
    },
    call(regionId) {
      if (phases.get(regionId)?.phase !== 'apply') reads++;
      draw();
    },
    changed() {
      changed++;
      draw();
    },
    clear() {
      out.write('\r\x1b[2K');
      cleared = true;
    },
    done() {
      if (cleared) return;
      draw(true);
      out.write('\n');
    },
  };
}
