import type { Topic } from '../cloud/mns.js';
import type { UnapprovedFinding } from '../engine/respond-unapproved.js';
import type { Logger } from '../middleware/logger.js';
import { MARKDOWN_MAX_BYTES, mdText, unapprovedMarkdown } from './markdown.js';
import type { ForeignSessions } from './model.js';
import { unapprovedEntry } from './unapproved.js';

/** The MNS message tag of the alert, beside the hourly `drift-report`: subscribers can filter on it. */
export const ALERT_TAG = 'unapproved-mirroring';
/** Sessions the alert's log line and table list; the rest are counted (the full list is in the drift report). */
const LISTED = 20;

export interface AlertContext {
  readonly accountId: string;
  /** What found them: an ActionTrail event (on-event) or a region scan (reconcile-region). */
  readonly foundBy: 'event' | 'reconcile';
}

/** The alert's Markdown: a title, then the report's own unapproved-mirroring section, within MNS's message size. */
export function renderAlert(findings: readonly UnapprovedFinding[], ctx: AlertContext): string {
  const foreign: ForeignSessions = { unapproved: findings.map(unapprovedEntry), approved: {} };
  const title = `## automirror alert: unapproved traffic mirroring in account ${mdText(ctx.accountId, 40)} (found by ${ctx.foundBy === 'event' ? 'its ActionTrail event' : 'the scheduled scan'})`;
  for (let top = LISTED; ; top = Math.floor(top / 2)) {
    const md = [title, '', ...unapprovedMarkdown(foreign, top).slice(1), ''].join('\n');
    if (top === 0 || Buffer.byteLength(md) <= MARKDOWN_MAX_BYTES) return md;
  }
}

/**
 * Unapproved sessions, the moment they are found: an error-level log line and an alert on the report topic, apart
 * from the hourly report. Nothing is sent when there are none. A publish that fails throws: the caller retries
 * (on-event) or records it in its report (reconcile-region).
 */
export async function alertUnapproved(findings: readonly UnapprovedFinding[], topic: Topic, log: Logger, ctx: AlertContext): Promise<void> {
  if (findings.length === 0) return;
  const listed = findings.slice(0, LISTED).map(unapprovedEntry);
  log.error('unapproved mirroring', { accountId: ctx.accountId, foundBy: ctx.foundBy, sessions: listed, ...(findings.length > LISTED ? { more: findings.length - LISTED } : {}) });
  await topic.publish(renderAlert(findings, ctx), ALERT_TAG);
}
