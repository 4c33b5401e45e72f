import { createHash } from 'node:crypto';
import { isAccountId, isRegionId, type ReconcileMode } from '../domain.js';
import { BadInput } from './bad-input.js';
import { quote } from './ids.js';

/**
 * What reconcile-region is asked to do: reconcile one region, as the first part of a run or as a later part that
 * continues from a checkpoint (the previous part ran out of time). Every part re-scans and re-plans, so a
 * checkpoint carries no state of the region, only where the run is: the run id (ClientTokens stay those of the
 * run), the part number (the chain is bounded) and when the run began.
 */
export interface RegionTask {
  /** The account of the unit of work (account, region); absent means the deployment's own. */
  readonly accountId?: string;
  readonly regionId: string;
  readonly mode: ReconcileMode;
  readonly runId: string;
  readonly checkpoint?: Checkpoint;
}

export interface Checkpoint {
  /** 2 for the first follow-up invocation. */
  readonly part: number;
  /** When the run's first part began (ISO 8601). */
  readonly startedAt: string;
}

const RUN_ID = /^[A-Za-z0-9][\w.-]{0,63}$/;
const MODES: readonly ReconcileMode[] = ['report', 'enforce'];
/** Far above any configured chain: only refuses nonsense. */
const MAX_PART = 1000;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(v: Rec, allowed: readonly string[], what: string): void {
  const extra = Object.keys(v).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new BadInput(`${what}: unknown field${extra.length > 1 ? 's' : ''} ${quote(extra.join(', '), 200)}`);
}

function modeOf(v: unknown, what: string): ReconcileMode {
  if (!MODES.includes(v as ReconcileMode)) throw new BadInput(`${what}: mode must be report or enforce, got ${got(v)}`);
  return v as ReconcileMode;
}

/** A value as a message shows it: bounded, quoted when text, and never by calling anything of the value's. */
const got = (v: unknown): string => (v === undefined ? 'nothing' : typeof v === 'string' ? JSON.stringify(quote(v)) : quote(v));

const isTime = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v));

/** What every refusal of a task ends with: someone invoking reconcile-region by hand learns the shape reconcile sends. */
const TASK_SHAPE = 'a reconcile-region task is {accountId?, regionId, mode, runId, checkpoint?}, e.g. {"regionId":"cn-hangzhou","mode":"report","runId":"manual-1"}';

/** A reconcile-region payload, checked field by field: it may come from anyone allowed to invoke the function. */
export function parseRegionTask(event: unknown): RegionTask {
  try {
    return regionTask(event);
  } catch (err) {
    throw err instanceof BadInput ? new BadInput(`${err.message}; ${TASK_SHAPE}`) : err;
  }
}

function regionTask(event: unknown): RegionTask {
  if (!isRec(event)) throw new BadInput('reconcile-region takes a JSON object');
  onlyKeys(event, ['accountId', 'regionId', 'mode', 'runId', 'checkpoint'], 'reconcile-region payload');
  const { accountId, regionId, runId, checkpoint } = event;
  if (accountId !== undefined && !isAccountId(accountId)) throw new BadInput(`accountId must be an account id (digits), got ${got(accountId)}`);
  if (!isRegionId(regionId)) throw new BadInput(`regionId must be a region id such as cn-hangzhou, got ${got(regionId)}`);
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) throw new BadInput(`runId must be 1–64 letters, digits, '.', '_' or '-', got ${got(runId)}`);
  const task: RegionTask = { ...(accountId !== undefined ? { accountId } : {}), regionId, mode: modeOf(event.mode, 'reconcile-region payload'), runId };
  if (checkpoint === undefined) return task;
  if (!isRec(checkpoint)) throw new BadInput('checkpoint must be an object {part, startedAt}');
  onlyKeys(checkpoint, ['part', 'startedAt'], 'checkpoint');
  const { part, startedAt } = checkpoint;
  if (!Number.isInteger(part) || (part as number) < 2 || (part as number) > MAX_PART) throw new BadInput(`checkpoint.part must be an integer from 2 to ${MAX_PART}, got ${got(part)}`);
  if (!isTime(startedAt)) throw new BadInput(`checkpoint.startedAt must be an ISO 8601 time, got ${got(startedAt)}`);
  return { ...task, checkpoint: { part: part as number, startedAt } };
}

export const partOf = (t: RegionTask): number => t.checkpoint?.part ?? 1;

const accountOf = (t: RegionTask): string[] => (t.accountId !== undefined ? [t.accountId] : []);

/**
 * Where part n of a region's run begins: the id the report of part n−1 hands off to and part n continues from,
 * `run/account/region/part-n` (the account when the task names one, as the fan-out's do).
 */
export const checkpointId = (t: RegionTask, part = partOf(t)): string => [t.runId, ...accountOf(t), t.regionId, `part-${part}`].join('/');

/** FC's async task id for a part (task dedup): a retried hand-off or fan-out can't start the same part twice. */
export const taskIdOf = (t: RegionTask): string => ['automirror', t.runId, ...accountOf(t), t.regionId, `p${partOf(t)}`].join('-').replace(/[^\w-]/g, '-');

/** The part that continues `t`, or undefined when the chain may not grow past `maxParts`. */
export function nextPart(t: RegionTask, maxParts: number, startedAt: Date): RegionTask | undefined {
  const part = partOf(t) + 1;
  if (part > maxParts) return undefined;
  return { ...t, checkpoint: { part, startedAt: t.checkpoint?.startedAt ?? startedAt.toISOString() } };
}

/** A scheduled run: its id, its mode and the regions it covers. */
export interface ScheduledRun {
  readonly runId: string;
  readonly mode: ReconcileMode;
  readonly regions: readonly string[];
}

/** Options a timer's `payload` string (or a direct invocation) may carry, e.g. `{"mode":"enforce"}`. */
function runOptions(raw: unknown, defaults: { mode: ReconcileMode; regions: readonly string[] }): { mode: ReconcileMode; regions: readonly string[] } {
  if (!isRec(raw)) throw new BadInput('reconcile options must be a JSON object {mode?, regions?}');
  onlyKeys(raw, ['mode', 'regions'], 'reconcile options');
  const regions = raw.regions ?? defaults.regions;
  if (!Array.isArray(regions) || regions.length === 0 || regions.length > 50 || !regions.every(isRegionId)) {
    throw new BadInput(`regions must be a non-empty list of region ids, got ${got(regions)}`);
  }
  return { mode: raw.mode === undefined ? defaults.mode : modeOf(raw.mode, 'reconcile options'), regions: [...new Set(regions as string[])] };
}

/**
 * The run a timer firing starts: `{triggerTime, triggerName, payload}` with `payload` the configured string (JSON
 * options, or empty). The run id comes from the trigger and its time, so FC's retry of the same firing names the
 * same run (and its fan-out is deduplicated) while the next firing is a new run. Anything else is taken as the
 * options themselves (a direct invocation), named by the invocation's request id.
 */
export function scheduledRun(event: unknown, requestId: string, defaults: { mode: ReconcileMode; regions: readonly string[] }): ScheduledRun {
  if (isRec(event) && Object.hasOwn(event, 'triggerTime')) {
    onlyKeys(event, ['triggerTime', 'triggerName', 'payload'], 'timer event');
    const { triggerTime, triggerName, payload } = event;
    if (!isTime(triggerTime)) throw new BadInput(`triggerTime must be an ISO 8601 time, got ${got(triggerTime)}`);
    if (typeof triggerName !== 'string' || (payload !== undefined && typeof payload !== 'string')) throw new BadInput('a timer event has a string triggerName and payload');
    let options: unknown = {};
    if (payload) {
      try {
        options = JSON.parse(payload);
      } catch {
        throw new BadInput(`the timer payload is not JSON options: ${JSON.stringify(payload.slice(0, 80))}`);
      }
    }
    const stamp = new Date(triggerTime).toISOString().replace(/[-:]|\.\d+/g, '');
    const trigger = createHash('sha256').update(triggerName).digest('hex').slice(0, 6);
    return { runId: `${stamp}-${trigger}`, ...runOptions(options, defaults) };
  }
  if (!RUN_ID.test(requestId)) throw new BadInput(`the request id ${got(requestId)} can't name a run`);
  return { runId: requestId, ...runOptions(event ?? {}, defaults) };
}
