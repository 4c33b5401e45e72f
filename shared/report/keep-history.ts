import type { HistoryStore } from '../cloud/history-store.js';
import type { ReportBuilder, ReportEnd } from './builder.js';
import { changeSince, emptyHistory, HISTORY_MAX_BYTES, parseHistory, renderHistory, summarize, withRun } from './history.js';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const codeOf = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { code } : {};
};

/**
 * Gives the report its change since the previous run on record, then records this run, before the report is
 * published. Reads the store, sets `change` from the last run that is not this one (a retried invocation replaces
 * its own entry), and writes the history back with this run's summary. A store that can't be read or written, or
 * a document that is not a history, becomes an error in the report and a fresh history: never a failed reconcile.
 * `end` is how the run's report will be finished; finish it with the returned end, whose `finishedAt` is pinned
 * so that the summary recorded and the report published are the same document.
 */
export async function keepHistory(store: HistoryStore, b: ReportBuilder, end: ReportEnd, runId: string, regionId?: string): Promise<ReportEnd> {
  const pinned = { ...end, finishedAt: end.finishedAt ?? new Date() };
  const where = { ...(regionId ? { regionId } : {}) };
  let history = emptyHistory();
  try {
    const body = await store.get(HISTORY_MAX_BYTES);
    if (body !== undefined) history = parseHistory(body);
  } catch (err) {
    b.addError({ ...where, context: `read the report history ${store.where} (starting a fresh one)`, ...codeOf(err), message: messageOf(err) });
  }
  const previous = history.runs.filter((r) => r.runId !== runId).at(-1);
  const draft = b.finish(pinned);
  if (previous) b.setChange(changeSince(previous, draft));
  try {
    await store.put(renderHistory(withRun({ ...history, runs: history.runs.filter((r) => r.runId !== runId) }, summarize(draft, runId))));
  } catch (err) {
    b.addError({ ...where, context: `write the report history ${store.where}`, ...codeOf(err), message: messageOf(err) });
  }
  return pinned;
}
