import { q, type TagView } from './selector.js';

/**
 * Time-boxed mirroring: an ENI or instance tagged `automirror:until=<RFC 3339>` or `automirror:for=<duration>` is
 * selected by a rule with `match.temporary` until then; a rule's `expires` stops the rule selecting at that time.
 * Pure: the time is the engine's clock, given; tags are hostile, so values are parsed strictly and a bad one is
 * reported (never guessed), and the mirror spec always comes from the policy, never from a tag.
 */

export const UNTIL_TAG = 'automirror:until';
export const FOR_TAG = 'automirror:for';
/** A policy's `maxDuration` when it names none: a week covers an incident, not a standing mirror. */
export const DEFAULT_MAX_DURATION_MS = 7 * 24 * 3_600_000;
/** The longest `maxDuration` a policy may set (a temporary mirror of a year is a rule). */
export const MAX_DURATION_CEILING_MS = 31 * 24 * 3_600_000;

/** When a decision is taken, and, per rule, when the ENI's own proven session of that rule was created (cloud's CreationTime). */
export interface EvalTime {
  /** Epoch ms, from the engine's clock. */
  readonly now: number;
  /** Rule name → the earliest creation time (as the cloud wrote it) of a proven per-ENI session of that rule on this ENI. */
  readonly since?: ReadonlyMap<string, string>;
  /** When `automirror:for` was last written on the ENI or its instance, as the event's ActionTrail record says. */
  readonly written?: string;
}

/** What became of a temporary tag on an ENI or its instance, for the report and `automirror explain`. */
export interface TemporaryRecord {
  /** The tag as found, e.g. `automirror:for=6h` (quoted when odd, clipped). */
  readonly tag: string;
  /**
   * `active`: mirrored until `until`; `expired`: `until` has passed; `invalid`: a bad value; `unusable`: no temporary
   * rule; `superseded`: a rule that is not temporary mirrors the ENI anyway (full-time).
   */
  readonly status: 'active' | 'expired' | 'invalid' | 'unusable' | 'superseded';
  /** RFC 3339 (UTC) expiry, when one could be worked out. */
  readonly until?: string;
  /** The temporary rule that judged it. */
  readonly rule?: string;
  readonly why: string;
}

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** `90m`, `6h`, `2d`: one positive integer (no leading zero) and one unit; nothing else is guessed at. */
const DURATION = /^([1-9][0-9]{0,5})([mhd])$/;

/** A duration tag value in ms, or why it is refused. */
export function parseDuration(v: string): number | { error: string } {
  const m = DURATION.exec(v);
  if (!m) return { error: 'expected a duration like 90m, 6h or 2d (a positive whole number and one unit: m, h or d)' };
  return Number(m[1]) * UNITS[m[2]];
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 date-time (`2026-12-03T10:00:00Z`, `2026-12-03T18:00:00+08:00`, fractions of a second allowed) as
 * epoch ms, or why not. Strict: an upper-case T, seconds, and `Z` or an offset are required, every field is checked
 * against the calendar (no 31 November, no leap second), so nothing is left to Date.parse's guesses.
 */
export function parseTime(v: string): number | { error: string } {
  const m = RFC3339.exec(v);
  const refused = { error: 'expected an RFC 3339 time with seconds and a zone, like 2026-12-03T10:00:00Z or 2026-12-03T18:00:00+08:00' };
  if (!m) return refused;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return { error: `${v.slice(0, 19)} is not a date and time of the calendar` };
  const offH = m[10] === undefined ? 0 : Number(m[10]);
  const offM = m[11] === undefined ? 0 : Number(m[11]);
  if (offH > 23 || offM > 59) return { error: `the zone offset ${m[8]} is not one` };
  const sign = m[9] === '-' ? -1 : 1;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - sign * (offH * 60 + offM) * 60_000;
}

/** Epoch ms as RFC 3339 in UTC, without a zero fraction. */
export const isoTime = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** `6h`, `7d`, `90m` for a whole number of those units (as maxDuration is written), else minutes. */
export function showDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', UNITS.d],
    ['h', UNITS.h],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.ceil(ms / UNITS.m)}m`;
}

/** Whether the ENI (its tags merged onto its instance's) carries a temporary tag at all. */
export const hasTemporaryTag = (tags: TagView): boolean => tags[UNTIL_TAG] !== undefined || tags[FOR_TAG] !== undefined;

/** A temporary tag with no rule to judge it: reported, never mirrored (the mirror spec must come from the policy). */
export function unusable(tags: TagView): TemporaryRecord | undefined {
  if (!hasTemporaryTag(tags)) return undefined;
  return { tag: shown(tags), status: 'unusable', why: `${shown(tags)} asks for temporary mirroring, but the policy has no rule with match.temporary to say how` };
}

function shown(tags: TagView): string {
  const key = tags[UNTIL_TAG] !== undefined ? UNTIL_TAG : FOR_TAG;
  return `${key}=${q(tags[key] as string)}`;
}

/**
 * A temporary tag judged for one rule at `at.now`. `automirror:until` is absolute. `automirror:for` counts from the
 * creation of the ENI's session of this rule (the cloud's CreationTime, which no tag write can reset) or, before
 * there is one, from the tag's write as the event recorded it (ActionTrail's eventTime): both outlast the session,
 * so an expired mirror is not started again by a later run, and re-writing the same value never extends it (writing a
 * longer one, or an `automirror:until`, does: a tagger's right). Without either (a reconcile, no event at hand) it is
 * refused rather than counted from now, which would re-arm it on every run. Also refused: both tags at once, a
 * malformed value, a time in the past before anything was mirrored, and an expiry more than `maxMs` after the mirror
 * starts. Undefined when the ENI carries neither tag.
 */
export function judgeTemporary(tags: TagView, rule: string, maxMs: number, eniId: string, at: EvalTime | undefined): TemporaryRecord | undefined {
  if (!hasTemporaryTag(tags)) return undefined;
  const tag = shown(tags);
  const invalid = (why: string): TemporaryRecord => ({ tag, status: 'invalid', rule, why: `${tag} is refused: ${why}` });
  if (tags[UNTIL_TAG] !== undefined && tags[FOR_TAG] !== undefined) return invalid(`set one of ${UNTIL_TAG} and ${FOR_TAG}, not both`);
  if (!at) return invalid('no clock to judge it against');
  const sinceText = at.since?.get(rule);
  const since = sinceText === undefined ? undefined : Date.parse(sinceText);
  if (since !== undefined && Number.isNaN(since)) return invalid(`the creation time of its session (${q(sinceText as string)}) can't be read`);
  // Where the mirror starts (for the maxDuration bound and automirror:for), and how a reason names it.
  let start: { at: number; what: string } = since === undefined ? { at: at.now, what: 'now' } : { at: since, what: `its session's creation at ${isoTime(since)}` };
  let until: number;
  const untilText = tags[UNTIL_TAG];
  if (untilText !== undefined) {
    const t = parseTime(untilText);
    if (typeof t !== 'number') return invalid(t.error);
    if (since === undefined && t <= at.now) return invalid(`${isoTime(t)} is in the past`);
    until = t;
  } else {
    const d = parseDuration(tags[FOR_TAG] as string);
    if (typeof d !== 'number') return invalid(d.error);
    const written = at.written === undefined ? Number.NaN : Date.parse(at.written);
    if (since === undefined && Number.isNaN(written)) {
      return invalid(`${FOR_TAG} counts from the tag's write, and no record of it is at hand (only its event has one): write it again, or set ${UNTIL_TAG}`);
    }
    if (since === undefined) start = { at: written, what: `its write at ${isoTime(written)}` };
    until = start.at + d;
  }
  if (until - start.at > maxMs) return invalid(`it would mirror until ${isoTime(until)}, more than rule ${rule}'s maxDuration ${showDuration(maxMs)} after ${start.what}`);
  const from = untilText === undefined ? `, from ${start.what}` : '';
  if (until <= at.now) return { tag, status: 'expired', until: isoTime(until), rule, why: `temporary mirroring of ${eniId} expired at ${isoTime(until)} (${tag}${from})` };
  return { tag, status: 'active', until: isoTime(until), rule, why: `mirrored temporarily by rule ${rule} until ${isoTime(until)} (${tag}${from})` };
}

/** A rule's `expires` judged at `at.now`: whether the rule still selects (it does when no clock is given). */
export const ruleLive = (expiresMs: number | undefined, at: EvalTime | undefined): boolean => expiresMs === undefined || at === undefined || at.now < expiresMs;
