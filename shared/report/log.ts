import type { Logger } from '../middleware/logger.js';
import type { DriftReport } from './model.js';

/** Characters of report JSON per log line: well inside what FC's log service takes in one entry. */
export const LOG_CHUNK_CHARS = 200_000;

/**
 * The full report into the function log: one line holding it when it fits, else its JSON text in numbered chunks
 * (`chunk`/`of`) that concatenate back to the document.
 */
export function logReport(log: Logger, report: DriftReport, fields: Record<string, unknown> = {}): void {
  const forged = report.forgedClaims ?? [];
  // A forged claim is someone writing automirror's tags: an alert, not a drift detail.
  if (forged.length > 0)
    log.error('sessions claim automirror’s ownership without a valid proof: left alone', { ...fields, count: forged.length, sessions: forged.slice(0, 20).map((c) => c.sessionId) });
  const text = JSON.stringify(report);
  if (text.length <= LOG_CHUNK_CHARS) {
    log.info('drift report', { ...fields, report });
    return;
  }
  const of = Math.ceil(text.length / LOG_CHUNK_CHARS);
  for (let i = 0; i < of; i++) log.info('drift report', { ...fields, chunk: i + 1, of, json: text.slice(i * LOG_CHUNK_CHARS, (i + 1) * LOG_CHUNK_CHARS) });
}
