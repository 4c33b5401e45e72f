import { REGION_ID, REGION_ID_MAX } from '../domain.js';
import { ENI_ID, RULE_NAME } from '../policy/formats.js';
import { CHANGE_LIST_CAP, type ChangedEni, type ChangeSinceLast, type DriftReport } from './model.js';
import { coveragePercent } from './totals.js';

/**
 * The report's memory of earlier runs, for "the change since the previous run": a small versioned document of the
 * last runs' summaries (per account and region, kept by a store in shared/cloud/history-store.ts or a file). It
 * only ever feeds that section of the report: a history someone rewrote can make the section lie, nothing else, so
 * it is read as hostile (bounded, shape-checked, ids matched) and a bad one is replaced by a fresh history.
 */

export const HISTORY_SCHEMA = 'automirror.report-history';
export const HISTORY_VERSION = 1;
/** Runs a history keeps, newest last: the previous one is compared with; a few more show a trend to whoever reads it. */
export const HISTORY_RUNS = 10;
/** ENIs a summary names per list (sorted by region, id, the first ones kept); `count` is the full number. */
export const SUMMARY_ENI_CAP = 1000;
/** Largest history document read or written: ten capped summaries of usual ids fit (about 1 MB); the longest ids keep fewer runs. */
export const HISTORY_MAX_BYTES = 2 * 1024 * 1024;

const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const MAX_REGIONS = 100;

export interface SummaryEni {
  readonly regionId: string;
  readonly eniId: string;
  /** The rule the run named for it. */
  readonly rule?: string;
}

/** ENIs in one state: the first SUMMARY_ENI_CAP of them by (region, id), and how many there were. */
export interface SummaryList {
  readonly enis: readonly SummaryEni[];
  readonly count: number;
}

/** What a later run needs of this one to say what changed. */
export interface RunSummary {
  readonly runId: string;
  readonly finishedAt: string;
  /** The regions the run covered: only ENIs of regions both runs covered are compared. */
  readonly regions: readonly string[];
  readonly coveragePercent: number | null;
  readonly mirrored: number;
  readonly unmirrored: SummaryList;
  readonly optedOut: SummaryList;
}

export interface ReportHistory {
  readonly schema: typeof HISTORY_SCHEMA;
  readonly version: typeof HISTORY_VERSION;
  /** Oldest first, at most HISTORY_RUNS. */
  readonly runs: readonly RunSummary[];
}

export const emptyHistory = (): ReportHistory => ({ schema: HISTORY_SCHEMA, version: HISTORY_VERSION, runs: [] });

const key = (e: { regionId: string; eniId: string }) => `${e.regionId}\u0000${e.eniId}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byKey = (a: { regionId: string; eniId: string }, b: { regionId: string; eniId: string }) => compare(key(a), key(b));

const isEniId = (v: unknown): v is string => typeof v === 'string' && v.length <= ENI_ID.max && ENI_ID.pattern?.test(v) === true;
const isRule = (v: unknown): v is string => typeof v === 'string' && v.length <= RULE_NAME.max && RULE_NAME.pattern?.test(v) === true;

/** An id the reader would refuse is counted, not named: one odd id must not make every later history unreadable. */
function summaryList(enis: ReadonlyArray<{ regionId: string; eniId: string; rule?: string }>): SummaryList {
  const named = enis.filter((e) => isEniId(e.eniId)).sort(byKey);
  return { enis: named.slice(0, SUMMARY_ENI_CAP).map((e) => ({ regionId: e.regionId, eniId: e.eniId, ...(isRule(e.rule) ? { rule: e.rule } : {}) })), count: enis.length };
}

/** The summary of a finished report, as the next run will compare with it. */
export function summarize(report: DriftReport, runId: string): RunSummary {
  return {
    runId,
    finishedAt: report.run.finishedAt,
    regions: [...report.regions],
    coveragePercent: report.totals.coveragePercent,
    mirrored: report.totals.mirrored,
    unmirrored: summaryList(report.coverage.unmirrored),
    optedOut: summaryList(report.coverage.optedOut),
  };
}

/** The history with `run` added last, the oldest runs dropped past HISTORY_RUNS or HISTORY_MAX_BYTES. */
export function withRun(history: ReportHistory, run: RunSummary): ReportHistory {
  const runs = [...history.runs, run].slice(-HISTORY_RUNS);
  while (runs.length > 1 && Buffer.byteLength(JSON.stringify({ ...history, runs })) > HISTORY_MAX_BYTES) runs.shift();
  return { schema: HISTORY_SCHEMA, version: HISTORY_VERSION, runs };
}

/**
 * Which ENIs a capped list can speak for: those sorting up to its last named ENI. Past it the previous run's state
 * is unknown, so nothing there is called new.
 */
function knownIn(list: SummaryList): (e: { regionId: string; eniId: string }) => boolean {
  const last = list.enis[list.enis.length - 1];
  if (list.count <= list.enis.length) return () => true;
  return (e) => last !== undefined && byKey(e, last) <= 0;
}

const changed = (e: { regionId: string; eniId: string; rule?: string }): ChangedEni => ({ eniId: e.eniId, regionId: e.regionId, ...(e.rule ? { rule: e.rule } : {}) });
const capped = (list: readonly ChangedEni[]) => [...list].sort(byKey).slice(0, CHANGE_LIST_CAP);

/**
 * What changed from `previous` to `report`, over the regions both cover: ENIs unmirrored now that were not then,
 * ENIs unmirrored then and mirrored now, and opt-outs that are new. Names and rules come from the report (this
 * run's findings), never from the stored summary.
 */
export function changeSince(previous: RunSummary, report: DriftReport): ChangeSinceLast {
  const regions = new Set(previous.regions);
  const inBoth = (e: { regionId: string }) => regions.has(e.regionId);
  const wasUnmirrored = new Set(previous.unmirrored.enis.map(key));
  const wasOptedOut = new Set(previous.optedOut.enis.map(key));
  const knownUnmirrored = knownIn(previous.unmirrored);
  const knownOptedOut = knownIn(previous.optedOut);
  const newUnmirrored = report.coverage.unmirrored.filter((e) => inBoth(e) && knownUnmirrored(e) && !wasUnmirrored.has(key(e))).map(changed);
  const fixed = report.coverage.mirrored.filter((e) => wasUnmirrored.has(key(e))).map(changed);
  const newOptOuts = report.coverage.optedOut.filter((e) => inBoth(e) && knownOptedOut(e) && !wasOptedOut.has(key(e))).map(changed);
  return {
    previousRunAt: previous.finishedAt,
    previousCoveragePercent: previous.coveragePercent,
    previousCounts: { mirrored: previous.mirrored, unmirrored: previous.unmirrored.count, optedOut: previous.optedOut.count },
    newUnmirrored: capped(newUnmirrored),
    fixed: capped(fixed),
    newOptOuts: capped(newOptOuts),
    counts: { newUnmirrored: newUnmirrored.length, fixed: fixed.length, newOptOuts: newOptOuts.length },
  };
}

/**
 * The change of a merged report from its parts' changes (parts without one had no earlier run on record and add
 * nothing): lists joined and capped, counts summed, the earliest previous run, and the previous coverage recomputed
 * from the parts' previous counts. A part repeated (the later parts of one region) counts once per ENI.
 */
export function mergeChanges(changes: ReadonlyArray<ChangeSinceLast | undefined>): ChangeSinceLast | undefined {
  const parts = changes.filter((c): c is ChangeSinceLast => c !== undefined);
  if (parts.length === 0) return undefined;
  const join = (pick: (c: ChangeSinceLast) => readonly ChangedEni[], count: (c: ChangeSinceLast) => number) => {
    const seen = new Map<string, ChangedEni>();
    for (const c of parts) for (const e of pick(c)) seen.set(key(e), e);
    // Capped parts name fewer ENIs than they count: the total is the sum of counts, less the ENIs named twice.
    const named = parts.reduce((n, c) => n + pick(c).length, 0);
    return { list: capped([...seen.values()]), count: parts.reduce((n, c) => n + count(c), 0) - (named - seen.size) };
  };
  const newUnmirrored = join(
    (c) => c.newUnmirrored,
    (c) => c.counts.newUnmirrored,
  );
  const fixed = join(
    (c) => c.fixed,
    (c) => c.counts.fixed,
  );
  const newOptOuts = join(
    (c) => c.newOptOuts,
    (c) => c.counts.newOptOuts,
  );
  const counted = parts.every((c) => c.previousCounts !== undefined);
  const sum = (k: 'mirrored' | 'unmirrored' | 'optedOut') => parts.reduce((n, c) => n + (c.previousCounts?.[k] ?? 0), 0);
  const previousCounts = { mirrored: sum('mirrored'), unmirrored: sum('unmirrored'), optedOut: sum('optedOut') };
  const previousRunAt = parts.map((c) => c.previousRunAt).sort((a, b) => new Date(a).getTime() - new Date(b).getTime())[0];
  return {
    previousRunAt,
    previousCoveragePercent: counted ? coveragePercent(previousCounts.mirrored, previousCounts.unmirrored, previousCounts.optedOut) : parts.length === 1 ? parts[0].previousCoveragePercent : null,
    ...(counted ? { previousCounts } : {}),
    newUnmirrored: newUnmirrored.list,
    fixed: fixed.list,
    newOptOuts: newOptOuts.list,
    counts: { newUnmirrored: newUnmirrored.count, fixed: fixed.count, newOptOuts: newOptOuts.count },
  };
}

/** A stored history that is not one: too large, not JSON, or not of this shape. */
export class InvalidHistoryError extends Error {
  constructor(message: string) {
    super(`the report history is unreadable: ${message}`);
    this.name = 'InvalidHistoryError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 64) ?? String(v);

function checkEni(v: unknown, where: string, regions: ReadonlySet<string>): SummaryEni {
  if (!isObject(v)) throw new InvalidHistoryError(`${where}: not an object`);
  const { regionId, eniId, rule } = v;
  if (typeof regionId !== 'string' || !regions.has(regionId)) throw new InvalidHistoryError(`${where}.regionId: ${show(regionId)} is not one of the run's regions`);
  if (!isEniId(eniId)) throw new InvalidHistoryError(`${where}.eniId: ${show(eniId)} is not an ENI id`);
  if (rule !== undefined && !isRule(rule)) throw new InvalidHistoryError(`${where}.rule: ${show(rule)} is not a rule name`);
  return { regionId, eniId, ...(rule !== undefined ? { rule } : {}) };
}

function checkList(v: unknown, where: string, regions: ReadonlySet<string>): SummaryList {
  if (!isObject(v) || !Array.isArray(v.enis) || !isCount(v.count)) throw new InvalidHistoryError(`${where}: expected {enis: [...], count}`);
  if (v.enis.length > SUMMARY_ENI_CAP || v.enis.length > v.count) throw new InvalidHistoryError(`${where}: names ${v.enis.length} ENIs for a count of ${v.count} (at most ${SUMMARY_ENI_CAP})`);
  const enis = v.enis.map((e, i) => checkEni(e, `${where}.enis[${i}]`, regions));
  // Sorted and unique, as written: what a capped list's boundary relies on.
  for (let i = 1; i < enis.length; i++) if (byKey(enis[i - 1], enis[i]) >= 0) throw new InvalidHistoryError(`${where}.enis: not sorted by region and id, or an ENI twice`);
  return { enis, count: v.count };
}

function checkRun(v: unknown, where: string): RunSummary {
  if (!isObject(v)) throw new InvalidHistoryError(`${where}: not an object`);
  const { runId, finishedAt, regions, coveragePercent: pct, mirrored } = v;
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) throw new InvalidHistoryError(`${where}.runId: ${show(runId)} is not a run id`);
  if (typeof finishedAt !== 'string' || !ISO_TIME.test(finishedAt) || Number.isNaN(Date.parse(finishedAt))) throw new InvalidHistoryError(`${where}.finishedAt: ${show(finishedAt)} is not a UTC time`);
  if (!Array.isArray(regions) || regions.length > MAX_REGIONS || !regions.every((r) => typeof r === 'string' && r.length <= REGION_ID_MAX && REGION_ID.test(r))) {
    throw new InvalidHistoryError(`${where}.regions: expected at most ${MAX_REGIONS} region ids`);
  }
  if (pct !== null && !(typeof pct === 'number' && pct >= 0 && pct <= 100)) throw new InvalidHistoryError(`${where}.coveragePercent: ${show(pct)} is not a percentage or null`);
  if (!isCount(mirrored)) throw new InvalidHistoryError(`${where}.mirrored: ${show(mirrored)} is not a count`);
  const inRun = new Set(regions as string[]);
  return {
    runId,
    finishedAt,
    regions: [...inRun],
    coveragePercent: pct,
    mirrored,
    unmirrored: checkList(v.unmirrored, `${where}.unmirrored`, inRun),
    optedOut: checkList(v.optedOut, `${where}.optedOut`, inRun),
  };
}

/**
 * A stored history document, checked: at most HISTORY_MAX_BYTES, this schema and version, at most HISTORY_RUNS
 * runs, every id matching its pattern. Fields it does not know are dropped. Throws InvalidHistoryError.
 */
export function parseHistory(body: string | Buffer): ReportHistory {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (bytes > HISTORY_MAX_BYTES) throw new InvalidHistoryError(`${bytes} bytes, more than the ${HISTORY_MAX_BYTES} a history may hold`);
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString());
  } catch (err) {
    throw new InvalidHistoryError(`not JSON (${(err as Error).message.slice(0, 100)})`);
  }
  if (!isObject(doc) || doc.schema !== HISTORY_SCHEMA || doc.version !== HISTORY_VERSION) throw new InvalidHistoryError(`not a ${HISTORY_SCHEMA} v${HISTORY_VERSION} document`);
  if (!Array.isArray(doc.runs) || doc.runs.length > HISTORY_RUNS) throw new InvalidHistoryError(`runs: expected a list of at most ${HISTORY_RUNS}`);
  const runs = doc.runs.map((r, i) => checkRun(r, `runs[${i}]`));
  return { schema: HISTORY_SCHEMA, version: HISTORY_VERSION, runs };
}

export const renderHistory = (history: ReportHistory): string => `${JSON.stringify(history)}\n`;
