import type { MessageQueue, ReceivedMessage } from '../cloud/mns.js';
import { failedEventFrom } from './failed-event.js';
import type { FailedEvent } from './model.js';

/** MNS hands out at most 16 messages per receive. */
const BATCH = 16;

export interface DrainedEvents {
  readonly events: readonly FailedEvent[];
  /**
   * Deletes the drained messages; call it once the report that records them is out. Until then they are only
   * invisible for the queue's visibility timeout, so a run that dies first loses nothing. Resolves to how many
   * could not be deleted (their receipt expired: they come back and are reported again).
   */
  ack(): Promise<number>;
}

/** Receives up to `max` messages from the failed-events queue as report entries, without deleting them yet. */
export async function drainFailedEvents(queue: MessageQueue, max: number): Promise<DrainedEvents> {
  const got: ReceivedMessage[] = [];
  while (got.length < max) {
    const batch = await queue.receive(Math.min(BATCH, max - got.length));
    if (batch.length === 0) break;
    got.push(...batch);
  }
  return {
    events: got.map((m) => failedEventFrom({ id: m.id, body: m.body })),
    async ack() {
      let failed = 0;
      for (const m of got) await queue.delete(m.receiptHandle).catch(() => failed++);
      return failed;
    },
  };
}
