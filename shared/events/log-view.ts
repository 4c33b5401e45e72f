import { quote } from './ids.js';
import type { EventNote } from './payload.js';

/** Events (or sessions checked) a log line lists; a batch holds up to 1,000. */
export const LOGGED = 20;

/** What an invocation logs of its batch, bounded whatever the batch: the first ids and notes (each clipped), and how many more. */
export function eventsForLog(events: readonly EventNote[]): {
  ids: string[];
  unused?: { level: 'warn' | 'info'; events: EventNote[]; more?: number };
} {
  const all = events.flatMap((e) => (e.id ? [quote(e.id, 64)] : []));
  const ids = all.length > LOGGED ? [...all.slice(0, LOGGED), `… and ${all.length - LOGGED} more`] : all;
  const unused = events.filter((e) => e.verdict !== 'reconcile' && e.verdict !== 'check-session');
  if (unused.length === 0) return { ids };
  const shown = unused.slice(0, LOGGED).map((e) => ({ ...e, ...(e.id ? { id: quote(e.id, 64) } : {}), why: quote(e.why, 400) }));
  return {
    ids,
    unused: { level: unused.some((e) => e.verdict === 'bad') ? 'warn' : 'info', events: shown, ...(unused.length > LOGGED ? { more: unused.length - LOGGED } : {}) },
  };
}
