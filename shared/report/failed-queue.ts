import type { MessageQueue, ReceivedMessage } from '../cloud/mns.js';
import { failedEventFrom } from './failed-event.js';
import { EXCERPT_CHARS, type FailedEvent } from './model.js';
import { cut } from './text.js';

/** MNS hands out at most 16 messages per receive. */
const BATCH = 16;

/**
 * Longest body read as a failure record: MNS's largest message (MaximumMessageSize, 65,536 bytes, so at most as
 * many characters). A longer one did not come from MNS as documented and is reported unreadable, not parsed.
 */
export const MAX_BODY_CHARS = 65_536;

export interface DrainedEvents {
  readonly events: readonly FailedEvent[];
  /** Why receiving stopped early (a receive that failed after some messages came), for the report. */
  readonly error?: unknown;
  /**
   * Deletes the drained messages; call it once the report that records them is out. Until then they are only
   * invisible for the queue's visibility timeout, so a run that dies first loses nothing. Resolves to how many
   * could not be deleted (their receipt expired: they come back and are reported again).
   */
  ack(): Promise<number>;
}

const why = (err: unknown): string => cut(err instanceof Error ? `${err.name}: ${err.message}` : String(err), 200);

/**
 * One message as a report entry, on its own: a body that can't be read (larger than MNS allows, or one the record
 * parser fails on, however hostile its structure) is an entry saying so, with its message id and size, so that one
 * bad message neither hides the others nor stays in the queue for good: it is deleted with the rest once the
 * report that records it is out (the report is the record; the excerpt identifies it).
 */
export function entryOf(m: Pick<ReceivedMessage, 'id' | 'body'>): FailedEvent {
  const body = typeof m.body === 'string' ? m.body : '';
  const messageId = typeof m.id === 'string' && m.id !== '' ? m.id : '(no message id)';
  const unreadable = (reason: string): FailedEvent => ({ messageId, error: `unreadable message (${body.length} characters): ${reason}`, excerpt: cut(body, EXCERPT_CHARS), bodyLength: body.length });
  // Nothing of a body that is not text is called (a hostile object's toString, say): it is named by its type.
  if (typeof m.body !== 'string' && m.body !== undefined) return unreadable(`the body is not text but ${m.body === null ? 'null' : typeof m.body}`);
  if (body.length > MAX_BODY_CHARS) return unreadable(`larger than MNS's ${MAX_BODY_CHARS}-byte maximum message size; not parsed`);
  try {
    return failedEventFrom({ id: messageId, body });
  } catch (err) {
    return unreadable(why(err));
  }
}

/**
 * Receives up to `max` messages from the failed-events queue as report entries, without deleting them yet. Each
 * message is read on its own (entryOf); a receive that fails once some messages came keeps those, with the error.
 */
export async function drainFailedEvents(queue: MessageQueue, max: number): Promise<DrainedEvents> {
  const got: ReceivedMessage[] = [];
  let error: unknown;
  while (got.length < max) {
    let batch: ReceivedMessage[];
    try {
      batch = await queue.receive(Math.min(BATCH, max - got.length));
    } catch (err) {
      if (got.length === 0) throw err;
      error = err;
      break;
    }
    if (batch.length === 0) break;
    got.push(...batch);
  }
  return {
    events: got.map(entryOf),
    ...(error !== undefined ? { error } : {}),
    async ack() {
      let failed = 0;
      for (const m of got) await queue.delete(m.receiptHandle).catch(() => failed++);
      return failed;
    },
  };
}
