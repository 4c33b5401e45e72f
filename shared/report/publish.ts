import type { MessageQueue, Topic } from '../cloud/mns.js';
import type { Logger } from '../middleware/logger.js';
import type { ReportBuilder, ReportEnd } from './builder.js';
import { drainFailedEvents } from './failed-queue.js';
import { logReport } from './log.js';
import { renderMarkdown } from './markdown.js';
import type { DriftReport } from './model.js';

/** Where the last part of a run sends its report: failed events come in from `queue`, the summary goes to `topic`. */
export interface Outbox {
  readonly queue: MessageQueue;
  readonly topic: Topic;
  readonly maxFailedEvents: number;
}

const codeOf = (err: unknown) => {
  const e = err as { code?: unknown; message?: unknown };
  return { ...(typeof e.code === 'string' ? { code: e.code } : {}), message: String(e.message ?? err) };
};

/**
 * Finishes a part's report: into the log in full, and returned with its Markdown summary. With an outbox (the
 * run's last part), the failed-events queue is drained into the report first, the summary published, and only
 * then the drained messages deleted, unreadable ones too (they are in the report, as unreadable). A queue that can't
 * be read becomes an error in the report (with the messages received before it failed); a summary that
 * can't be published is logged, and its failed events stay queued for the next report.
 */
export async function finishReport(b: ReportBuilder, end: ReportEnd, log: Logger, outbox?: Outbox): Promise<{ report: DriftReport; markdown: string }> {
  const drained = outbox && (await drainFailedEvents(outbox.queue, outbox.maxFailedEvents).catch((err) => void b.addError({ context: 'drain failed-events queue', ...codeOf(err) })));
  for (const e of drained?.events ?? []) b.addFailedEvent(e);
  if (drained?.error !== undefined) b.addError({ context: 'drain failed-events queue (the messages before the failure are reported)', ...codeOf(drained.error) });
  const report = b.finish(end);
  logReport(log, report);
  const markdown = renderMarkdown(report);
  if (!outbox) return { report, markdown };
  try {
    await outbox.topic.publish(markdown, 'drift-report');
  } catch (err) {
    log.error('the summary could not be published; drained failed events stay queued for the next report', codeOf(err));
    return { report, markdown };
  }
  const kept = (await drained?.ack()) ?? 0;
  if (kept > 0) log.warn('failed events not deleted after the report: they will be reported again', { kept });
  return { report, markdown };
}
